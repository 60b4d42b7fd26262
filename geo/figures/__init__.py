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

The modules, in the order they build on each other:

- :mod:`~geo.figures.style`: formats, sizes, colours, marker styles, the furniture's text;
- :mod:`~geo.figures.geometry`: projection, the 东沙 split, point positions, outlines;
- :mod:`~geo.figures.page`: page size, map rectangle, title block, footer and notes;
- :mod:`~geo.figures.layers`: area fills and outlines, graticule, firms, sites;
- :mod:`~geo.figures.labels`: the one label placer;
- :mod:`~geo.figures.legend`: legend blocks and their fitting into columns;
- :mod:`~geo.figures.furniture`: scale bars, north arrow, 东沙 inset;
- :mod:`~geo.figures.overview`: the plan's layout (zones, corridor, carrier cities);
- :mod:`~geo.figures.build`: :func:`build_figure`, composing all of the above;
- :mod:`~geo.figures.render`: :func:`render_figure`, the file's bytes;
- :mod:`~geo.figures.chain`: the chain figure, with the same furniture.

Examples
--------
>>> from geo.regions import load_regions
>>> regions = load_regions()
>>> png = render_figure(regions, values=regions.set_index("adcode")["land_area_km2"],
...                     metric_label="土地面积", unit="平方公里", width_px=600)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from geo.figures.build import build_figure
from geo.figures.chain import build_chain_figure, render_chain_figure
from geo.figures.labels import LABEL_GID
from geo.figures.layers import MAX_NUMBERED_SITES
from geo.figures.page import figure_notes
from geo.figures.render import figure_rc, render_figure
from geo.figures.style import (
    ASPECTS,
    FIG_WIDTH_IN,
    FORMATS,
    LANGS,
    MAX_WIDTH_PX,
    MIN_WIDTH_PX,
    SITE_COLORS,
    SITE_MARKERS,
    TIER_STYLE,
    FigureError,
    height_px,
)

__all__ = [
    "ASPECTS",
    "FIG_WIDTH_IN",
    "FORMATS",
    "LABEL_GID",
    "LANGS",
    "MAX_NUMBERED_SITES",
    "MAX_WIDTH_PX",
    "MIN_WIDTH_PX",
    "SITE_COLORS",
    "SITE_MARKERS",
    "TIER_STYLE",
    "FigureError",
    "build_chain_figure",
    "build_figure",
    "figure_notes",
    "figure_rc",
    "height_px",
    "render_chain_figure",
    "render_figure",
]
