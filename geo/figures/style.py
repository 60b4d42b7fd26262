"""The figures' vocabulary and style: formats, sizes, colours, marker styles, the furniture's
text (zh + en), option checks and the render lock shared by every figure kind."""

from __future__ import annotations

import threading
from typing import Final

import matplotlib as mpl
import numpy as np

from geo.layout import (
    TIER_UNKNOWN,
)

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

# rcParams are process-global: one figure at a time (Streamlit runs sessions in threads).
_RENDER_LOCK: Final = threading.Lock()


class FigureError(ValueError):
    """A figure cannot be drawn from the inputs given; the message says which input."""


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


def _blend(color: str, alpha: float) -> str:
    """``color`` at ``alpha`` over white, as an opaque colour (same look in PNG/SVG/PDF)."""
    r, g, b = mpl.colors.to_rgb(color)
    return mpl.colors.to_hex((r * alpha + (1 - alpha), g * alpha + (1 - alpha),
                              b * alpha + (1 - alpha)))


def _darken(color: str, share: float = 0.55) -> str:
    r, g, b = mpl.colors.to_rgb(color)
    return mpl.colors.to_hex((r * share, g * share, b * share))
