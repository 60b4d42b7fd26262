"""Map furniture: scale bars, the north arrow and the 东沙群岛 inset."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle

from geo.figures.geometry import _FROM_PROJ, _TO_PROJ
from geo.figures.layers import _draw_lines, _draw_polygons, _style_map_axes
from geo.figures.style import INK, ZONE_EDGE
from geo.text import t


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
    ax.annotate(t("figure.km", lang), (x0 + n * seg, y0 + height_m / 2), xytext=(3, 0),
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
    ax.annotate(t("figure.north", lang), tip, xytext=(0, 2), textcoords="offset points",
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
    inset.text(0.5, 0.96, t("figure.dongsha", lang), transform=inset.transAxes, ha="center",
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
    ax.annotate(f"{length_km} {t('figure.km', lang)}", (x0 + length_km * 500, y0 + height_m),
                xytext=(0, 1), textcoords="offset points", ha="center", va="bottom",
                fontsize=5, color=INK)


def _draw_map_furniture(ax: Axes, extent: tuple[float, float, float, float], lang: str) -> None:
    """Scale bar in the empty north-west corner (outside Guangdong; the sea south of the
    Delta holds the site list), north arrow in the empty north-east corner."""
    span_x, span_y = extent[1] - extent[0], extent[3] - extent[2]
    _draw_scale_bar(ax, (extent[0] + span_x * 0.04, extent[3] - span_y * 0.07), span_x,
                    span_y * 0.008, lang)
    _draw_north_arrow(ax, (extent[1] - span_x * 0.05, extent[3] - span_y * 0.12),
                      span_y * 0.05, lang)
