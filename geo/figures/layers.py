"""The map's content: area fills and outlines, the graticule, firms by size tier, sites
(fanned out where they share a point) and the rings of firms known only to their city."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from geo import symbology as sym
from geo.figures.geometry import (
    _TO_PROJ,
    _edges,
    _geom_path,
    _points_xy,
    _project,
    _rings,
    _split_dongsha,
)
from geo.figures.style import (
    CITY_PRECISION_COLOR,
    CITY_PRECISION_SIZE,
    INK,
    MUTED,
    NEUTRAL_FILL,
    RASTERIZE_POINTS_ABOVE,
    SITE_COLORS,
    SITE_MARKERS,
    SITE_SIZE,
    SITE_STATUS_FILL,
    TIER_STYLE,
    ZONE_EDGE,
    _blend,
)
from geo.layout import (
    TIER_UNKNOWN,
    tier_codes,
)
from geo.symbology import Classes


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
