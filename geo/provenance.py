"""What every export says about its data: the data version, and whether sample rows are in it.

One room for these notes, read by the figure (PNG/SVG/PDF), the web map's title block (so
the offline HTML and the full-screen map carry them too) and the download file names.

Examples
--------
>>> export_notes("zh", "内置数据", 2021)
['含示例数据（2,021 家示例企业，非真实企业）', '数据版本：内置数据']
>>> export_notes("en", "v3 · 2026-11-30 09:30 UTC · alice · a.xlsx", 0)
['Data version: v3 · 2026-11-30 09:30 UTC · alice · a.xlsx']
>>> export_name("overview", "layout", "en", "png", "2026-12-01")
'gd-laser_overview_layout_en_2026-12-01.png'
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from geo.export import download_name
from geo.text import LANGS, check_lang, t

#: The words a reader (and a test) looks for: 含示例数据 / includes sample data.
SAMPLE_MARK: Final = {lang: t("provenance.sample_mark", lang) for lang in LANGS}


def sample_rows(frame: pd.DataFrame | None) -> int:
    """Number of sample (synthetic) rows in ``frame`` (0 without a ``sample`` column)."""
    if frame is None or "sample" not in frame.columns or not len(frame):
        return 0
    return int(frame["sample"].fillna(False).astype(bool).sum())


def sample_note(lang: str, n_sample: int) -> str | None:
    """The visible sample-data line, or ``None`` when no sample row is in view."""
    if n_sample <= 0:
        return None
    return t("provenance.sample", lang, n=f"{int(n_sample):,}")


def version_note(lang: str, version: str) -> str:
    """``数据版本：…`` / ``Data version: …`` (built-in, upload file name, or version id + date)."""
    return t("provenance.version", lang, v=version or "–")


def export_notes(lang: str, version: str, n_sample: int) -> list[str]:
    """The notes every export carries: the sample line (when sample rows are in view) first,
    then the data version (always)."""
    note = sample_note(lang, n_sample)
    return [*([note] if note else []), version_note(lang, version)]


def export_name(page: str, view: str, lang: str, ext: str,
                date: str | dt.date | None = None) -> str:
    """A download name that says what the file is: page, view, language, date.

    ``date`` defaults to today (the export date); names are ASCII-safe
    (:func:`geo.export.download_name`).
    """
    check_lang(lang)
    when = date if date is not None else dt.date.today()
    return download_name(f"gd-laser_{page}_{view}_{lang}", ext, when)


def data_date(frame: pd.DataFrame) -> str:
    """The years the revenue figures describe (e.g. ``2019–2024``), ``–`` if none."""
    column = frame.get("revenue_year")  # to_numeric(None) is NaN, not None: test first
    years = pd.Series() if column is None else pd.to_numeric(column, errors="coerce").dropna()
    if not len(years):
        return "–"
    lo, hi = int(years.min()), int(years.max())
    return str(hi) if lo == hi else f"{lo}–{hi}"
