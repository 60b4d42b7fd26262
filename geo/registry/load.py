"""Loading a registry: read, find the header, check every row, place it; the frame of
the rows kept is assembled on first use."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo.datum import normalize_datum
from geo.layout import SEGMENTS, tier_codes
from geo.registry.checks import (
    _blank,
    _check_cells,
    _check_credit_codes,
    _check_ids,
    _check_listed,
    _check_names,
    _check_numbers,
    _check_sample,
    _check_tags,
    _check_vocab,
    _formula_problems,
    _objects,
    _Rows,
    _split_columns,
    _split_rows,
    _text,
)
from geo.registry.header import _parse_header
from geo.registry.placing import _locate_rows, _Place
from geo.registry.reading import _read_bytes, _records
from geo.registry.schema import _SECTORS, _SEGMENTS, FRAME_COLUMNS, RegistryError, RegistryResult
from geo.text import msg


def _empty_table() -> pd.DataFrame:
    data = {c: pd.Series(dtype=object) for c in FRAME_COLUMNS if c != "geometry"}
    for c in ("lon", "lat", "revenue_10k_cny"):
        data[c] = pd.Series(dtype=float)
    for c in ("revenue_year", "employees"):
        data[c] = pd.Series(dtype="Int64")
    data["sample"] = pd.Series(dtype=bool)
    return pd.DataFrame(data)


def _check(rows: _Rows, datum: str, progress: Callable[[float], None]
           ) -> Callable[[], pd.DataFrame]:
    """Check every row (each problem recorded in ``rows``); return what builds the table
    of the rows kept."""
    _check_cells(rows)
    names = _check_names(rows)
    numbers = _check_numbers(rows)
    sector = _check_vocab(rows, "sector", _SECTORS, msg("allowed_sector"))
    segment = _check_vocab(rows, "segment", _SEGMENTS, ", ".join(
        f"{t.zh}/{c}" for c, t in SEGMENTS.items()))
    sample = _check_sample(rows)
    credit = _check_credit_codes(rows)
    ids = _check_ids(rows)
    progress(0.5)
    place = _locate_rows(rows, datum)
    progress(0.8)
    text = {
        "id": ids, "name_zh": names, "name_en": _raw(rows, "name_en"),
        "city": _text(rows, "city"), "district": _text(rows, "district"),
        "city_adcode": place.city, "district_adcode": place.district,
        "address": _raw(rows, "address"), "coord_precision": place.precision,
        "sector": sector, "segment": segment, "listed": _check_listed(rows),
        "credit_code": credit, "source": _text(rows, "source"), "note": _text(rows, "note"),
        "products": _check_tags(rows, "products"),
        "applications": _check_tags(rows, "applications"),
    }
    keep = rows.keep.copy()
    return lambda: _assemble(keep, text, numbers, sample, place)


def _assemble(keep: NDArray[np.bool_], text: dict[str, Any],
              numbers: dict[str, NDArray[np.float64]], sample: NDArray[np.bool_],
              place: _Place) -> pd.DataFrame:
    """The table of the rows kept (the frame without its points), from the checked
    columns."""
    # all rows kept (the common case): a million cells are not copied for nothing
    sel: NDArray[np.bool_] | slice = slice(None) if keep.all() else keep
    # object columns throughout: no per-column inference into pandas' Arrow strings
    columns: dict[str, pd.Series | NDArray[Any] | pd.api.extensions.ExtensionArray] = {
        k: pd.Series(_objects(v)[sel], dtype=object, copy=False)
        for k, v in text.items()}
    revenue = numbers["revenue_10k_cny"][sel]
    lon, lat = place.lon[sel], place.lat[sel]
    columns.update({
        "lon": lon, "lat": lat, "revenue_10k_cny": revenue,
        # whole floats, NaN -> <NA>: pandas converts them; pandas-stubs has no such overload
        "revenue_year": pd.array(  # type: ignore[call-overload]
            numbers["revenue_year"][sel], dtype="Int64"),
        "employees": pd.array(numbers["employees"][sel], dtype="Int64"),  # type: ignore[call-overload]
        "sample": sample[sel],
        "tier": tier_codes(pd.Series(revenue, copy=False)),
    })
    # built once, in order: no reordering copy of a million rows afterwards
    return pd.DataFrame({c: columns[c] for c in FRAME_COLUMNS if c != "geometry"},
                        copy=False)


def _raw(rows: _Rows, column: str) -> pd.Series:
    """Values verbatim (names, addresses): no stripping, no escaping."""
    if column not in rows.cols:
        return _blank(len(rows.rownum))
    return rows.cols[column]


def load_registry(source: str | Path | bytes, *, name: str | None = None,
                  datum: str = "wgs84",
                  progress: Callable[[float], None] | None = None) -> RegistryResult:
    """Read and validate an enterprise registry (CSV or XLSX).

    Parameters
    ----------
    source : str, Path, bytes or binary file
        A file path, the file's bytes, or an object with ``read()`` returning bytes (such
        as Streamlit's ``UploadedFile``).
    name : str, optional
        Display name used in messages (default: the file name, or ``"upload"``).
    datum : {"wgs84", "gcj02", "bd09"}
        The datum of the file's coordinates; they are converted to WGS-84.
    progress : callable, optional
        Called with a fraction in [0, 1] as the work advances.

    Returns
    -------
    RegistryResult
        The usable rows as a GeoDataFrame and every problem found.

    Raises
    ------
    RegistryError
        The file is unusable: empty, not a table, no data rows, required columns missing,
        or an XLSX beyond :data:`XLSX_LIMITS` (the message names the limit).
    ValueError
        ``datum`` is not one of wgs84, gcj02, bd09.
    TypeError
        ``source`` is neither a path nor bytes, or ``progress`` is not callable.
    """
    datum = normalize_datum(datum)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    report = progress or (lambda _f: None)
    data, label = _read_bytes(source, name)
    report(0.05)
    table = _records(data, label)
    records = table.records
    if not any("".join(r).strip() for r in records):
        raise RegistryError(msg("file.empty", name=label))
    header = _parse_header(records, label)
    formulas = _formula_problems(table, header)
    rows = (_split_rows(records, header, formulas) if table.columns is None
            else _split_columns(table.columns, header, formulas))
    total = rows.total
    if total == 0:
        raise RegistryError(msg("file.no_rows", name=label, row=header.row))
    report(0.2)
    build = _check(rows, datum, report) if len(rows.rownum) else _empty_table
    problems = sorted(rows.problems, key=lambda p: (p.row, p.column))
    report(1.0)
    used = {header.label[c]: c for c in header.index}
    valid = int(rows.keep.sum()) if len(rows.rownum) else 0
    return RegistryResult(build, valid, problems, total, label, used, header.ignored,
                          coords_ignored=rows.coords_ignored)
