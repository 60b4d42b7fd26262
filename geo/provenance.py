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

_TEXT: Final[dict[str, dict[str, str]]] = {
    "zh": {"sample": "含示例数据（{n} 家示例企业，非真实企业）", "version": "数据版本：{v}"},
    "en": {"sample": "includes sample data ({n} sample firms, not real ones)",
           "version": "Data version: {v}"},
}
#: The words a reader (and a test) looks for: 含示例数据 / includes sample data.
SAMPLE_MARK: Final = {"zh": "含示例数据", "en": "includes sample data"}


def _lang(lang: str) -> str:
    if lang not in _TEXT:
        raise ValueError(f"unknown lang {lang!r}; expected one of {list(_TEXT)}")
    return lang


def sample_rows(frame: pd.DataFrame | None) -> int:
    """Number of sample (synthetic) rows in ``frame`` (0 without a ``sample`` column)."""
    if frame is None or "sample" not in frame.columns or not len(frame):
        return 0
    return int(frame["sample"].fillna(False).astype(bool).sum())


def sample_note(lang: str, n_sample: int) -> str | None:
    """The visible sample-data line, or ``None`` when no sample row is in view."""
    if n_sample <= 0:
        return None
    return _TEXT[_lang(lang)]["sample"].format(n=f"{int(n_sample):,}")


def version_note(lang: str, version: str) -> str:
    """``数据版本：…`` / ``Data version: …`` (built-in, upload file name, or version id + date)."""
    return _TEXT[_lang(lang)]["version"].format(v=version or "–")


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
    _lang(lang)
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
