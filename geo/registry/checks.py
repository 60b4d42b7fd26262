"""Row checks: the data rows as text columns (Arrow-backed on the columnar path) and
every check of a cell or column that reports a row problem, except location
(:mod:`geo.registry.placing`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from geo.chain import parse_tags
from geo.registry.header import _Header
from geo.registry.reading import _WHITESPACE, _Table
from geo.registry.schema import (
    _EXCHANGE_WORDS,
    _FALSE,
    _INVISIBLE,
    _INVISIBLE_RE2,
    _LISTED_YES,
    _NOT_LISTED,
    _TRUE,
    MAX_CHARS,
    MAX_CHARS_OTHER,
    MAX_EMPLOYEES,
    MAX_REVENUE_10K_CNY,
    Problem,
    _norm,
)
from geo.text import Msg, msg

# GB 32100-2015 统一社会信用代码: 18 characters over a 31-letter alphabet, last = check.
_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
_USCC_RE: Final = f"[{_USCC_ALPHABET}]{{18}}"

def credit_code_valid(codes: pd.Series | Sequence[str]) -> NDArray[np.bool_]:
    """Check 统一社会信用代码 (GB 32100-2015): format and check character, vectorised.

    >>> credit_code_valid(["91350100M000100Y43", "91350100M000100Y44"]).tolist()
    [True, False]
    """
    text = [str(c).upper() if isinstance(c, str) else "" for c in codes]
    pattern = re.compile(_USCC_RE)
    ok = np.fromiter((pattern.fullmatch(c) is not None for c in text), dtype=bool,
                     count=len(text))
    if not ok.any():
        return ok
    table = np.full(256, -1, dtype=np.int64)
    for i, ch in enumerate(_USCC_ALPHABET):
        table[ord(ch)] = i
    joined = "".join(c for c, good in zip(text, ok, strict=True) if good)
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = table[raw]
    check = (31 - (values[:, :17] @ _USCC_WEIGHTS) % 31) % 31
    out = ok.copy()
    out[ok] = check == values[:, 17]
    return out

class _Rows:
    """The data rows as string columns plus their spreadsheet row numbers and problems."""

    def __init__(self, header: _Header, cols: dict[str, pd.Series], rownum: NDArray[np.int64],
                 problems: list[Problem], total: int):
        self.header = header
        self.total = total  # data rows in the file, including those left out while splitting
        self.cols = cols
        self.rownum = rownum
        self.problems = problems
        self.keep = np.ones(len(rownum), dtype=bool)
        self.text: dict[str, pd.Series] = {}
        #: column -> (its Series as read, the same cells as Arrow strings): fast path only
        self.arrow: dict[str, tuple[pd.Series, pa.ChunkedArray]] = {}
        self.arrow_text: dict[str, pa.ChunkedArray] = {}  # stripped, where _text had the Arrow
        self.coords_ignored = 0  # kept rows placed by area although coordinates were given

    def label(self, column: str) -> str:
        return self.header.label.get(column, column)

    def report(self, mask: NDArray[np.bool_], column: str,
               message: Callable[[int], Msg] | Msg) -> None:
        """Record a problem for each row in ``mask``; ``message`` may depend on the index."""
        for i in np.flatnonzero(mask):
            text = message(int(i)) if callable(message) else message
            self.problems.append(Problem.of(int(self.rownum[i]), self.label(column), text))


def _is_blank(rec: list[str]) -> bool:
    return not any(rec) or (not rec[0].strip() and not "".join(rec).strip())


def _formula_problems(table: _Table, header: _Header) -> list[Problem]:
    """Imported cells holding a formula saved without its value (they read as blank)."""
    column = {j: header.label[c] for c, j in header.index.items()}
    return [Problem.of(i + 1, column[j], msg("formula_unsaved", formula=formula[:60]))
        for (i, j), formula in sorted(table.formulas.items())
        if i >= header.row and j in column]


def _split_rows(records: list[list[str]], header: _Header,
                cell_problems: Sequence[Problem] = ()) -> _Rows:
    """Data rows below the header, padded to its width; rows with extra values reported."""
    width = len(records[header.row - 1])
    start = header.row  # index of the first record below the header
    body = [i for i in range(start, len(records)) if any(records[i])]
    if any(not records[i][0].strip() for i in body):  # rows of blanks only: skip them too
        body = [i for i in body if not _is_blank(records[i])]
    problems = [*header.problems, *cell_problems]
    long_rows = set()
    for i in (i for i in body if len(records[i]) != width):  # the slow path: few rows
        rec = records[i]
        if len(rec) < width:
            records[i] = rec + [""] * (width - len(rec))
        elif "".join(rec[width:]).strip():
            long_rows.add(i)
            problems.append(Problem.of(i + 1, "", msg("row_too_long", fields=len(rec),
                                                      width=width)))
        else:
            records[i] = rec[:width]  # trailing empty fields only
    kept = [i for i in body if i not in long_rows] if long_rows else body
    columns = list(zip(*(records[i] for i in kept), strict=True)) if kept else [()] * width
    cols = {c: pd.Series(columns[j], dtype=object) for c, j in header.index.items()}
    rownum = np.array(kept, dtype=np.int64) + 1
    return _Rows(header, cols, rownum, problems, len(body))


def _split_columns(columns: list[pa.ChunkedArray], header: _Header,
                   cell_problems: Sequence[Problem] = ()) -> _Rows:
    """:func:`_split_rows` for a rectangular CSV read column-wise: the same rows kept (not
    blank: some cell holds more than whitespace) with the same row numbers."""
    start = header.row

    def empty(col: pa.ChunkedArray) -> NDArray[np.bool_]:
        return pc.equal(pc.utf8_trim(col, characters=_WHITESPACE), "").to_numpy(
            zero_copy_only=False)

    # a blank row has a blank first cell: only those rows are checked further
    blank = empty(columns[0].slice(start))
    maybe = np.flatnonzero(blank)
    if maybe.size:
        at = pa.array(maybe, type=pa.int64())
        for col in columns[1:]:
            blank[maybe] &= empty(col.slice(start).take(at))
    kept = np.flatnonzero(~blank)
    arrays = {}
    for c, j in header.index.items():
        body = columns[j].slice(start)
        if len(kept) < len(body):
            body = body.take(pa.array(kept, type=pa.int64()))
        arrays[c] = body
    # Arrow-backed: the checks run as Arrow kernels, a cell becomes a Python string only
    # where a message quotes it (or when the frame is built)
    cols = {c: pd.Series(pd.arrays.ArrowExtensionArray(a), copy=False)
            for c, a in arrays.items()}
    rownum = kept.astype(np.int64) + start + 1
    rows = _Rows(header, cols, rownum, [*header.problems, *cell_problems], len(rownum))
    rows.arrow = {c: (cols[c], a) for c, a in arrays.items()}
    return rows


def _arrow_of(rows: _Rows, column: str) -> pa.ChunkedArray | None:
    """The column's cells as Arrow strings while they are as read (else ``None``)."""
    found = rows.arrow.get(column)
    if found is None or found[0] is not rows.cols.get(column):
        return None
    return found[1]


def _text(rows: _Rows, column: str) -> pd.Series:
    """The column's values stripped ("" where the column is absent); computed once."""
    if column not in rows.text:
        arrow = _arrow_of(rows, column)
        if arrow is not None:  # strip in C++; cells already stripped are not copied
            stripped = pc.utf8_trim(arrow, characters=_WHITESPACE)
            rows.arrow_text[column] = stripped
            rows.text[column] = rows.cols[column] if stripped.equals(arrow) else pd.Series(
                pd.arrays.ArrowExtensionArray(stripped), copy=False)
        elif column in rows.cols:
            rows.text[column] = pd.Series([v.strip() for v in rows.cols[column]], dtype=object)
        else:
            rows.text[column] = _blank(len(rows.rownum))
    return rows.text[column]


def _blank(n: int) -> pd.Series:
    """``n`` empty strings (an absent column), Arrow-backed: made and compared for free."""
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int32))
    return pd.Series(pd.arrays.ArrowExtensionArray(
        pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(b"")])))


def _objects(values: pd.Series | NDArray[Any]) -> NDArray[np.object_]:
    """The cells as a NumPy array of Python strings (a frame's text column).

    An Arrow column of few distinct values (judged on its first cells) makes one string
    per value, shared by its cells: a million cells of 21 city names are 21 strings.
    """
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, pd.ArrowDtype)):
        return np.asarray(values, dtype=object)
    arrow = pa.chunked_array(pa.array(values.array))
    if not pc.max(pc.binary_length(arrow)).as_py():
        return np.full(len(values), "", dtype=object)  # all blank (an absent column)
    if pc.count_distinct(arrow.slice(0, 4096)).as_py() * 4 > min(len(arrow), 4096):
        return np.asarray(values, dtype=object)  # mostly distinct (names, ids)
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=object)[codes]


def _per_value(values: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply ``func`` once per distinct value (registries repeat a handful of values)."""
    codes, uniques = pd.factorize(values)
    mapped = [func(v) for v in uniques]
    if isinstance(values.dtype, pd.ArrowDtype) and mapped:  # stays Arrow, taken in C++
        return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(mapped).take(codes)),
                         index=values.index, copy=False)
    out = np.empty(len(uniques), dtype=object)
    out[:] = mapped
    return pd.Series(out[codes], index=values.index, dtype=object)


_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _clean_number(text: str) -> str:
    """Full-width digits, thousands separators and inner spaces removed: "１,２００" → "1200".

    A comma is a thousands separator only in groups of three ("12,345.6"); "1,5" or
    "12,3456" may be decimal commas: they come back unchanged (so unparsable, reported).
    """
    cleaned = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    if "," in cleaned and _GROUPED.fullmatch(cleaned):
        return cleaned.replace(",", "")
    return cleaned


def _not_a_number(raw: str, expected: Msg, then: Msg) -> Msg:
    """Why a cell is not a number, what to write instead, and what was done."""
    text = unicodedata.normalize("NFKC", raw)
    ambiguous = re.fullmatch(r"[+-]?[\d.,\s]*\d,\d[\d.,\s]*", text)
    return msg("ambiguous_comma" if ambiguous else "not_a_number", raw=raw, expected=expected,
               then=then)


def _numbers(rows: _Rows, column: str) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Parse a numeric column; return (values with NaN, mask of non-blank unparsable)."""
    if column not in rows.cols:  # an absent column: all blank
        return np.full(len(rows.rownum), np.nan), np.zeros(len(rows.rownum), dtype=bool)
    raw = _text(rows, column)
    values = None
    arrow = rows.arrow_text.get(column)
    if arrow is not None:  # every cell blank or a plain number: parsed in C++
        blank = pc.equal(arrow, "").to_numpy(zero_copy_only=False)
        try:
            values = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), arrow),
                             pa.float64()).to_numpy(zero_copy_only=False).copy()
        except pa.ArrowInvalid:
            values = None
        if values is not None and np.signbit(values[values == 0]).any():
            values = None  # "-0": pandas reads an integer 0, Arrow -0.0
    else:
        blank = (raw == "").to_numpy()
    if values is None:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, copy=True)
    retry = np.flatnonzero(~blank & ~np.isfinite(values))
    if retry.size:  # the slow path only for the few cells that need cleaning
        cleaned = raw.iloc[retry].map(_clean_number)
        values[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    bad = ~blank & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, bad


def _strip_invisible(rows: _Rows, column: str, values: pd.Series) -> pd.Series:
    joined = "".join(values.tolist())
    # the common case, two C scans: every _INVISIBLE character is non-printable
    if joined.isprintable() or not _INVISIBLE.search(joined):
        return values
    found = [_INVISIBLE.findall(v) for v in values]
    rows.report(np.array([bool(f) for f in found]), column, lambda i: msg(
        "invisible_removed", n=len(found[i]),
        codes=", ".join(sorted({f"U+{ord(c):04X}" for c in found[i]}))))
    return pd.Series([_INVISIBLE.sub("", v) for v in values], dtype=object)


def _cap_length(rows: _Rows, column: str, values: pd.Series) -> pd.Series:
    cap = MAX_CHARS.get(column, MAX_CHARS_OTHER)
    cells = values.tolist()
    if max(map(len, cells), default=0) <= cap:  # the common case, at C speed
        return values
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    over = lengths > cap
    required = column == "name_zh"
    rows.report(over, column, lambda i: msg("too_long_row" if required else "too_long_field",
                                            n=int(lengths[i]), cap=cap))
    if required:
        rows.keep &= ~over
        return values
    return values.where(~over, "")


def _has_invisible(arrow: pa.ChunkedArray) -> bool:
    """Whether any cell holds an :data:`_INVISIBLE` character.

    The expression runs once over each chunk's bytes (its cells end to end), not once per
    cell: it matches single characters, and a character never spans two cells.
    """
    for chunk in arrow.chunks:
        large = pa.types.is_large_string(chunk.type)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if large else np.int32)
        start, end = (int(v) for v in offsets[[chunk.offset, chunk.offset + len(chunk)]])
        if end == start:
            continue
        whole = pa.Array.from_buffers(chunk.type, 1, [
            None, pa.py_buffer(np.array([0, end - start], dtype=offsets.dtype)),
            chunk.buffers()[2].slice(start, end - start)])
        if pc.match_substring_regex(whole, _INVISIBLE_RE2)[0].as_py():
            return True
    return False


def _within_cap(arrow: pa.ChunkedArray, column: str) -> bool:
    """No cell longer than the column's cap (characters; bytes first: they are counted
    for free and a character is at least a byte)."""
    cap = MAX_CHARS.get(column, MAX_CHARS_OTHER)
    return ((pc.max(pc.binary_length(arrow)).as_py() or 0) <= cap
            or (pc.max(pc.utf8_length(arrow)).as_py() or 0) <= cap)


def _check_cells(rows: _Rows) -> None:
    """Every imported cell: invisible characters removed, over-long values blanked (or the
    row left out for a name), each reported. Runs before any other check reads a cell."""
    for column, values in list(rows.cols.items()):
        arrow = _arrow_of(rows, column)
        if arrow is not None and not _has_invisible(arrow) and _within_cap(arrow, column):
            continue  # the common case, checked in C++
        rows.cols[column] = _cap_length(rows, column, _strip_invisible(rows, column, values))


def _check_names(rows: _Rows) -> pd.Series:
    names = rows.cols["name_zh"]
    blank = (_text(rows, "name_zh") == "").to_numpy()
    rows.report(blank, "name_zh", msg("name_empty"))
    rows.keep &= ~blank
    return names


def _check_numbers(rows: _Rows) -> dict[str, NDArray[np.float64]]:
    out = {}
    this_year = date.today().year
    rules = {
        "revenue_10k_cny": (0, MAX_REVENUE_10K_CNY, False, msg("expect_revenue")),
        "employees": (0, MAX_EMPLOYEES, True, msg("expect_employees", high=MAX_EMPLOYEES)),
        "revenue_year": (1949, this_year + 1, True, msg("expect_year", high=this_year + 1)),
    }
    for column, (low, high, whole, expected) in rules.items():
        values, bad = _numbers(rows, column)
        raw = _text(rows, column)
        def not_a_number(i: int, r: pd.Series = raw, e: Msg = expected) -> Msg:
            return _not_a_number(str(r.iat[i]), e, msg("then_blank"))

        rows.report(bad, column, not_a_number)
        if column == "revenue_10k_cny":
            values = values * rows.header.revenue_scale
        out_of_range = np.isfinite(values) & (
            (values < low) | (values > high) | (whole & (values % 1 != 0)))
        def out_of_range_message(i: int, r: pd.Series = raw, e: Msg = expected) -> Msg:
            key = "negative" if str(r.iat[i]).startswith("-") else "out_of_range"
            return msg(key, raw=r.iat[i], expected=e)

        rows.report(out_of_range, column, out_of_range_message)
        values[out_of_range] = np.nan
        out[column] = values
    return out


def _check_vocab(rows: _Rows, column: str, vocab: dict[str, str], allowed: str | Msg
                 ) -> pd.Series:
    raw = _text(rows, column)
    coded = _per_value(raw, lambda v: vocab.get(_norm(v), "")).fillna("")
    bad = ((raw != "") & (coded == "")).to_numpy()
    rows.report(bad, column, lambda i: msg("unknown_value", raw=raw.iat[i], allowed=allowed))
    return coded


def _check_tags(rows: _Rows, column: str) -> pd.Series:
    """A multi-valued chain tag column (geo.chain): unknown values are reported and left out."""
    if column not in rows.cols:
        return _blank(len(rows.rownum))
    codes, unknown = parse_tags(_text(rows, column), column)
    for u in unknown:
        rows.problems.append(Problem.of(int(rows.rownum[u.position]), rows.label(column),
                                        u.msg(column)))
    return codes


def _check_sample(rows: _Rows) -> NDArray[np.bool_]:
    key = _per_value(_text(rows, "sample"), _norm)
    truthy = key.isin(_TRUE).to_numpy()
    bad = ~truthy & ~key.isin(_FALSE).to_numpy()
    rows.report(bad, "sample", lambda i: msg("not_true_false", raw=key.iat[i]))
    return truthy


def _first_rows(values: pd.Series, rownum: NDArray[np.int64],
                dup: NDArray[np.bool_]) -> dict[str, int]:
    """Value -> first spreadsheet row holding it, for the duplicated values only."""
    if not dup.any():
        return {}
    wanted = set(values[dup])
    hit = values.isin(wanted).to_numpy()
    return {v: int(r) for v, r in zip(values[hit][::-1], rownum[hit][::-1], strict=True)}


def _check_credit_codes(rows: _Rows) -> pd.Series:
    text = _text(rows, "credit_code").to_numpy(dtype=object)
    filled = np.flatnonzero(text != "")  # only these are cleaned and checked
    cleaned = np.full(len(text), "", dtype=object)
    cleaned[filled] = [v.upper().replace(" ", "").replace("-", "") for v in text[filled]]
    codes = pd.Series(cleaned, dtype=object, copy=False)
    given = np.zeros(len(text), dtype=bool)
    given[filled] = cleaned[filled] != ""
    bad = np.zeros(len(text), dtype=bool)
    bad[given] = ~credit_code_valid(cleaned[given].tolist())
    rows.report(bad, "credit_code", lambda i: msg(
        "uscc_invalid_excel" if re.fullmatch(r"[\d.]+E\+\d+", str(codes.iat[i]))
        else "uscc_invalid", code=codes.iat[i]))
    codes = codes.where(~bad, "")
    valid = np.flatnonzero(given & ~bad)  # the only non-blank codes left
    dup = np.zeros(len(text), dtype=bool)
    dup[valid] = codes.iloc[valid].duplicated(keep="first").to_numpy()
    dup &= rows.keep
    first = _first_rows(codes, rows.rownum, dup)
    rows.report(dup, "credit_code", lambda i: msg("uscc_duplicate",
                                                  first=first[str(codes.iat[i])]))
    rows.keep &= ~dup
    return codes


def _check_ids(rows: _Rows) -> pd.Series:
    ids = _text(rows, "id")
    blank = np.flatnonzero((ids == "").to_numpy())
    if blank.size:
        given = ids.to_numpy(dtype=object).copy()
        given[blank] = [f"row-{r}" for r in rows.rownum[blank]]
        ids = pd.Series(given, dtype=object, copy=False)
    dup = ids.duplicated(keep="first").to_numpy() & rows.keep
    first = _first_rows(ids, rows.rownum, dup)
    rows.report(dup, "id", lambda i: msg("id_duplicate", id=ids.iat[i],
                                         first=first[str(ids.iat[i])]))
    rows.keep &= ~dup
    return ids


def _is_listing(key: str) -> bool:
    """A normalised 上市 cell that names a listing: a stock code (any digit), a yes, or an
    exchange or board."""
    return (any(c.isdigit() for c in key) or key in _LISTED_YES
            or any(word in key for word in _EXCHANGE_WORDS))


def _check_listed(rows: _Rows) -> pd.Series:
    raw = _text(rows, "listed")
    key = _per_value(raw, _norm)
    listing = _per_value(raw, lambda v: _is_listing(_norm(v))).astype(bool)
    unclear = (~key.isin(_NOT_LISTED) & ~listing).to_numpy()
    rows.report(unclear, "listed", lambda i: msg("listed_unclear", raw=raw.iat[i]))
    return raw.where(~key.isin(_NOT_LISTED) & ~unclear, "")
