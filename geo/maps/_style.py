"""Colours, sizes and the short texts the maps print, in Chinese and English.

Colours are colour-blind safe: zones and segments from the Okabe–Ito palette, size tiers and
choropleth classes from ColorBrewer sequential schemes.
"""

from __future__ import annotations

import html
from typing import Final

from geo.layout import LANGS, SEGMENTS, TIER_UNKNOWN, TIERS

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

TEXT: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "boundaries": "行政区划",
        "labels": "城市名称",
        "layout": "一核一带一区",
        "carrier": "制造业载体城市",
        "enterprises": "企业",
        "heat": "企业密度（热力）",
        "sites": "园区与平台",
        "no_data": "无数据",
        "schematic": "示意图",
        "source": "来源：",
        "data_date": "数据截至：",
        "reset": "回到全省视图",
        "fullscreen": "全屏",
        "exit_fullscreen": "退出全屏",
        "north": "北",
        "firms": "{n} 家企业",
        "count_unit": "家",
        "segment": "环节",
        "tier": "规模",
        "revenue": "营收",
        "unknown": "未知",
        "unknown_segment": "环节未知",
        "kind": "类型",
        "status": "状态",
        "note": "备注",
        "size_note": "圆点大小表示营收规模",
        "city_precision": "仅定位到市的企业（{n}，标在市名处，区县未知）",
        "boundary_note": "行政区划界线仅供示意，不作为权属依据",
        "selection": "已选地区",
    },
    "en": {
        "boundaries": "Boundaries",
        "labels": "City names",
        "layout": "Core, belt & north zones",
        "carrier": "Manufacturing carrier city",
        "enterprises": "Enterprises",
        "heat": "Enterprise density (heat)",
        "sites": "Parks & platforms",
        "no_data": "No data",
        "schematic": "Schematic",
        "source": "Source: ",
        "data_date": "Data as of: ",
        "reset": "Back to province view",
        "fullscreen": "Full screen",
        "exit_fullscreen": "Exit full screen",
        "north": "N",
        "firms": "{n} firms",
        "count_unit": "",
        "segment": "Segment",
        "tier": "Size",
        "revenue": "Revenue",
        "unknown": "unknown",
        "unknown_segment": "Segment unknown",
        "kind": "Type",
        "status": "Status",
        "note": "Note",
        "size_note": "Dot size shows revenue tier",
        "city_precision": "Firms located only to the city ({n}; at the city name, district "
                          "unknown)",
        "boundary_note": "Boundaries are schematic",
        "selection": "Selected areas",
    },
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; raise ``ValueError`` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unknown lang {lang!r}; expected one of {list(LANGS)}")
    return lang


def t(key: str, lang: str) -> str:
    """Return the UI text ``key`` in ``lang``."""
    return TEXT[check_lang(lang)][key]


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
