"""The one label placer of the figures: each label at its point, or moved aside with a
leader line, never over another label or a key box; over a site symbol only a city name
with no clear spot near its city."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
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
#: A city name that finds no clear spot within this distance (points) of its city sits over
#: site symbols instead (its white halo keeps both legible; their edges rather than their
#: centres): pushed further it reads as another place (东莞 above 广州 read as "north of it").
CITY_NEAR_PT: Final = 14.0
#: Clear space (points) kept around a site number: "1" beside "9" reads "19", "佛山" beside
#: "7" reads "佛山7"; a gap wider than a digit keeps them apart.
NUMBER_GAP_PT: Final = 2.0
#: Prefix of the ``gid`` of every map label the placer draws (SVG ids; tests find them by it).
LABEL_GID: Final = "map-label-"


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
    home: Any = None  # a city's polygon (projected): its name may cover site symbols' edges


def _place_labels(fig: Figure, ax: Axes, labels: Sequence[_Label], placed: list[Any],
                  *, symbols: Sequence[Any] = (), zorder: float = 8.0) -> None:
    """The one label placer: each label at its point, or moved aside with a leader line.

    Greedy, in the order given: a label tries its point, then the offsets in
    :data:`_LABEL_TRIES`, until it overlaps nothing in ``placed`` (labels placed before it
    and key boxes) nor the boxes of ``symbols`` (site markers). A city name (a label with a
    ``home``, its polygon) takes such a spot only within :data:`CITY_NEAR_PT` or inside its
    city; failing that, the spot near and inside its city over the fewest symbols' centres,
    then edges (its halo keeps them legible); failing that, the first spot with the fewest
    hits, as any label. Every label gets a white halo. The halo is a copy drawn as a white
    outline under the label, so the label itself stays text (editable) in SVG; path effects
    on it would turn it into outlines.
    """
    # an Agg canvas (build_figure attaches one); typed as the base class, which has none
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    centres = [(b.x0 + b.x1) / 2 for b in symbols], [(b.y0 + b.y1) / 2 for b in symbols]
    to_data = ax.transData.inverted()
    for lab in labels:
        pad = lab.gap * fig.dpi / 72
        xy = (lab.x, lab.y)
        props: dict[str, Any] = {"ha": "center", "va": "center", "fontsize": lab.size,
                 "fontweight": lab.weight, "fontstyle": lab.style}
        text = ax.annotate(lab.text, xy, xytext=(0, 0), textcoords="offset points",
                           color=lab.color, zorder=zorder, gid=f"{LABEL_GID}{len(placed)}",
                           **props)

        candidates = [(0.0, 0.0), *(_LABEL_TRIES[:8] if lab.optional else _LABEL_TRIES)]
        # the fewest boxes hit, first tried; a city name only near its city or inside it
        # (``best``), else over the fewest symbols near it and inside it (``near``)
        best: tuple[int, tuple[float, float], Any] | None = None
        anywhere: tuple[int, tuple[float, float], Any] | None = None
        near: tuple[tuple[int, int], tuple[float, float], Any] | None = None
        for offset in candidates:
            r = math.hypot(*offset)
            text.set_position(offset)
            box = text.get_window_extent(renderer).expanded(1.08, 1.15).padded(pad)
            hard = sum(box.overlaps(o) for o in placed)
            soft = sum(box.overlaps(o) for o in symbols)
            if anywhere is None or hard + soft < anywhere[0]:
                anywhere = (hard + soft, offset, box)
            centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
            outside = lab.home is not None and not shapely.contains_xy(
                lab.home, *to_data.transform(centre))
            if r > CITY_NEAR_PT and outside:
                continue  # far from its city and outside it: reads as another place
            if best is None or hard + soft < best[0]:
                best = (hard + soft, offset, box)
            if not best[0]:
                break
            if lab.home is None or hard or outside or r > CITY_NEAR_PT:
                continue
            covered = sum(box.contains(x, y) for x, y in zip(*centres, strict=True))
            if near is None or (covered, soft) < near[0]:
                near = ((covered, soft), offset, box)
        if best is None or best[0]:  # nothing clear near its city or inside it
            best = (0, near[1], near[2]) if near is not None else anywhere
        assert best is not None  # candidates is never empty
        hits, offset, box = best
        if hits and lab.optional:
            text.remove()
            continue
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
    """City names at their :func:`geo.symbology.label_anchors` point, largest city first,
    each with its polygon as its ``home``."""
    lon, lat = sym.label_anchors(cities.geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    names = sym.area_names(cities, lang, short=True)
    homes = cities.to_crs(_PROJ).geometry
    order = np.argsort(-homes.area.to_numpy(), kind="stable")
    homes_arr = homes.to_numpy()
    return [_Label(names[i], float(x[i]), float(y[i]), size, home=homes_arr[i])
            for i in order]
