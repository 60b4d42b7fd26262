"""Colours, sizes and legend HTML of the web maps (their text is in :mod:`geo.text.maps`).

Colours are colour-blind safe: zones and segments from the Okabe–Ito palette, size tiers and
choropleth classes from ColorBrewer sequential schemes.
"""

from __future__ import annotations

import html
from typing import Final

from geo.layout import SEGMENTS, TIER_UNKNOWN, TIERS

#: Size tiers, largest first (ColorBrewer RdPu 4 + grey for unknown revenue).
TIER_ORDER: Final = (*TIERS, TIER_UNKNOWN.code)
TIER_COLORS: Final = ("#7a0177", "#c51b8a", "#f768a1", "#fbb4b9", "#9e9e9e")
TIER_RADII: Final = (8.0, 6.0, 4.5, 3.5, 3.0)

#: Chain segments (Okabe–Ito) + grey for unknown.
SEGMENT_ORDER: Final = (*SEGMENTS, "")
SEGMENT_COLORS: Final = (
    "#CC79A7", "#E69F00", "#D55E00", "#0072B2", "#009E73", "#56B4E9", "#9e9e9e",
)

SITE_COLORS: Final = {"park": "#1b7837", "platform": "#0b5ea8", "facility": "#762a83"}

LAND_FILL: Final = "#fbfaf6"
BOUNDARY_STROKE: Final = "#8a8f98"

def esc(text: object) -> str:
    """HTML-escape any value (quotes too) for text embedded in HTML."""
    return html.escape(str(text), quote=True)


def swatch(color: str, *, kind: str = "fill", extra: str = "") -> str:
    """Return a legend swatch ``<i>`` (colours come from code, never from user data)."""
    return f'<i class="atlas-swatch atlas-swatch-{kind}" style="--c:{color};{extra}"></i>'


def legend_html(title: str, rows: list[tuple[str, str]], *, note: str | None = None,
                columns: int = 1) -> str:
    """Build a legend: escaped title, (swatch HTML, escaped label) rows, optional note.

    The legend is a ``<details>`` element, open by default: a click on its title folds it
    away (no script needed), which keeps small maps readable when several legends stack.
    """
    per_col = -(-len(rows) // max(1, int(columns)))  # filled column by column
    cls = (f' class="atlas-cols" style="grid-template-rows:repeat({per_col},auto)"'
           if columns > 1 else "")
    parts = ['<details open><summary class="atlas-legend-title">', esc(title), "</summary>",
             f"<ul{cls}>"]
    parts.extend(f"<li>{sw}<span>{esc(label)}</span></li>" for sw, label in rows)
    parts.append("</ul>")
    if note:
        parts.append(f'<div class="atlas-legend-note">{esc(note)}</div>')
    parts.append("</details>")
    return "".join(parts)
