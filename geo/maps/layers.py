"""Area layers: the plan's layout, choropleths of any metric, and area labels."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from branca.utilities import color_brewer

from geo.layout import CITY_BY_ADCODE, CORRIDOR, CORRIDOR_LABEL, LAYOUT_GROUPS, ZONES, layout_group
from geo.maps._common import (
    area_names,
    check_frame,
    display_geoms,
    display_xy,
    feature_group,
    finish,
    label_anchors,
)
from geo.maps._encode import encode_geometries
from geo.maps._js import JsCall, js_layer, legend_control, script_json
from geo.maps._style import (
    CARRIER_COLOR,
    CORRIDOR_COLOR,
    NO_DATA_FILL,
    ZONE_COLORS,
    check_lang,
    esc,
    legend_html,
    swatch,
    t,
)
from geo.offline import DEFAULT_BASE_URL
from geo.regions import zones_frame

#: Pixel offsets (dx, dy) of city labels crowded at the province view (Pearl River Delta).
LABEL_OFFSETS: Final[dict[str, tuple[int, int]]] = {
    "440100": (0, -6),     # 广州: up, away from 佛山/东莞
    "440600": (-10, 2),    # 佛山: left
    "441900": (6, 0),      # 东莞
    "440300": (10, 4),     # 深圳: right, off 东莞
    "442000": (-4, -2),    # 中山
    "440400": (-2, 8),     # 珠海: down
    "440700": (-8, 4),     # 江门
    "445200": (-12, -6),   # 揭阳: up-left, off 汕头
    "440500": (10, 8),     # 汕头: down-right
}

SCHEMES: Final = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.NaturalBreaks,
    "equal_interval": mapclassify.EqualInterval,
    "user_defined": mapclassify.UserDefined,
}
_SCHEME_ALIASES: Final = {"quantile": "quantiles", "jenks": "natural_breaks",
                          "naturalbreaks": "natural_breaks", "equalinterval": "equal_interval",
                          "userdefined": "user_defined", "breaks": "user_defined"}


def normalize_scheme(scheme: str) -> str:
    """Return the registry key of a classification scheme; ``ValueError`` if unknown."""
    key = str(scheme).strip().lower().replace("-", "_").replace(" ", "_")
    key = _SCHEME_ALIASES.get(key, key)
    if key not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}; "
                         f"expected one of {list(SCHEMES)}")
    return key


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
    group = feature_group(name or t("boundaries", lang))
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
    group = feature_group(name or t("layout", lang))
    zones = list(ZONES)
    styles = [{"color": "#ffffff", "weight": 0.8, "fillColor": ZONE_COLORS[z],
               "fillOpacity": 0.55} for z in zones]
    adcodes = regions["adcode"].astype(str).tolist()
    names = area_names(regions, lang)
    tips = []
    for code, nm, zone in zip(adcodes, names, regions["zone"], strict=True):
        city = CITY_BY_ADCODE.get(code)
        bits = [f"<b>{esc(nm)}</b>", esc(ZONES[zone].label(lang))]
        if city and city.corridor:
            bits.append(esc(CORRIDOR_LABEL.label(lang)))
        if city and city.carrier:
            bits.append(esc(t("carrier", lang)))
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
        dashed = {"color": CARRIER_COLOR, "weight": 1.6, "dashArray": "5 4", "fill": False,
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
    lon, lat = label_anchors(gpd.GeoDataFrame(sub, geometry="geometry", crs=regions.crs))
    # the label sits south of the Shenzhen end, off the crowded Delta labels
    x, y = display_xy([*lon, lon[-1] + 0.1], [*lat, lat[-1] - 0.2], basemap)
    latlngs = [[round(float(b), 5), round(float(a), 5)] for a, b in zip(x, y, strict=True)]
    label_at = latlngs.pop()
    styles = [
        {"color": CORRIDOR_COLOR, "weight": 18, "opacity": 0.22, "lineCap": "round",
         "interactive": False},
        {"color": CORRIDOR_COLOR, "weight": 2.5, "opacity": 0.95, "dashArray": "7 5",
         "interactive": False},
    ]
    code = (f"L.atlas.band({script_json(latlngs)},{script_json(styles)},"
            f"{script_json(CORRIDOR_LABEL.label(lang))},\"atlas-band-label\","
            f"{script_json(label_at)}).addTo({{parent}})")
    return JsCall(code, name="atlas_corridor")


def _layout_legend(lang: str) -> folium.Element:
    rows = []
    for code, term in ZONES.items():
        group = LAYOUT_GROUPS[layout_group(code)].label(lang)
        rows.append((swatch(ZONE_COLORS[code]), f"{term.label(lang)}（{group}）"
                     if lang == "zh" else f"{term.label(lang)} ({group})"))
    rows.append((swatch(CORRIDOR_COLOR, kind="band"), CORRIDOR_LABEL.label(lang)))
    rows.append((swatch(CARRIER_COLOR, kind="dashed"), t("carrier", lang)))
    title = t("layout", lang)
    return legend_control(legend_html(title, rows), name="atlas_layout_legend")


# --------------------------------------------------------------------- choropleth ----
def _decimals(values: np.ndarray) -> int:
    finite = values[np.isfinite(values)]
    if finite.size == 0 or np.allclose(finite, np.round(finite)):
        return 0
    top = float(np.nanmax(np.abs(finite)))
    return 2 if top < 10 else 1 if top < 1000 else 0


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5,
             breaks: list[float] | None = None) -> tuple[np.ndarray, list[float], float]:
    """Classify the non-missing ``values`` with mapclassify.

    Returns
    -------
    classes : ndarray of int
        Class index per value, ``-1`` where the value is missing (never class 0).
    uppers : list of float
        Upper bound of each class (distinct, increasing).
    lowest : float
        The smallest value (lower bound of the first class).
    """
    key = normalize_scheme(scheme)
    if not isinstance(k, int | np.integer) or not 2 <= int(k) <= 9:
        raise ValueError(f"k must be an integer from 2 to 9, got {k!r}")
    y = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(y)
    classes = np.full(len(y), -1, dtype=int)
    if not ok.any():
        return classes, [], float("nan")
    data = y[ok]
    if key == "user_defined":
        if breaks is None or len(breaks) == 0:
            raise ValueError("scheme 'user_defined' needs breaks=[…] (upper class bounds)")
        bins = np.asarray(breaks, dtype=float)
        if not np.all(np.isfinite(bins)) or np.any(np.diff(bins) <= 0):
            raise ValueError(f"breaks must be finite and strictly increasing, got {breaks!r}")
        uppers = list(bins) if bins[-1] >= data.max() else [*bins, float(data.max())]
    else:
        n_unique = len(np.unique(data))
        kk = int(min(k, n_unique))
        uppers = [float(data.max())] if kk < 2 else list(SCHEMES[key](data, k=kk).bins)
    uppers = sorted({float(u) for u in uppers})
    classes[ok] = np.minimum(np.searchsorted(uppers, data, side="left"), len(uppers) - 1)
    return classes, uppers, float(data.min())


def _fmt(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def class_labels(uppers: list[float], lowest: float, decimals: int) -> list[str]:
    """Honest class labels: ``"lowest – b1"``, ``"b1 – b2"``, … (en dash)."""
    if not uppers:
        return []
    lows = [lowest, *uppers[:-1]]
    return [f"{_fmt(lo, decimals)} – {_fmt(hi, decimals)}" for lo, hi in
            zip(lows, uppers, strict=True)]


def _palette(name: str, n: int) -> list[str]:
    if n <= 0:
        return []
    base = color_brewer(name, max(3, n))
    if n >= 3:
        return base
    return [base[1]] if n == 1 else [base[0], base[2]]


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
    palette: str = "YlGnBu",
    basemap: str = "none",
    name: str | None = None,
    static_url: str | None = DEFAULT_BASE_URL,
) -> folium.FeatureGroup:
    """A choropleth of ``areas[column]`` with honest class labels and hatched no-data areas.

    Parameters
    ----------
    areas : GeoDataFrame
        Cities or districts (EPSG:4326) with ``adcode``, ``name_zh`` (``name_en`` optional)
        and ``column``.
    column : str
        The numeric column to map. Missing values (NaN) are "no data": hatched grey with
        their own legend entry, never coloured as zero.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        mapclassify classification; ``user_defined`` takes ``breaks`` (upper bounds).
    k : int
        Number of classes (2–9); fewer when there are fewer distinct values.
    legend_title, unit : str
        Legend heading and unit (shown after the title and in tooltips).
    decimals : int or None
        Decimals of class labels and tooltips (inferred when ``None``).
    palette : str
        ColorBrewer sequential scheme name.

    Returns
    -------
    folium.FeatureGroup
        The filled areas with tooltips and the legend.
    """
    check_lang(lang)
    check_frame(areas, ["adcode", column], "areas")
    values = pd.to_numeric(areas[column], errors="coerce")
    if areas[column].notna().sum() != values.notna().sum():
        bad = areas.loc[areas[column].notna() & values.isna(), column].head(3).tolist()
        raise ValueError(f"column {column!r} holds non-numeric values such as {bad}")
    classes, uppers, lowest = classify(values, scheme, k, breaks)
    y = values.to_numpy(dtype=float)
    dec = _decimals(y) if decimals is None else int(decimals)
    colors = _palette(palette, len(uppers))
    styles = [{"color": "#6f7680", "weight": 0.7, "fillColor": c, "fillOpacity": 0.85}
              for c in colors]
    styles.append({"color": "#6f7680", "weight": 0.7, "fillColor": NO_DATA_FILL,
                   "fillOpacity": 1.0, "className": "atlas-nodata"})
    nodata_idx = len(styles) - 1
    style_index = [int(c) if c >= 0 else nodata_idx for c in classes]
    title = legend_title or column
    unit_txt = f" {unit}" if unit else ""
    names = area_names(areas, lang)
    tips = [
        f"<b>{esc(n)}</b><br>{esc(title)}：{esc(_fmt(v, dec) + unit_txt)}" if np.isfinite(v)
        else f"<b>{esc(n)}</b><br>{esc(title)}：{esc(t('no_data', lang))}"
        for n, v in zip(names, y, strict=True)
    ]
    if lang == "en":
        tips = [tip.replace("：", ": ") for tip in tips]
    group = feature_group(name or title)
    _areas(display_geoms(areas, basemap), styles, style_index, tips,
           areas["adcode"].astype(str).tolist(), hatch=bool((classes < 0).any()),
           name="atlas_choropleth").add_to(group)
    counts = np.bincount(classes[classes >= 0], minlength=len(uppers))
    rows = [(swatch(c), f"{label}（{n}）" if lang == "zh" else f"{label} ({n})")
            for c, label, n in zip(colors, class_labels(uppers, lowest, dec), counts,
                                   strict=True)]
    n_missing = int((classes < 0).sum())
    if n_missing:
        label = t("no_data", lang)
        rows.append((swatch(NO_DATA_FILL, kind="nodata"),
                     f"{label}（{n_missing}）" if lang == "zh" else f"{label} ({n_missing})"))
    heading = f"{title}（{unit}）" if unit and lang == "zh" else \
        f"{title} ({unit})" if unit else title
    legend_control(legend_html(heading, rows), name="atlas_choropleth_legend").add_to(group)
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
    lon, lat = label_anchors(regions)
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
    group = feature_group(name or t("labels", lang))
    js_layer("labels", data, name="atlas_labels").add_to(group)
    return finish(group, static_url)
