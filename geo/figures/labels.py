"""The one label placer of the figures: each label at its point, or moved aside with a
leader line, never over another label or a symbol that must stay visible."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from geo import symbology as sym
from geo.figures.geometry import _PROJ, _TO_PROJ
from geo.figures.style import INK

#: Candidate label offsets (points) tried, in order, when a label collides: below, above,
#: right, left, then the diagonals, at growing distance (out to 72 pt: in the crowded Delta
#: a site number with its clear space may find room only there).
_LABEL_TRIES: Final = tuple(
    (r * math.cos(math.radians(a)), r * math.sin(math.radians(a)))
    for r in (9, 14, 20, 27, 36, 46, 58, 72)
    for a in (270, 90, 0, 180, 315, 225, 45, 135)
)
_LEADER_MIN_PT: Final = 13.0
#: Clear space (points) kept around a site number: "1" beside "9" reads "19", "佛山" beside
#: "7" reads "佛山7"; a gap wider than a digit keeps them apart.
NUMBER_GAP_PT: Final = 2.0
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
    gap: float = 0.0  # clear space (points) kept between this label and everything else


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
        pad = lab.gap * fig.dpi / 72
        xy = (lab.x, lab.y)
        props: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": lab.size,
                 "fontweight": lab.weight, "fontstyle": lab.style}
        text = ax.annotate(lab.text, xy, xytext=(0, 0), textcoords="offset points",
                           color=lab.color, zorder=zorder, gid=f"{LABEL_GID}{len(placed)}",
                           **props)
        box = text.get_window_extent(renderer).expanded(1.08, 1.15).padded(pad)
        offset = (0.0, 0.0)
        if _overlaps(box, placed):
            best = (sum(box.overlaps(o) for o in placed), offset, box)
            tries = _LABEL_TRIES[:8] if lab.optional else _LABEL_TRIES
            for dx, dy in tries:
                text.set_position((dx, dy))
                box = text.get_window_extent(renderer).expanded(1.08, 1.15).padded(pad)
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
