"""The page: size in inches, where the map goes, the title block and the footer (source,
data date, projection, the sample-data and data-version notes)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd
from matplotlib.figure import Figure

from geo import provenance
from geo.figures.style import FIG_WIDTH_IN, INK, MUTED, SAMPLE_INK, height_px
from geo.text import t

_MARGIN: Final = 0.22  # inches, around the page
_FOOTER_IN: Final = 0.62  # source line, date, notes (below the graticule labels)
_GAP_IN: Final = 0.18  # between legend column and map
_MIN_COLUMN_IN: Final = 1.6  # left column (title in 16:9, legend) at least this wide


@dataclass(frozen=True)
class _Page:
    """Figure size in inches and its resolution; converts inches to figure fractions."""

    width_in: float
    height_in: float
    dpi: float

    def fx(self, inches: float) -> float:
        """Horizontal figure fraction of ``inches`` from the left."""
        return inches / self.width_in

    def fy(self, inches: float) -> float:
        """Vertical figure fraction of ``inches`` from the bottom."""
        return inches / self.height_in


def _page(width_px: int, aspect: str) -> _Page:
    dpi = width_px / FIG_WIDTH_IN
    # A hair over the exact height so Agg's truncation to whole pixels lands on it.
    return _Page(FIG_WIDTH_IN, (height_px(width_px, aspect) + 1e-3) / dpi, dpi)


def _map_rect(page: _Page, ratio: float, top_in: float, left_in: float
              ) -> tuple[float, float, float, float]:
    """Largest map of aspect ``ratio`` right of ``left_in`` and below ``top_in``, top-right."""
    avail_w = page.width_in - _MARGIN - left_in
    avail_h = top_in - _MARGIN - _FOOTER_IN
    mw = min(avail_w, avail_h * ratio)
    mh = mw / ratio
    left = page.width_in - _MARGIN - mw
    return (page.fx(left), page.fy(top_in - mh), page.fx(mw), page.fy(mh))


def _wrap(text: str, max_em: float) -> str:
    """Wrap ``text`` to lines of at most ``max_em`` (CJK = 1 em, others ≈ 0.55 em)."""
    lines, line, width = [], "", 0.0
    tokens: list[str] = []
    word = ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)

    def em(s: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in s)

    no_start = set("，。、：；）》」』”’！？,.;:)")
    for tok in tokens:
        w = em(tok)
        if line and width + w > max_em and tok[0] not in no_start:
            lines.append(line.rstrip())
            line, width = tok.lstrip(), em(tok.lstrip())
        else:
            line += tok
            width += w
    if line:
        lines.append(line.rstrip())
    return "\n".join(lines)


def _draw_header(fig: Figure, page: _Page, title: str, subtitle: str | None,
                 width_in: float) -> float:
    """Title and subtitle at the top left, wrapped to ``width_in``; return the y (inches)
    just below them."""
    title_size, sub_size = 14.0, 8.5
    x = page.fx(_MARGIN)
    y = page.height_in - _MARGIN
    text = _wrap(title, width_in * 72 / title_size)
    fig.text(x, page.fy(y), text, ha="left", va="top", fontsize=title_size,
             fontweight="bold", color=INK, linespacing=1.25, zorder=12)
    y -= (text.count("\n") + 1) * title_size * 1.32 / 72
    if subtitle:
        sub = _wrap(subtitle, width_in * 72 / sub_size)
        y -= 3 / 72
        fig.text(x, page.fy(y), sub, ha="left", va="top", fontsize=sub_size, color=MUTED,
                 linespacing=1.3, zorder=12)
        y -= (sub.count("\n") + 1) * sub_size * 1.35 / 72
    return y


def _draw_footer(fig: Figure, page: _Page, source_note: str | None, data_date: str | None,
                 notes: Sequence[str], lang: str) -> None:
    """Source, data date and projection at the bottom left; at the right the notes (the
    sample-data line in bold, the data version) above "示意图 仅供参考"."""
    source = t("figure.source_boundaries", lang)
    if source_note:
        source = f"{source}{t('figure.sep', lang)}{source_note}"
    date = (t("figure.data_date", lang, date=data_date) if data_date
            else t("figure.no_date", lang))
    line2 = f"{date}{t('figure.sep', lang)}{t('figure.projection', lang)}"
    x = page.fx(_MARGIN)
    fig.text(x, page.fy(_MARGIN + 0.2), source, ha="left", va="center", fontsize=6, color=MUTED)
    fig.text(x, page.fy(_MARGIN + 0.06), line2, ha="left", va="center", fontsize=6,
             color=MUTED)
    right = page.fx(page.width_in - _MARGIN)
    fig.text(right, page.fy(_MARGIN + 0.06), t("figure.note", lang), ha="right", va="center",
             fontsize=7.5, color=INK, fontweight="bold")
    for i, note in enumerate(reversed(list(notes))):
        sample = note.startswith(tuple(provenance.SAMPLE_MARK.values()))
        fig.text(right, page.fy(_MARGIN + 0.2 + 0.14 * i), note, ha="right", va="center",
                 fontsize=7 if sample else 6, fontweight="bold" if sample else "normal",
                 color=SAMPLE_INK if sample else MUTED)


def figure_notes(lang: str, data_version: str | None, sample_rows: int | None,
                 enterprises: pd.DataFrame | None) -> list[str]:
    """The notes a figure prints (and stores in the file's metadata): the sample-data line
    when sample rows are behind it, and the data version (:mod:`geo.provenance`)."""
    if sample_rows is None:
        sample_rows = provenance.sample_rows(enterprises)
    if data_version is None and not sample_rows:
        return []
    return provenance.export_notes(lang, data_version or "–", sample_rows)
