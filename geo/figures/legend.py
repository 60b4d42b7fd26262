"""The legend: symbol handles, the class, layout, firm, site and line blocks, the numbered
site key, and fitting the blocks into columns above the footer."""

from __future__ import annotations

import math
from typing import Any

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.offsetbox import (
    AnchoredOffsetbox,
    DrawingArea,
    HPacker,
    TextArea,
    VPacker,
)
from matplotlib.patches import Rectangle

from geo import symbology as sym
from geo.figures.layers import _LineStyles, _site_face, _Sites
from geo.figures.page import _FOOTER_IN, _MARGIN, _Page, _wrap
from geo.figures.style import (
    INK,
    MUTED,
    SITE_COLORS,
    SITE_MARKERS,
    SITE_SIZE,
    SITE_STATUS_FILL,
    TIER_STYLE,
    ZONE_EDGE,
)
from geo.layout import (
    SITE_KINDS,
    SITE_STATUSES,
    TIER_UNKNOWN,
    TIERS,
)
from geo.symbology import Classes
from geo.text import pick, t

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
    head = sym.legend_heading(metric_label or t("figure.value", lang), unit, lang)
    rows = [_row(_legend_handle(r), r.label) for r in sym.legend_rows(classes, lang)]
    return _block(head, rows, sym.scheme_note(classes, lang))


def _firm_block(counts: dict[str, int], lang: str) -> VPacker:
    labels = {code: term.label(lang) for code, (term, _) in TIERS.items()}
    labels[TIER_UNKNOWN.code] = TIER_UNKNOWN.label(lang)
    rows = [
        _row(_marker_handle("o", color, max(size, 4.0), edge="white"),
             labels[code] + t("figure.count", lang).format(n=f"{counts[code]:,}"))
        for code, (color, size, _) in TIER_STYLE.items() if counts.get(code)
    ]
    return _block(t("figure.firms", lang), rows,
                  t("figure.firm_total", lang, n=f"{sum(counts.values()):,}"))


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
    return _block(t("figure.sites", lang), rows)


def _site_list_block(sites: _Sites, lang: str) -> VPacker:
    """The numbered sites as a two-column key: each number on the map with its full name, so
    co-located sites stay legible and long English names need no room on the map."""
    def row(i: int, name: str) -> HPacker:
        label = _wrap(name, pick(lang, 8, 21))
        return HPacker(children=[_text(f"{i}", 5.5, weight="bold"), _text(label, 5.5)],
                       pad=0, sep=3, align="top")

    rows: list[Artist] = [row(i, name) for i, name in enumerate(sites.name, start=1)]
    half = -(-len(rows) // 2)
    cols: list[Artist] = [VPacker(children=rows[:half], pad=0, sep=1.2, align="left"),
                          VPacker(children=rows[half:], pad=0, sep=1.2, align="left")]
    return VPacker(children=[_text(t("figure.site_list", lang), 6.5, weight="bold"),
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
    rows = []
    if zones:
        rows.append(_row(_line_handle(ZONE_EDGE, 1.5), t("figure.zone_line", lang)))
    rows.append(_row(_line_handle(*styles.city, background=styles.swatch),
                     t("figure.city_line", lang)))
    if styles.district is not None:
        rows.append(_row(_line_handle(*styles.district), t("figure.district_line", lang)))
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


def _layout_block(lang: str) -> VPacker:
    rows = [_row(_legend_handle(r), r.label) for r in sym.layout_rows(lang)]
    return _block(t("legend.layout", lang), rows)
