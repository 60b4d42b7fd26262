"""Basemap registry: ``none`` (default, offline), OpenStreetMap, CARTO Positron, AMap, Tianditu.

Online basemaps are options only; the atlas is complete without them. AMap (Gaode) tiles
are in GCJ-02, so every layer drawn over them is converted from WGS-84 with
:mod:`geo.datum`; Tianditu uses CGCS2000, equal to WGS-84 at map scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import folium

from geo.text import MessageError, msg, pick


class BasemapError(MessageError, ValueError):
    """A basemap cannot be drawn as asked (Tianditu without a usable key)."""


@dataclass(frozen=True)
class Basemap:
    """A tile source: URL template(s), attribution and the datum its tiles are drawn in."""

    key: str
    zh: str
    en: str
    tiles: tuple[str, ...] = ()
    attr: str = ""
    datum: str = "wgs84"
    subdomains: str = "abc"
    max_zoom: int = 18
    needs_key: bool = False
    options: dict[str, object] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


_TDT = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
    "&TILECOL={x}&tk={key}"
)

#: (Chinese, English) fragments of a tile URL that set the language of the map's labels.
_TILE_LANGUAGE: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "amap": (("lang=zh_cn", "lang=en"),),
    "tianditu": (("cva_w", "eva_w"), ("LAYER=cva", "LAYER=eva")),  # the annotation layer
}

BASEMAPS: Final[dict[str, Basemap]] = {
    b.key: b
    for b in (
        Basemap("none", "无底图（离线）", "None (offline)"),
        Basemap(
            "osm", "OpenStreetMap", "OpenStreetMap",
            tiles=("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            attr='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                 "contributors",
            max_zoom=19,
        ),
        Basemap(
            "carto_positron", "CARTO 浅色", "CARTO Positron",
            tiles=("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",),
            attr='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                 'contributors &copy; <a href="https://carto.com/attributions">CARTO</a>',
            subdomains="abcd", max_zoom=20,
        ),
        Basemap(
            "amap", "高德地图", "AMap (Gaode)",
            tiles=("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                   "&style=8&x={x}&y={y}&z={z}",),
            attr="&copy; 高德地图 AutoNavi", datum="gcj02", subdomains="1234",
        ),
        Basemap(
            "tianditu", "天地图（需密钥）", "Tianditu (needs a key)",
            tiles=(_TDT.replace("{layer}", "vec"), _TDT.replace("{layer}", "cva")),
            attr="&copy; 天地图 Tianditu", subdomains="01234567", needs_key=True,
        ),
    )
}

_KEY_RE = re.compile(r"^[A-Za-z0-9]{16,64}$")


def normalize_basemap(basemap: str) -> str:
    """Return the registry key for ``basemap``; raise ``ValueError`` naming an unknown one.

    >>> normalize_basemap("CartoDB Positron")
    'carto_positron'
    """
    key = str(basemap).strip().lower().replace("-", "_").replace(" ", "_")
    key = {"": "none", "cartodb_positron": "carto_positron", "openstreetmap": "osm",
           "gaode": "amap", "autonavi": "amap", "tdt": "tianditu"}.get(key, key)
    if key not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; expected one of {list(BASEMAPS)}")
    return key


def basemap_datum(basemap: str) -> str:
    """Return the datum layers must be drawn in over ``basemap`` (``wgs84`` or ``gcj02``)."""
    return BASEMAPS[normalize_basemap(basemap)].datum


def tile_layers(basemap: str, *, lang: str = "zh",
                tianditu_key: str | None = None) -> list[folium.TileLayer]:
    """Return the folium tile layers of ``basemap`` (empty for ``none``).

    Raises
    ------
    ValueError
        For an unknown basemap, or Tianditu without a valid user key.
    """
    spec = BASEMAPS[normalize_basemap(basemap)]
    if not spec.tiles:
        return []
    if spec.needs_key and (not tianditu_key or not _KEY_RE.match(tianditu_key)):
        raise BasemapError(msg("basemap.tianditu_key", got=tianditu_key))
    layers = []
    for i, template in enumerate(spec.tiles):
        url = template.replace("{key}", tianditu_key or "")
        for zh, en in _TILE_LANGUAGE.get(spec.key, ()):  # the labels in the reader's language
            url = url.replace(zh, pick(lang, zh, en))
        layers.append(folium.TileLayer(
            tiles=url, attr=spec.attr, name=spec.label(lang) if i == 0 else None,
            subdomains=spec.subdomains, max_zoom=spec.max_zoom, overlay=i > 0,
            control=i == 0,
        ))
    return layers
