"""Point layers: enterprises (canvas dots / grid clusters / heat) and parks & platforms.

Enterprises are never one Python object per firm: the table becomes one compact JSON
payload (see :mod:`geo.maps._encode`) drawn by a single canvas layer in ``atlas.js``, which
clusters on a pixel grid at low zoom and builds popups with ``textContent``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Final, TypedDict

import folium
import numpy as np
import pandas as pd

from geo.layout import CITIES, SEGMENTS, SITE_KINDS, SITE_STATUSES, TIER_UNKNOWN, TIERS, tier_codes
from geo.maps._common import check_table, display_xy, feature_group, finish
from geo.maps._encode import NAME_SUFFIXES, sort_and_code_points, split_name_suffixes, string_codes
from geo.maps._js import HEAT_JS, js_layer, legend_control
from geo.maps._style import (
    SEGMENT_COLORS,
    SEGMENT_ORDER,
    SITE_COLORS,
    TIER_COLORS,
    TIER_ORDER,
    TIER_RADII,
    esc,
    legend_html,
    swatch,
)
from geo.maps.layers import LABEL_OFFSETS
from geo.offline import DEFAULT_BASE_URL
from geo.regions import load_regions, point_lonlat
from geo.symbology import label_anchors
from geo.text import check_lang, pick, t

MODES: Final = ("auto", "cluster", "dots", "heat")
COLOR_BY: Final = ("tier", "segment")
#: In "auto" mode, fewer firms than this in view are drawn as dots at any zoom.
MIN_CLUSTER: Final = 400
#: In "auto" mode, clusters are drawn below this zoom (province and city views).
CLUSTER_BELOW_ZOOM: Final = 11

_CITY_INDEX: Final = {c.adcode: i for i, c in enumerate(CITIES)}


def _texts(lang: str) -> dict[str, Any]:  # JSON for the browser
    return {
        "segment": t("map.segment", lang), "tier": t("map.tier", lang),
        "revenue": t("map.revenue", lang),
        "unknown": t("map.unknown", lang), "cluster": t("map.firms", lang),
        "segments": [SEGMENTS[s].label(lang) if s else t("map.unknown_segment", lang)
                     for s in SEGMENT_ORDER],
        "tiers": [TIERS[c][0].label(lang) if c in TIERS else TIER_UNKNOWN.label(lang)
                  for c in TIER_ORDER],
        # revenue arrives in 万元 (10k CNY)
        "bigAt": pick(lang, 10_000, 100_000), "bigDiv": pick(lang, 10_000, 100_000),
        "bigUnit": t("map.big_unit", lang),
        "smallDiv": pick(lang, 1, 100), "smallDec": pick(lang, 0, 1),
        "smallUnit": t("map.small_unit", lang),
        "year": t("map.year_suffix", lang), "source": t("map.popup_source", lang),
        "open": t("map.open", lang), "close": t("map.close", lang), "sep": t("map.comma", lang),
    }


def _column(frame: pd.DataFrame, name: str, default: object) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def _names(frame: pd.DataFrame, lang: str) -> pd.Series:
    zh = _column(frame, "name_zh", "").fillna("").astype(str)
    en = _column(frame, "name_en", "").fillna("").astype(str)
    first, second = pick(lang, (zh, en), (en, zh))
    return first.where(first.str.len() > 0, second)


def _codes(values: pd.Series, order: tuple[str, ...], missing: int) -> np.ndarray:
    lookup = {code: i for i, code in enumerate(order)}
    return values.fillna("").astype(str).map(lookup).fillna(missing).to_numpy(dtype=np.int64)


def _city_codes(frame: pd.DataFrame, lang: str) -> tuple[list[int], list[str]]:
    """City index per firm: the 21 cities by adcode, else the city as written, else -1."""
    city = _column(frame, "city_adcode", "").fillna("").astype(str)
    codes = city.map(_CITY_INDEX).fillna(-1).to_numpy(dtype=np.int64)
    table = [pick(lang, c.name_zh, c.name_en) for c in CITIES]
    raw = _column(frame, "city", "").fillna("").astype(str).str.strip()
    loose = (codes < 0) & (raw != "").to_numpy()
    if loose.any():
        extra, names = pd.factorize(raw[loose])
        codes[loose] = extra + len(table)
        table += [str(n) for n in names]
    return codes.tolist(), table


@functools.cache
def _city_anchors() -> dict[str, tuple[float, float]]:
    """The 21 cities' label anchors (WGS-84), where city-precision firms are drawn."""
    regions = load_regions()
    lon, lat = label_anchors(regions.geometry.to_numpy())
    return {a: (float(x), float(y))
            for a, x, y in zip(regions["adcode"].astype(str), lon, lat, strict=True)}


def _city_precision(frame: pd.DataFrame) -> np.ndarray:
    """Rows located only to a known city (``coord_precision == "city"``)."""
    precision = _column(frame, "coord_precision", "").fillna("").astype(str)
    city = _column(frame, "city_adcode", "").fillna("").astype(str)
    return ((precision == "city") & city.isin(_city_anchors().keys())).to_numpy()


class CityGroup(TypedDict):
    """The city-precision firms of one city, drawn as one ring at its label anchor."""

    city: str
    name: str
    lon: float
    lat: float
    firms: list[str]


def _city_groups(frame: pd.DataFrame, lang: str, basemap: str) -> list[CityGroup]:
    """One entry per city: its label anchor, name and the names of its city-precision firms."""
    anchors = _city_anchors()
    names = _names(frame, lang)
    out: list[CityGroup] = []
    for city in CITIES:
        rows = frame["city_adcode"].astype(str) == city.adcode
        if not rows.any():
            continue
        lon, lat = anchors[city.adcode]
        x, y = display_xy(np.array([lon]), np.array([lat]), basemap)
        out.append({"city": city.adcode, "name": pick(lang, city.name_zh, city.name_en),
                    "lon": round(float(x[0]), 5), "lat": round(float(y[0]), 5),
                    "firms": sorted(names[rows].tolist())})
    return out


def encode_enterprises(enterprises: pd.DataFrame, lang: str = "zh", *,
                       basemap: str = "none") -> dict[str, Any]:
    """Encode the canonical enterprise table as the compact payload ``atlas.js`` draws.

    Rows without finite coordinates are left out. Rows located only to their city
    (``coord_precision == "city"``) are not points: their coordinates are a stand-in that
    may lie in any district. They go to ``cp``, one entry per city (label anchor, city name,
    firm names), drawn as a distinct symbol by :func:`enterprise_layer`. See
    :mod:`geo.maps._encode`.
    """
    check_lang(lang)
    check_table(enterprises, [], "enterprises")
    lon, lat = point_lonlat(enterprises, "enterprises")
    ok = np.isfinite(lon) & np.isfinite(lat)
    coarse = _city_precision(enterprises)
    city_groups = _city_groups(enterprises.loc[coarse], lang, basemap) if coarse.any() else []
    ok &= ~coarse
    frame = enterprises.loc[ok]
    x, y = display_xy(lon[ok], lat[ok], basemap)
    order, data = sort_and_code_points(x, y)
    frame = frame.iloc[order]

    revenue = pd.to_numeric(_column(frame, "revenue_10k_cny", np.nan), errors="coerce")
    tiers = frame["tier"] if "tier" in frame.columns else tier_codes(revenue)
    data["t"] = _codes(tiers, TIER_ORDER, len(TIER_ORDER) - 1).tolist()
    data["s"] = _codes(_column(frame, "segment", ""), SEGMENT_ORDER,
                       len(SEGMENT_ORDER) - 1).tolist()
    data["c"], data["cs"] = _city_codes(frame, lang)
    data["d"], data["ds"] = string_codes(_column(frame, "district", ""))
    data["r"] = np.where(revenue.notna(), np.rint(revenue.fillna(0)), -1).astype(
        np.int64).tolist()
    year = pd.to_numeric(_column(frame, "revenue_year", np.nan), errors="coerce")
    data["yr"] = year.fillna(0).astype(np.int64).tolist()
    data["src"], data["ss"] = string_codes(_column(frame, "source", ""))
    data["nm"], data["nmx"] = split_name_suffixes(_names(frame, lang))
    data["nms"] = list(NAME_SUFFIXES)
    data["cp"] = city_groups
    return data


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    key = str(value).strip().lower()
    if key not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {list(allowed)}")
    return key


def enterprise_layer(
    enterprises: pd.DataFrame,
    lang: str = "zh",
    *,
    mode: str = "auto",
    color_by: str = "tier",
    basemap: str = "none",
    legend: bool = True,
    name: str | None = None,
    static_url: str | None = DEFAULT_BASE_URL,
    encoded: Mapping[str, Any] | None = None,
) -> folium.FeatureGroup:
    """Enterprises as one canvas layer: clusters at province view, dots when zoomed or few.

    Parameters
    ----------
    enterprises : DataFrame or GeoDataFrame
        Canonical enterprise table (``geo.registry``): ``lon``/``lat`` (WGS-84) or point
        geometry; optional ``name_zh``, ``name_en``, ``city_adcode``, ``district``,
        ``segment``, ``tier``, ``revenue_10k_cny``, ``revenue_year``, ``source``.
    mode : {"auto", "cluster", "dots", "heat"}
        ``auto`` clusters below zoom 11 when more than 400 firms are in view; ``cluster``
        clusters below the maximum zoom; ``dots`` never clusters; ``heat`` is a heat map.
    color_by : {"tier", "segment"}
        Dot colour; dot size always shows the revenue tier.
    encoded : mapping, optional
        ``encode_enterprises(enterprises, lang, basemap=basemap)`` computed earlier (a UI
        may cache it per dataset and filter); used as is, not modified.

    Returns
    -------
    folium.FeatureGroup
        Popups show name, city · district, segment, tier, revenue (year, source); every text
        is set with ``textContent`` in the browser.
    """
    check_lang(lang)
    mode = _check_choice(mode, MODES, "mode")
    color_by = _check_choice(color_by, COLOR_BY, "color_by")
    data = encoded if encoded is not None else encode_enterprises(enterprises, lang,
                                                                  basemap=basemap)
    city_groups = list(data.get("cp", []))
    n_city = sum(len(g["firms"]) for g in city_groups)
    n = len(data["y"]) + n_city
    group = feature_group(name or (t("map.heat", lang) if mode == "heat"
                                   else t("map.enterprises", lang)))
    points = {k: v for k, v in data.items() if k != "cp"}
    if mode == "heat":
        heat = {k: data[k] for k in ("x", "y", "q")}
        js_layer("heat", heat, {"radius": 12, "blur": 15, "minOpacity": 0.05, "maxZoom": 11},
                 name="atlas_heat", js=[HEAT_JS]).add_to(group)
    else:
        options = {
            "mode": mode, "clusterBelow": CLUSTER_BELOW_ZOOM, "minCluster": MIN_CLUSTER,
            "colorBy": "s" if color_by == "segment" else "t",
            "colors": list(SEGMENT_COLORS if color_by == "segment" else TIER_COLORS),
            "radii": list(TIER_RADII), "text": _texts(lang),
        }
        js_layer("points", points, options, name="atlas_points").add_to(group)
        for entry in city_groups:
            _city_marker(entry, lang).add_to(group)
    if legend:
        _enterprise_legend(data, lang, mode, color_by, n, n_city).add_to(group)
    return finish(group, static_url)


#: Pixels from a city label's centre down to the top of its ring of city-located firms
#: (half a one-line label, 12 px type, plus a gap), and the ring's diameter.
_RING_GAP: Final = 9
_RING: Final = 22


def city_ring_offset(adcode: str) -> tuple[int, int]:
    """Pixels (dx, dy) from a city's label anchor to the centre of its ring of firms located
    only to the city: under the city's name, where :data:`LABEL_OFFSETS` nudged it.

    >>> city_ring_offset("000000")
    (0, 20)
    """
    dx, dy = LABEL_OFFSETS.get(adcode, (0, 0))
    return dx, dy + _RING_GAP + _RING // 2


def _city_marker(entry: CityGroup, lang: str) -> folium.Marker:
    """A dashed ring with the count under the city's label (:func:`city_ring_offset`);
    hovering lists the firms.

    The list is the ring's ``title`` attribute, every name HTML-escaped (quotes too); the
    icon's HTML reaches the page as a JSON string, never as a template or a popup script.
    """
    firms = list(entry["firms"])
    dx, dy = city_ring_offset(entry["city"])
    head = t("map.city_firms", lang, name=entry["name"], n=len(firms))
    title = "&#10;".join(esc(line) for line in (head, *firms))
    icon = folium.DivIcon(
        html=f'<div class="atlas-cityfirms" title="{title}">{len(firms)}</div>',
        icon_size=(_RING, _RING), icon_anchor=(_RING // 2 - dx, _RING // 2 - dy),
        class_name="atlas-cityfirms-icon")
    return folium.Marker([entry["lat"], entry["lon"]], icon=icon)


def _enterprise_legend(data: Mapping[str, Any], lang: str, mode: str, color_by: str,
                       n: int, n_city: int = 0) -> folium.Element:
    title = t("map.firms", lang).format(n=f"{n:,}")
    city_row = [(swatch("#444444", kind="cityfirms"),
                 t("map.city_precision", lang).format(n=f"{n_city:,}"))] if n_city else []
    if mode == "heat":
        return legend_control(legend_html(title, [(swatch("", kind="heat"),
                                                    t("map.heat", lang)), *city_row]),
                              name="atlas_enterprise_legend")
    texts = _texts(lang)
    counts_t = np.bincount(np.asarray(data["t"], dtype=np.int64), minlength=len(TIER_ORDER))
    rows = []
    if color_by == "tier":
        for i, label in enumerate(texts["tiers"]):
            if counts_t[i]:
                r = TIER_RADII[i]
                rows.append((swatch(TIER_COLORS[i], kind="dot", extra=f"--r:{2 * r:.0f}px"),
                             t("legend.count", lang, label=label, n=f"{counts_t[i]:,}")))
        note = None
    else:
        counts_s = np.bincount(np.asarray(data["s"], dtype=np.int64),
                               minlength=len(SEGMENT_ORDER))
        for i, label in enumerate(texts["segments"]):
            if counts_s[i]:
                rows.append((swatch(SEGMENT_COLORS[i], kind="dot", extra="--r:10px"),
                             t("legend.count", lang, label=label, n=f"{counts_s[i]:,}")))
        note = t("map.size_note", lang)
    return legend_control(legend_html(title, [*rows, *city_row], note=note),
                          name="atlas_enterprise_legend")


def site_layer(
    sites: pd.DataFrame,
    lang: str = "zh",
    *,
    basemap: str = "none",
    legend: bool = True,
    name: str | None = None,
    static_url: str | None = DEFAULT_BASE_URL,
) -> folium.FeatureGroup:
    """Parks, platforms and big science facilities: a shape per kind, status by fill.

    Square = industrial park, triangle = innovation platform, star = big science facility;
    operating = filled, under construction = half-transparent, planned = hollow and dashed.

    Parameters
    ----------
    sites : DataFrame or GeoDataFrame
        ``geo.registry.load_sites()`` columns: ``kind``, ``status``, ``lon``/``lat`` (or
        point geometry), optional ``name_zh``, ``name_en``, ``city_adcode``, ``district``,
        ``source``, ``note``.
    """
    check_lang(lang)
    check_table(sites, ["kind", "status"], "sites")
    lon, lat = point_lonlat(sites, "sites")
    ok = np.isfinite(lon) & np.isfinite(lat)
    frame = sites.loc[ok]
    kinds, statuses = list(SITE_KINDS), list(SITE_STATUSES)
    bad = sorted(set(frame["kind"].astype(str)) - set(kinds))
    if bad:
        raise ValueError(f"sites have unknown kinds {bad}; expected {kinds}")
    bad = sorted(set(frame["status"].astype(str)) - set(statuses))
    if bad:
        raise ValueError(f"sites have unknown statuses {bad}; expected {statuses}")
    x, y = display_xy(lon[ok], lat[ok], basemap)
    city = _column(frame, "city_adcode", "").fillna("").astype(str)
    city_names = {c.adcode: pick(lang, c.name_zh, c.name_en) for c in CITIES}
    district = _column(frame, "district", "").fillna("").astype(str)
    place = [" · ".join(p for p in (city_names.get(c, ""), d) if p)
             for c, d in zip(city, district, strict=True)]
    data = {
        "lat": np.round(y, 5).tolist(), "lon": np.round(x, 5).tolist(),
        "k": [kinds.index(k) for k in frame["kind"].astype(str)],
        "st": [statuses.index(s) for s in frame["status"].astype(str)],
        "nm": _names(frame, lang).tolist(), "place": place,
        "note": _column(frame, "note", "").fillna("").astype(str).tolist(),
        "src": _column(frame, "source", "").fillna("").astype(str).tolist(),
        "kinds": kinds, "statuses": statuses,
        "colors": [SITE_COLORS[k] for k in kinds],
        "text": {"kind": t("map.kind", lang), "status": t("map.status", lang),
                 "note": t("map.note", lang), "source": t("map.source", lang).rstrip("：: "),
                 "kinds": [SITE_KINDS[k].label(lang) for k in kinds],
                 "statuses": [SITE_STATUSES[s].label(lang) for s in statuses]},
    }
    group = feature_group(name or t("map.sites", lang))
    js_layer("sites", data, name="atlas_sites").add_to(group)
    if legend:
        rows = [(swatch(SITE_COLORS[k], kind=f"site-{k}"), SITE_KINDS[k].label(lang))
                for k in kinds]
        rows += [(swatch("#555555", kind=f"status-{s}"), SITE_STATUSES[s].label(lang))
                 for s in statuses]
        legend_control(legend_html(t("map.sites", lang), rows, columns=2),
                       name="atlas_site_legend").add_to(group)
    return finish(group, static_url)
