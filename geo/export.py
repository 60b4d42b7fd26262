"""Table downloads: CSV (UTF-8 with BOM) and XLSX bytes that a spreadsheet cannot turn
into formulas, and safe download file names.

A firm name such as ``=HYPERLINK("http://evil","点击")`` in a registry is data, not a
formula. Following OWASP's CSV-injection advice, every *text* cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe. Numbers
(including negative numbers stored as numbers) are left alone. In CSV every text cell is
quoted too: a spreadsheet set to another separator (``;`` in much of Europe) would split
``x;=1+1`` into ``x`` and a formula cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

import numpy as np
import pandas as pd

from geo.frames import require_columns

#: Leading characters that make Excel / LibreOffice / Sheets read a cell as a formula.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
#: MIME types for the download formats the app offers.
MIME_TYPES: Final = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "html": "text/html",
    "json": "application/json",
    "geojson": "application/geo+json",
}
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
# Control characters an XLSX file cannot hold (openpyxl raises on them).
_XML_ILLEGAL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_WIDTH: Final = 60


def _neutralize_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return (
        pd.api.types.is_object_dtype(series.dtype)
        or pd.api.types.is_string_dtype(series.dtype)
        or isinstance(series.dtype, pd.CategoricalDtype)
    )


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` where text that a spreadsheet would run as a formula is inert.

    Text cells (and column names) starting with ``= + - @``, a tab or a CR get a leading
    ``'``. Numeric columns, and numbers inside mixed object columns, are not touched, so
    ``-3.5`` stays a number while the text ``"-3.5"`` becomes ``"'-3.5"``.

    Parameters
    ----------
    df : pandas.DataFrame
        Any table; a GeoDataFrame's geometry is left as it is (see :func:`table_frame`).

    Returns
    -------
    pandas.DataFrame
        A new frame; ``df`` is not modified.

    Examples
    --------
    >>> neutralize_formulas(pd.DataFrame({"name": ["=1+1", "甲"], "v": [-1, 2]}))
        name  v
    0  '=1+1 -1
    1      甲  2
    """
    require_columns(df, [], "table")
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if isinstance(series.dtype, pd.CategoricalDtype):
            out[col] = series.cat.rename_categories(
                [_neutralize_text(c) for c in series.cat.categories])
        elif _is_text_column(series):
            cells = [_neutralize_text(v) for v in series.to_numpy(dtype=object)]
            out[col] = pd.Series(cells, index=series.index, dtype=series.dtype)
    out.columns = [_neutralize_text(c) for c in out.columns]
    return out


def table_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` as a plain table: geometry columns dropped (lon/lat stay as numbers)."""
    require_columns(df, [], "table")
    geometry = [c for c in df.columns if str(df[c].dtype) == "geometry"]
    return pd.DataFrame(df.drop(columns=geometry))


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return ``df`` as CSV bytes, UTF-8 with a BOM (so Excel reads Chinese), neutralised.

    Rows end in CRLF (RFC 4180); the index is not written; missing values are empty cells.
    Text cells are quoted, so no separator inside one (``,`` ``;`` tab ``|``) can split it
    into a cell that starts a formula; header cells are quoted when they hold one.
    """
    table = neutralize_formulas(table_frame(df))
    header = ",".join(_csv_header_cell(str(c)) for c in table.columns)
    body = table.to_csv(index=False, header=False, lineterminator="\r\n",
                        quoting=csv.QUOTE_NONNUMERIC)
    return (header + "\r\n" + body).encode("utf-8-sig")


def _csv_header_cell(name: str) -> str:
    if re.search(r'[,;\t|"\r\n]', name):
        return '"' + name.replace('"', '""') + '"'
    return name


def _cell(value: Any) -> Any:
    """Convert one value to something openpyxl writes as data (never as a formula)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, bool | int | float | dt.date | dt.time):
        return value
    text = _XML_ILLEGAL.sub("", str(value))
    return text


def _column_widths(table: pd.DataFrame) -> list[float]:
    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = []
    for col in table.columns:
        sample = [str(v) for v in table[col].head(200) if v is not None]
        longest = max([width(str(col)), *(width(s) for s in sample)], default=8)
        widths.append(float(min(max(longest + 2, 8), _MAX_WIDTH)))
    return widths


def check_sheet_name(name: str) -> str:
    """Return ``name`` if Excel accepts it as a sheet name, else raise ``ValueError``."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"sheet name must be a non-empty string, got {name!r}")
    if len(name) > 31 or _SHEET_FORBIDDEN.search(name) or name.startswith("'"):
        raise ValueError(
            f"invalid sheet name {name!r}: at most 31 characters, none of [ ] : * ? / \\"
        )
    return name


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """Return ``df`` as an XLSX workbook (one sheet, bold frozen header), neutralised.

    Every text cell is written as a string (never a formula); control characters XLSX
    cannot store are dropped; NaN and NA become empty cells.

    Parameters
    ----------
    df : pandas.DataFrame
        The table. Chinese column names are fine.
    sheet_name : str, default "data"
        Sheet title (≤ 31 characters, none of ``[ ] : * ? / \\``).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    check_sheet_name(sheet_name)
    table = neutralize_formulas(table_frame(df))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_name)
    for i, w in enumerate(_column_widths(table), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(ws, value=_cell(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in _rows(table):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows(table: pd.DataFrame) -> Iterable[list[Any]]:
    for row in table.itertuples(index=False, name=None):
        yield [_string_safe(_cell(v)) for v in row]


def _string_safe(value: Any) -> Any:
    # openpyxl stores a str starting with "=" as a formula; neutralised text never does,
    # but keep the guarantee local to the writer as well.
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def download_name(stem: str, ext: str, date: str | dt.date | None = None) -> str:
    """Return an ASCII-safe file name ``<stem>_<date>.<ext>`` for a download.

    The stem is reduced to ``[A-Za-z0-9._-]`` (other characters become ``-``); an empty
    result becomes ``"download"``. User-supplied names are only ever used this way, never
    as a path.

    Parameters
    ----------
    stem : str
        What the file holds, e.g. ``"gd-laser-atlas_cities"``.
    ext : str
        Extension without the dot, letters and digits only (``"csv"``, ``"png"``).
    date : str, datetime.date or None
        Data date; a date is written ISO ``YYYY-MM-DD``; omitted when ``None``.

    Examples
    --------
    >>> download_name("广东 enterprises/../x", "csv", dt.date(2024, 5, 1))
    'enterprises-.-x_2024-05-01.csv'
    """
    ext = str(ext).lower().lstrip(".")
    if not re.fullmatch(r"[a-z0-9]{1,8}", ext):
        raise ValueError(f"invalid file extension {ext!r}: letters and digits only")
    parts = [_slug(stem) or "download"]
    if date is not None:
        text = date.isoformat() if isinstance(date, dt.date) else _slug(str(date))
        if text:
            parts.append(text)
    return "_".join(parts) + "." + ext


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text)
    slug = re.sub(r"-{2,}", "-", slug).strip("-._ ")
    slug = re.sub(r"\.{2,}", ".", slug)  # no parent-directory look-alikes
    return slug[:80]
