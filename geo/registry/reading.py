"""Reading a registry file into text cells: CSV in any common encoding (column-wise by
pyarrow's reader when the table is rectangular, else row by row) or XLSX within
:data:`XLSX_LIMITS` (openpyxl, streamed).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Final

import pyarrow as pa
import pyarrow.csv as pacsv

from geo.registry.header import _header_candidate
from geo.registry.schema import _HEADER_SCAN, _MAX_CSV_FIELDS, RegistryError
from geo.text import Msg, msg

if TYPE_CHECKING:
    import openpyxl

def _read_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "upload"
    if hasattr(source, "read"):  # an open binary file or a Streamlit UploadedFile
        data = source.read()
        if not isinstance(data, bytes):
            raise TypeError("source file must be opened in binary mode ('rb')")
        return data, name or Path(str(getattr(source, "name", "upload"))).name
    if not isinstance(source, str | Path):
        raise TypeError(f"source must be a path or bytes, got {type(source).__name__}")
    path = Path(source)
    label = name or path.name
    if not path.is_file():
        raise RegistryError(msg("file.not_found", path=path))
    try:
        return path.read_bytes(), label
    except OSError as exc:
        raise RegistryError(msg("file.unreadable", path=path, reason=exc.strerror)) from None


def _utf_without_bom(data: bytes) -> str | None:
    """The codec of UTF-32 (any) or BOM-less UTF-16 text, judged by where NUL bytes fall."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")):
        if data.startswith(bom):
            return codec
    head = data[:4096]
    if b"\x00" not in head or len(head) < 8:
        return None
    n = len(head) // 4 * 4
    zero = [head[k:n:4].count(0) / (n // 4) for k in range(4)]
    if zero[2] == zero[3] == 1.0 and zero[0] < 0.5:
        return "utf-32-le"
    if zero[0] == zero[1] == 1.0 and zero[3] < 0.5:
        return "utf-32-be"
    odd, even = (zero[1] + zero[3]) / 2, (zero[0] + zero[2]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> str:
    """Decode CSV bytes: BOMs, UTF-32 / BOM-less UTF-16 (by their NUL bytes), then UTF-8,
    then GB18030 (a GBK superset), then a guess."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                       (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    wide = _utf_without_bom(data)
    for codec in ((wide,) if wide else ()) + ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RegistryError(msg("file.encoding", name=name))
    return str(best)


_SNIFF_SIZE: Final = 1 << 14  # bytes or characters of the head the delimiter is judged on


def _head_lines(text: str, more: bool) -> str:
    """``text`` without its last line when ``more`` follows (that line may be cut short)."""
    return text[:text.rindex("\n")] if more and "\n" in text else text


def _utf8_head(data: bytes) -> str | None:
    """The head of ``data`` as text (whole lines) when the file may be UTF-8 that
    :func:`_decode` reads as such (no BOM of UTF-16/32, no NUL byte), else ``None``; the
    rest of the file is checked by the reader."""
    if b"\x00" in data:
        return None
    try:  # incremental: a character cut at the end of the head is held back, not an error
        head = codecs.getincrementaldecoder("utf-8")().decode(data[:_SNIFF_SIZE])
    except UnicodeDecodeError:
        return None
    return _head_lines(head, len(data) > _SNIFF_SIZE)


def _sniff_delimiter(head: str) -> str:
    """The delimiter (``,`` tab ``;`` or ``|``; ``,`` when unclear) of a CSV text's head,
    judged by :class:`csv.Sniffer`."""
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


@dataclass
class _Table:
    """The cells of the sheet read, as text, one list per spreadsheet row.

    ``formulas`` maps (record index, column index) to the formula of a cell saved without
    its value (the file was written by a program and never recalculated). ``columns`` is
    set when a rectangular CSV was read column-wise (:func:`_arrow_columns`): then
    ``records`` holds only the first :data:`_HEADER_SCAN` rows (where the header is).
    """

    records: list[list[str]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    columns: list[pa.ChunkedArray] | None = None


#: Characters Python's ``str.strip()`` removes (every ``str.isspace()`` character).
_WHITESPACE: Final = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002"
                      "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f"
                      "\u205f\u3000")


def _arrow_columns(data: bytes, delimiter: str) -> list[pa.ChunkedArray] | None:
    """The columns of a rectangular CSV in UTF-8, read by pyarrow's C++ reader as strings.

    ``None`` when the file needs the row-by-row reader: text that is not valid UTF-8, rows
    of differing lengths (blank lines, title rows, unquoted separators), NUL characters, a
    single column or more than :data:`_MAX_CSV_FIELDS` columns, or anything the reader
    refuses. Row ``i`` of every column is record ``i`` as :func:`csv.reader` reads it (same
    quoting rules).
    """
    if b"\x00" in data:
        return None
    # no invalid_row_handler: a ragged row raises ArrowInvalid at once (a Python handler
    # would also be handed the row's text, and pyarrow cannot decode that for a row that
    # is not UTF-8: it prints "Exception ignored" and the handler never runs)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                             double_quote=True, escape_char=False,
                                             newlines_in_values=True,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in range(_MAX_CSV_FIELDS + 1)},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, UnicodeError):
        return None
    # one column: a blank line is a row of one empty cell here, no cell for csv.reader
    if not 2 <= table.num_columns <= _MAX_CSV_FIELDS:
        return None
    return table.columns


def _columnar(data: bytes, delimiter: str) -> _Table | None:
    """The table read column-wise (:func:`_arrow_columns`) when that reader takes it and a
    header is in its first rows (else the row reader reads it and words the error)."""
    columns = _arrow_columns(data, delimiter)
    if columns is None:
        return None
    head = [[c[i].as_py() for c in columns] for i in range(min(_HEADER_SCAN, len(columns[0])))]
    return _Table(head, columns=columns) if _header_candidate(head) is not None else None


def _csv_records(data: bytes, name: str) -> _Table:
    body = data.removeprefix(codecs.BOM_UTF8)
    head = _utf8_head(body)
    if head is not None:  # UTF-8 (most files) is read column-wise as it is
        delimiter = _sniff_delimiter(head)
        if (table := _columnar(body, delimiter)) is not None:
            return table
    text = _decode(data, name)
    if head is None:  # another encoding: read column-wise re-encoded
        delimiter = _sniff_delimiter(_head_lines(text[:_SNIFF_SIZE], len(text) > _SNIFF_SIZE))
        table = _columnar(text.encode("utf-8", "surrogatepass"), delimiter)
        if table is not None:
            return table
    # over-long fields are reported per row (_check_cells), not refused by the parser
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise RegistryError(msg("file.csv_unreadable", name=name, detail=exc)) from None
    # a row of a million separators: its fields past the limit are joined into one (still
    # reported as too many fields when any holds a value), so later steps stay cheap
    for i in [i for i, r in enumerate(records) if len(r) > _MAX_CSV_FIELDS]:
        records[i] = [*records[i][:_MAX_CSV_FIELDS], "".join(records[i][_MAX_CSV_FIELDS:])]
    return _Table(records)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class XlsxLimits:
    """How much an XLSX file may hold; a zip of 300 KB can expand to 100 MB of XML.

    Rows and cells count every one the sheet's XML holds (blank ones too): the XML is
    scanned for them before it is parsed, and the parse checks again as it streams.
    """

    rows: int = 100_000
    columns: int = 256
    cells: int = 1_500_000
    expanded_bytes: int = 150 * 2**20
    #: parts openpyxl holds whole in memory (shared strings, styles …), unlike the sheets
    held_bytes: int = 40 * 2**20


#: Limits applied while an XLSX file is read.
XLSX_LIMITS: Final = XlsxLimits()


def _too_big(name: str, what: Msg) -> RegistryError:
    return RegistryError(msg("file.too_big", name=name, what=what))


_ROW_TAG: Final = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG: Final = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA_TAG: Final = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_sheet(part: IO[bytes], name: str, limits: XlsxLimits, cells: list[int]) -> bool:
    """Count a sheet's rows and cells in its XML (fast, before any parsing); return True if
    it has formulas. ``cells`` is a one-item counter shared by the workbook's sheets."""
    rows, width, formulas, carry = 0, 0, False, b""
    while chunk := part.read(1 << 20):
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag never spans the cut: the rest waits for more bytes
        done, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
        first, *others = _ROW_TAG.split(done)  # ``first`` continues the current row
        rows += len(others)
        for k, segment in enumerate([first, *others]):
            found = len(_CELL_TAG.findall(segment))
            width = width + found if k == 0 else found
            cells[0] += found
            if width > limits.columns:
                raise _too_big(name, msg("file.xlsx_wide_row", row=rows, limit=limits.columns))
        formulas = formulas or _FORMULA_TAG.search(done) is not None
        if rows > limits.rows:
            raise _too_big(name, msg("file.xlsx_rows", limit=limits.rows))
        if cells[0] > limits.cells:
            raise _too_big(name, msg("file.xlsx_cells", limit=limits.cells))
    return formulas or _FORMULA_TAG.search(carry) is not None


def _is_sheet(part: str) -> bool:
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def _scan_workbook(archive: zipfile.ZipFile, name: str, limits: XlsxLimits) -> bool:
    """Refuse a workbook that expands beyond the limits; return True if it has formulas.

    Declared sizes are binding (zipfile stops reading a part at its size), so their sum
    bounds what the reader can be made to decompress.
    """
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.expanded_bytes:
        raise _too_big(name, msg("file.xlsx_expanded", mb=total / 2**20,
                                 limit=limits.expanded_bytes / 2**20))
    held = sum(info.file_size for info in archive.infolist() if not _is_sheet(info.filename))
    if held > limits.held_bytes:
        raise _too_big(name, msg("file.xlsx_held", mb=held / 2**20,
                                 limit=limits.held_bytes / 2**20))
    formulas, cells = False, [0]
    for info in archive.infolist():
        if _is_sheet(info.filename):
            with archive.open(info) as part:
                formulas = _scan_sheet(part, name, limits, cells) or formulas
    return formulas


def _sheet_records(values: Iterator[tuple], formulas: Iterator[tuple] | None, name: str,
                   limits: XlsxLimits, cells: list[int]) -> _Table:
    """Stream one sheet's rows into text, stopping at the first limit exceeded.

    ``formulas`` (the same sheet read without cached values) runs in step with ``values``:
    a cell empty in ``values`` and a formula in ``formulas`` is a formula saved without its
    value. ``cells`` is a one-item counter shared by the workbook's sheets.
    """
    table = _Table([])
    empty: list[str] = []  # blank rows share one list: a million of them cost nothing
    for i, row in enumerate(values):
        if i >= limits.rows:
            raise _too_big(name, msg("file.xlsx_rows", limit=limits.rows))
        if len(row) > limits.columns:
            raise _too_big(name, msg("file.xlsx_columns", row=i + 1, n=len(row),
                                     limit=limits.columns))
        text = [_cell_text(v) for v in row]
        filled = sum(1 for v in text if v)
        cells[0] += len(row)
        if cells[0] > limits.cells:
            raise _too_big(name, msg("file.xlsx_filled", limit=limits.cells))
        formula_row = next(formulas, ()) if formulas is not None else ()
        for j, f in enumerate(formula_row):
            f = getattr(f, "text", f)  # ArrayFormula
            if isinstance(f, str) and f.startswith("=") and (j >= len(row) or row[j] is None):
                table.formulas[(i, j)] = f
        table.records.append(text if filled else empty)
    return table


def _open_book(data: bytes, data_only: bool) -> openpyxl.Workbook:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def _xlsx_records(data: bytes, name: str) -> _Table:
    limits = XLSX_LIMITS
    books = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                has_formulas = _scan_workbook(archive, name, limits)
            books.append(_open_book(data, data_only=True))
            if has_formulas:
                books.append(_open_book(data, data_only=False))
            cells = [0]
            first: _Table | None = None
            for k, ws in enumerate(books[0].worksheets):
                formulas = (books[1].worksheets[k].iter_rows(values_only=True)
                            if has_formulas else None)
                table = _sheet_records(ws.iter_rows(values_only=True), formulas, name,
                                       limits, cells)
                if _header_candidate(table.records) is not None:
                    return table  # the first sheet with a recognisable header
                first = first or table
            return first or _Table([])
    except RegistryError:
        raise
    except Exception as exc:  # openpyxl/zipfile raise many types for a damaged file
        raise RegistryError(msg("file.xlsx_unreadable", name=name,
                                kind=type(exc).__name__)) from None
    finally:
        for book in books:
            book.close()


def _records(data: bytes, name: str) -> _Table:
    if not data or data.isspace():  # not data.strip(): no copy of a 100 MB file
        raise RegistryError(msg("file.empty", name=name))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegistryError(msg("file.xls", name=name))
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_records(data, name)
    return _csv_records(data, name)
