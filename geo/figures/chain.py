"""The chain briefing figure (PNG/SVG/PDF): segments as columns, parts as boxes coloured by
status, with producers and revenue; for a city, what it makes and which inputs it lacks.

Same furniture as the map figures of :mod:`geo.figures`: its rc settings and CJK font, its
inks, and the notes every export carries (:mod:`geo.provenance`: the sample line first, in
red, then the data version).

Examples
--------
>>> import pandas as pd
>>> from geo.chain import chain_health
>>> frame = pd.DataFrame({"city_adcode": ["440300"], "products": ["galvo_scanner"],
...                       "revenue_10k_cny": [None], "sample": [True]})
>>> png = render_chain_figure(chain_health(frame), width_px=600)
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import io
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.text import Text

from geo import provenance
from geo.chain import PARTS, STATUS_COLOURS, STATUSES, ChainHealth, CityChain
from geo.figures.render import figure_rc  # the map figures' furniture: both kinds look alike
from geo.figures.style import _RENDER_LOCK, FIG_WIDTH_IN, FORMATS, INK, MUTED, SAMPLE_INK
from geo.layout import PLAN_TITLE, SEGMENTS, city_name
from geo.text import check_lang, fmt_100m_cny, fmt_number, t

#: ``gid`` prefixes of a column heading and a part's name (tests find them by it).
HEAD_GID = "chain-head-"
BOX_GID = "chain-part-"


def _check(lang: str, fmt: str, width_px: int) -> None:
    check_lang(lang)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    if not isinstance(width_px, int) or not 300 <= width_px <= 12_000:
        raise ValueError(f"width_px must be an int in 300..12000, got {width_px!r}")


def build_chain_figure(health: ChainHealth, *, lang: str = "zh", city: CityChain | None = None,
                       title: str | None = None, subtitle: str | None = None,
                       width_px: int = 3000, data_date: str | None = None,
                       data_version: str | None = None, sample_rows: int = 0) -> Figure:
    """Build the figure (call inside ``matplotlib.rc_context(figure_rc())``)."""
    width, height = FIG_WIDTH_IN, FIG_WIDTH_IN * 9 / 16
    fig = Figure(figsize=(width, height), dpi=width_px / width)
    FigureCanvasAgg(fig)
    name = t("chain_figure.title", lang)
    title = title or (name if city is None else
                      f"{name}{t('colon', lang)}{city_name(city.adcode, lang)}")
    fig.set_label(title)
    fig.text(0.02, 0.955, title, fontsize=14, fontweight="bold", color=INK, va="top")
    if subtitle:
        fig.text(0.02, 0.895, subtitle, fontsize=8, color=MUTED, va="top")
    ax = fig.add_axes((0.02, 0.16, 0.96, 0.66))
    ax.set_axis_off()
    parts = health.parts.set_index("code")
    segments = list(SEGMENTS)
    rows = max(int((parts["segment"] == s).sum()) for s in segments)
    ax.set_xlim(0, len(segments))
    ax.set_ylim(rows + 0.6, 0)
    has = set(city.has) if city else set()
    missing = set(city.missing) if city else set()
    for col, seg in enumerate(segments):
        _fit(ax, ax.text(col + 0.5, 0.25, SEGMENTS[seg].label(lang), ha="center", va="center",
                         fontsize=8.5, fontweight="bold", color=INK, gid=f"{HEAD_GID}{seg}"),
             0.94)
        codes = [c for c in PARTS if PARTS[c].segment == seg]
        for row, code in enumerate(codes):
            _box(ax, col, row + 0.55, code, parts.loc[code], lang,
                 "has" if code in has else "missing" if code in missing else "")
    _legend(fig, lang, city is not None)
    _footer(fig, health, lang, data_date, data_version, sample_rows)
    return fig


def _box(ax: Any, col: int, top: float, code: str, part: Any, lang: str, mark: str) -> None:
    colour = STATUS_COLOURS[str(part["status"])]
    edge, lw, style = ("#111111", 2.2, "-") if mark == "has" else \
        ("#111111", 1.6, (0, (3, 2))) if mark == "missing" else ("white", 0.6, "-")
    ax.add_patch(FancyBboxPatch((col + 0.05, top + 0.04), 0.9, 0.84,
                                boxstyle="round,pad=0,rounding_size=0.06", facecolor=colour,
                                edgecolor=edge, linewidth=lw, linestyle=style))
    _fit(ax, ax.text(col + 0.5, top + 0.3, PARTS[code].label(lang), ha="center", va="center",
                     fontsize=6.8, fontweight="bold", color="white", gid=f"{BOX_GID}{code}"),
         0.84)
    n, s = int(part["producers"]), int(part["sample_producers"])
    line = f"{fmt_number(n, lang)} {t('chain_figure.firms', lang)}"
    if s:
        line = t("aside", lang, text=line,
                 aside=f"{fmt_number(s, lang)} {t('chain_figure.sample', lang)}")
    ax.text(col + 0.5, top + 0.55, line, ha="center", va="center", fontsize=5.6, color="white")
    ax.text(col + 0.5, top + 0.74, fmt_100m_cny(part["revenue_100m_cny"], lang), ha="center",
            va="center", fontsize=5.6, color="white")


def _fit(ax: Axes, text: Text, width: float) -> None:
    """Shrink ``text`` (its font size) until it is at most ``width`` data units of ``ax``
    wide: a long English name stays inside its box or column instead of running into the
    next."""
    avail = ax.transData.transform((width, 0))[0] - ax.transData.transform((0, 0))[0]
    for _ in range(4):  # text width is not quite linear in the size (hinting): re-measure
        drawn = text.get_window_extent().width
        if drawn <= avail:
            return
        text.set_fontsize(float(text.get_fontsize()) * avail / drawn * 0.98)


def _legend(fig: Figure, lang: str, for_city: bool) -> None:
    handles = [Patch(facecolor=STATUS_COLOURS[c], edgecolor="white", label=s.label(lang))
               for c, s in STATUSES.items()]
    if for_city:
        handles += [Patch(facecolor="white", edgecolor="#111111", linewidth=2.2,
                          label=t("chain_figure.has", lang)),
                    Patch(facecolor="white", edgecolor="#111111", linewidth=1.6,
                          linestyle=(0, (3, 2)), label=t("chain_figure.missing", lang))]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.02, 0.085), ncol=len(handles),
               frameon=False, fontsize=7)


def _footer(fig: Figure, health: ChainHealth, lang: str, data_date: str | None,
            data_version: str | None, sample_rows: int) -> None:
    plan = t("plan_cited", lang, title=PLAN_TITLE.label(lang))
    lines = [t("chain_figure.source", lang, plan=plan),
             t("chain_figure.tagged", lang, t=f"{health.tagged:,}", n=f"{health.firms:,}")
             + (f" · {t('chain_figure.date', lang, d=data_date)}" if data_date else "")]
    for i, line in enumerate(lines):
        fig.text(0.02, 0.055 - i * 0.025, line, fontsize=5.5, color=MUTED, va="top")
    notes = provenance.export_notes(lang, data_version or "–", sample_rows) \
        if data_version is not None or sample_rows else []
    for i, note in enumerate(notes):
        is_sample = note.startswith(provenance.SAMPLE_MARK[lang])
        fig.text(0.98, 0.955 - i * 0.035, note, fontsize=7 if is_sample else 6, ha="right",
                 va="top", color=SAMPLE_INK if is_sample else MUTED,
                 fontweight="bold" if is_sample else "normal")


def render_chain_figure(health: ChainHealth, *, lang: str = "zh", city: CityChain | None = None,
                        title: str | None = None, subtitle: str | None = None,
                        fmt: str = "png", width_px: int = 3000, data_date: str | None = None,
                        data_version: str | None = None, sample_rows: int = 0) -> bytes:
    """Render the chain figure and return the file's bytes.

    Parameters
    ----------
    health : ChainHealth
        From :func:`geo.chain.chain_health` (the firms in view).
    city : CityChain, optional
        Outline what the city makes (solid) and the inputs it lacks (dashed).
    fmt : {"png", "svg", "pdf"}
    sample_rows : int
        Sample firms in view: the figure says so in red when > 0.
    """
    _check(lang, fmt, width_px)
    if not np.isin(health.parts["code"], list(PARTS)).all():
        raise ValueError("health.parts holds codes that are no parts of geo.chain.PARTS")
    with _RENDER_LOCK, mpl.rc_context(figure_rc()):
        fig = build_chain_figure(health, lang=lang, city=city, title=title, subtitle=subtitle,
                                 width_px=width_px, data_date=data_date,
                                 data_version=data_version, sample_rows=sample_rows)
        buf = io.BytesIO()
        meta = {"Title": str(fig.get_label())} if fmt != "svg" else {"Title": str(fig.get_label()),
                                                                     "Date": None}
        fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=meta)
        return buf.getvalue()
