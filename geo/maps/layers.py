"""Area layers: the plan's layout, choropleths of any metric, and area labels."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import symbology as sym
from geo.layout import CITY_BY_ADCODE, CORRIDOR, CORRIDOR_LABEL, ZONES
from geo.maps._common import check_frame, display_geoms, display_xy, feature_group, finish
from geo.maps._encode import encode_geometries
from geo.maps._js import JsCall, js_layer, legend_control, script_json
from geo.maps._style import esc, legend_html, swatch
from geo.offline import DEFAULT_BASE_URL
from geo.regions import zones_frame
from geo.symbology import area_names, label_anchors
from geo.text import check_lang, t

#: Pixel offsets (dx, dy) of city labels crowded at the province view (Pearl River Delta).
LABEL_OFFSETS: Final[dict[str, tuple[int, int]]] = {
    "440100": (0, -6),     # 广州: up, away from 佛山/东莞
    "440600": (-10, 2),    # 佛山: left
    "441900": (6, 0),      # 东莞
    "440300": (12, 4),     # 深圳: right, off 东莞 and 中山
    "442000": (-16, -2),   # 中山: left, off 深圳 (English names are wide)
    "440400": (-2, 8),     # 珠海: down
    "440700": (-8, 4),     # 江门
    "445200": (-12, -6),   # 揭阳: up-left, off 汕头
    "440500": (10, 8),     # 汕头: down-right
}

#: Pixel offset (dx, dy) of the corridor name's top-left corner from Shenzhen's label
#: anchor: under the Shenzhen label (also when it carries a value line), running east over
#: the sea, so it covers no city name of the Delta at any zoom and in either language.
CORRIDOR_LABEL_OFFSET: Final = (-4, 20)


def _areas(geoms: np.ndarray, styles: list[dict], style_index: list[int],
           tips: list[str] | None, keys: list[str], *, hatch: bool = False,
           name: str = "atlas_areas") -> folium.Element:
    data: dict = {"k": 10_000, "g": _GEOMS_SLOT, "styles": styles, "si": style_index,
                  "keys": keys}
    if tips is not None:
        data["tips"] = tips
    if hatch:
        data["hatch"] = True
    layer = js_layer("areas", data, name=name)
    layer.code = layer.code.replace(f'"{_GEOMS_SLOT}"', _geoms_json(geoms), 1)
    return layer


#: Placeholder swapped for the memoised geometry JSON (the bulk of an area layer).
_GEOMS_SLOT: Final = "__atlas_geometries__"


def _geoms_json(geoms: np.ndarray) -> str:
    return _geoms_json_cached(tuple(shapely.to_wkb(np.asarray(geoms, dtype=object))))


@functools.lru_cache(maxsize=256)
def _geoms_json_cached(wkbs: tuple[bytes, ...]) -> str:
    """Encoded geometries as script-safe JSON, memoised by content (numbers only)."""
    return script_json(encode_geometries(shapely.from_wkb(list(wkbs))))


def boundary_layer(regions: gpd.GeoDataFrame, lang: str = "zh", *, basemap: str = "none",
                   fill: str | None = None, static_url: str | None = DEFAULT_BASE_URL,
                   name: str | None = None) -> folium.FeatureGroup:
    """City (or district) outlines on a light land fill (not interactive: the overlays
    above carry the tooltips).

    Parameters
    ----------
    regions : GeoDataFrame
        Areas with ``adcode``, ``name_zh`` and geometry (EPSG:4326).
    fill : str or None
        Land colour; ``None`` draws outlines only (over tiles).
    """
    check_lang(lang)
    check_frame(regions, ["adcode", "name_zh"], "regions")
    style = {"color": "#9aa0a8", "weight": 0.9, "opacity": 1.0, "interactive": False,
             "fillColor": fill or "#ffffff", "fillOpacity": 1.0 if fill else 0.0}
    group = feature_group(name or t("map.boundaries", lang))
    _areas(display_geoms(regions, basemap), [style], [0] * len(regions), None,
           regions["adcode"].astype(str).tolist(), name="atlas_boundaries").add_to(group)
    return finish(group, static_url)


def layout_layer(regions: gpd.GeoDataFrame, lang: str = "zh", *, basemap: str = "none",
                 legend: bool = True, static_url: str | None = DEFAULT_BASE_URL,
                 name: str | None = None) -> folium.FeatureGroup:
    """The plan's layout (一核一带一区): four zones, the corridor, the carrier cities.

    Zones are filled in Okabe–Ito colours (the belt's two wings in two blues) with their
    outlines dissolved from the cities; the Guangzhou–Dongguan–Shenzhen corridor is a band
    through the cities' label points with its name; manufacturing carriers get a dashed
    outline. The legend is in ``lang``.

    Parameters
    ----------
    regions : GeoDataFrame
        The 21 cities (``geo.regions.load_regions()``): ``adcode``, ``name_zh``,
        ``name_en``, ``zone``, geometry.
    lang : {"zh", "en"}
    basemap : str
        Registry key (:data:`geo.maps.basemaps.BASEMAPS`); AMap converts to GCJ-02.
    """
    check_lang(lang)
    check_frame(regions, ["adcode", "name_zh", "zone"], "regions")
    unknown = sorted(set(regions["zone"]) - set(ZONES))
    if unknown:
        raise ValueError(f"regions has unknown zones {unknown}; expected {list(ZONES)}")
    group = feature_group(name or t("map.layout", lang))
    zones = list(ZONES)
    styles = [{"color": "#ffffff", "weight": 0.8, "fillColor": sym.ZONE_COLORS[z],
               "fillOpacity": sym.ZONE_FILL_OPACITY} for z in zones]
    adcodes = regions["adcode"].astype(str).tolist()
    names = area_names(regions, lang)
    tips = []
    for code, nm, zone in zip(adcodes, names, regions["zone"], strict=True):
        city = CITY_BY_ADCODE.get(code)
        bits = [f"<b>{esc(nm)}</b>", esc(ZONES[zone].label(lang))]
        if city and city.corridor:
            bits.append(esc(CORRIDOR_LABEL.label(lang)))
        if city and city.carrier:
            bits.append(esc(t("map.carrier", lang)))
        tips.append("<br>".join(bits))
    geoms = display_geoms(regions, basemap)
    _areas(geoms, styles, [zones.index(z) for z in regions["zone"]], tips, adcodes,
           name="atlas_zones").add_to(group)

    zf = _zones(regions)
    outline = {"color": "#4a4a4a", "weight": 2.0, "fill": False, "interactive": False}
    _areas(display_geoms(zf, basemap), [outline], [0] * len(zf), None,
           zf["zone"].tolist(), name="atlas_zone_outlines").add_to(group)

    carriers = regions[[bool(CITY_BY_ADCODE.get(c) and CITY_BY_ADCODE[c].carrier)
                        for c in adcodes]]
    if len(carriers):
        dashed = {"color": sym.CARRIER_COLOR, "weight": 1.6, "dashArray": "5 4", "fill": False,
                  "interactive": False}
        _areas(display_geoms(carriers, basemap), [dashed], [0] * len(carriers), None,
               carriers["adcode"].astype(str).tolist(), name="atlas_carriers").add_to(group)

    _corridor(regions, lang, basemap).add_to(group)
    if legend:
        _layout_legend(lang).add_to(group)
    return finish(group, static_url)


def _zones(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zone outlines dissolved from the cities, memoised by the cities' content."""
    key = (tuple(regions["zone"].astype(str)),
           tuple(shapely.to_wkb(np.asarray(regions.geometry.values, dtype=object))))
    return _dissolved(key)


@functools.lru_cache(maxsize=16)
def _dissolved(key: tuple[tuple[str, ...], tuple[bytes, ...]]) -> gpd.GeoDataFrame:
    zones, wkbs = key
    frame = gpd.GeoDataFrame({"zone": list(zones), "land_area_km2": 0.0, "area_km2": 0.0},
                             geometry=list(shapely.from_wkb(list(wkbs))), crs="EPSG:4326")
    return zones_frame(frame)


def _corridor(regions: gpd.GeoDataFrame, lang: str, basemap: str) -> folium.Element:
    sub = regions.set_index(regions["adcode"].astype(str))
    missing = [c for c in CORRIDOR if c not in sub.index]
    if missing:
        raise ValueError(f"regions lacks the corridor cities {missing}")
    sub = sub.loc[list(CORRIDOR)]
    lon, lat = label_anchors(sub.geometry.to_numpy())
    x, y = display_xy(lon, lat, basemap)
    latlngs = [[round(float(b), 5), round(float(a), 5)] for a, b in zip(x, y, strict=True)]
    styles = [
        {"color": sym.CORRIDOR_COLOR, "weight": 18, "opacity": 0.22, "lineCap": "round",
         "interactive": False},
        {"color": sym.CORRIDOR_COLOR, "weight": 2.5, "opacity": 0.95, "dashArray": "7 5",
         "interactive": False},
    ]
    code = (f"L.atlas.band({script_json(latlngs)},{script_json(styles)},"
            f"{script_json(CORRIDOR_LABEL.label(lang))},\"atlas-band-label\","
            f"{script_json(latlngs[-1])},{script_json(CORRIDOR_LABEL_OFFSET)})"
            ".addTo({parent})")
    return JsCall(code, name="atlas_corridor")


def _swatch(row: sym.LegendRow) -> str:
    return swatch(row.color, kind=row.kind)


def _layout_legend(lang: str) -> folium.Element:
    rows = [(_swatch(r), r.label) for r in sym.layout_rows(lang)]
    return legend_control(legend_html(t("map.layout", lang), rows), name="atlas_layout_legend")


# --------------------------------------------------------------------- choropleth ----
def choropleth_layer(
    areas: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: list[float] | None = None,
    lang: str = "zh",
    legend_title: str | None = None,
    unit: str = "",
    decimals: int | None = None,
    basemap: str = "none",
    name: str | None = None,
    static_url: str | None = DEFAULT_BASE_URL,
) -> folium.FeatureGroup:
    """A choropleth of ``areas[column]``, classified by :func:`geo.symbology.classify`.

    Classes, labels, colours and the no-data style are those of :mod:`geo.symbology`, so
    the briefing figure of the same view shows the same breaks, labels and colours.

    Parameters
    ----------
    areas : GeoDataFrame
        Cities or districts (EPSG:4326) with ``adcode``, ``name_zh`` (``name_en`` optional)
        and ``column``.
    column : str
        The numeric column to map. Missing values (NaN) are "no data": hatched grey with
        their own legend entry, never coloured as zero.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        Classification; ``user_defined`` takes ``breaks`` (upper bounds).
    k : int
        Number of classes (2–9); fewer when there are fewer distinct values.
    legend_title, unit : str
        Legend heading and unit (shown after the title and in tooltips).
    decimals : int or None
        Decimals of class labels and tooltips (inferred when ``None``).

    Raises
    ------
    geo.symbology.BreaksError
        ``user_defined`` without valid breaks (a ``ValueError``).
    ValueError
        Unknown scheme, bad ``k``, a missing or non-numeric column.
    """
    check_lang(lang)
    check_frame(areas, ["adcode", column], "areas")
    values = pd.to_numeric(areas[column], errors="coerce")
    if areas[column].notna().sum() != values.notna().sum():
        bad = areas.loc[areas[column].notna() & values.isna(), column].head(3).tolist()
        raise ValueError(f"column {column!r} holds non-numeric values such as {bad}")
    classes = sym.classify(values, scheme, k, breaks, decimals)
    cls = classes.index.to_numpy(dtype=int)
    y = values.to_numpy(dtype=float)
    dec = sym.infer_decimals(y) if decimals is None else int(decimals)
    styles = [{"color": "#6f7680", "weight": 0.7, "fillColor": c, "fillOpacity": 0.85}
              for c in classes.colors]
    styles.append({"color": "#6f7680", "weight": 0.7, "fillColor": sym.NO_DATA_FILL,
                   "fillOpacity": 1.0, "className": "atlas-nodata"})
    nodata_idx = len(styles) - 1
    style_index = [int(c) if c >= 0 else nodata_idx for c in cls]
    title = legend_title or column
    unit_txt = f" {unit}" if unit else ""
    sep = t("colon", lang)
    tips = [
        f"<b>{esc(n)}</b><br>{esc(title)}{sep}"
        + esc(f"{v:,.{dec}f}{unit_txt}" if np.isfinite(v) else t("map.no_data", lang))
        for n, v in zip(area_names(areas, lang), y, strict=True)
    ]
    group = feature_group(name or title)
    _areas(display_geoms(areas, basemap), styles, style_index, tips,
           areas["adcode"].astype(str).tolist(), hatch=bool((cls < 0).any()),
           name="atlas_choropleth").add_to(group)
    rows = [(_swatch(r), r.label) for r in sym.legend_rows(classes, lang)]
    legend_control(legend_html(sym.legend_heading(title, unit, lang), rows,
                               note=sym.scheme_note(classes, lang) if classes.k else None),
                   name="atlas_choropleth_legend").add_to(group)
    return finish(group, static_url)


# ------------------------------------------------------------------------- labels ----
def city_labels(
    regions: gpd.GeoDataFrame,
    lang: str = "zh",
    *,
    values: Mapping[str, float] | pd.Series | None = None,
    fmt: str = "{:,.0f}",
    unit: str = "",
    basemap: str = "none",
    offsets: Mapping[str, tuple[int, int]] | None = None,
    name: str | None = None,
    static_url: str | None = DEFAULT_BASE_URL,
) -> folium.FeatureGroup:
    """Permanent area labels (short names, text halo), optionally with a value underneath.

    Parameters
    ----------
    regions : GeoDataFrame
        Cities or districts with ``adcode``, ``name_zh`` (``name_en`` optional).
    values : mapping or Series keyed by adcode, optional
        A value printed under each name with ``fmt`` (+ ``unit``); missing -> "—".
    offsets : mapping adcode -> (dx, dy) pixels, optional
        Nudges for crowded labels; defaults to :data:`LABEL_OFFSETS` for the 21 cities.
    """
    check_lang(lang)
    check_frame(regions, ["adcode", "name_zh"], "regions")
    adcodes = regions["adcode"].astype(str).tolist()
    lon, lat = label_anchors(regions.geometry.to_numpy())
    x, y = display_xy(lon, lat, basemap)
    offs = LABEL_OFFSETS if offsets is None else offsets
    data: dict[str, object] = {
        "lat": np.round(y, 5).tolist(), "lon": np.round(x, 5).tolist(),
        "name": area_names(regions, lang, short=True),
        "dx": [int(offs.get(a, (0, 0))[0]) for a in adcodes],
        "dy": [int(offs.get(a, (0, 0))[1]) for a in adcodes],
    }
    if values is not None:
        lookup = dict(values.items()) if isinstance(values, pd.Series) else dict(values)
        shown = []
        for a in adcodes:
            v = lookup.get(a)
            ok = v is not None and not pd.isna(v)
            shown.append(fmt.format(v) + (f" {unit}" if unit else "") if ok else "—")
        data["value"] = shown
    group = feature_group(name or t("map.labels", lang))
    js_layer("labels", data, name="atlas_labels").add_to(group)
    return finish(group, static_url)
