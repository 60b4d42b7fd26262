"""The canonical enterprise frame in and out of a store: the stored columns, checks, and
the plain Python values every database driver takes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.frames import require_wgs84

#: enterprise columns stored per version -> kind ("str", "float", "int", "bool"), in the
#: order of geo.registry.FRAME_COLUMNS; other columns of a published frame are not stored.
COLUMNS: Final[dict[str, str]] = {
    "id": "str",
    "name_zh": "str",
    "name_en": "str",
    "city": "str",
    "district": "str",
    "city_adcode": "str",
    "district_adcode": "str",
    "address": "str",
    "lon": "float",
    "lat": "float",
    "coord_precision": "str",
    "sector": "str",
    "segment": "str",
    "revenue_10k_cny": "float",
    "revenue_year": "int",
    "listed": "str",
    "employees": "int",
    "credit_code": "str",
    "source": "str",
    "note": "str",
    "products": "str",
    "applications": "str",
    "sample": "bool",
    "tier": "str",
}
#: columns a published frame may lack (stored as missing values then)
OPTIONAL_COLUMNS: Final[frozenset[str]] = frozenset(
    {"credit_code", "note", "products", "applications"})
_CHUNK: Final[int] = 5000


def _unpack(result: Any) -> tuple[gpd.GeoDataFrame, int, int, int]:
    """(frame, rows, valid_rows, problems) of a RegistryResult-like object or a GeoDataFrame."""
    if isinstance(result, gpd.GeoDataFrame):
        return result, len(result), len(result), 0
    frame = getattr(result, "frame", None)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(
            "publish needs a RegistryResult (with a .frame GeoDataFrame) or a GeoDataFrame, "
            f"got {type(result).__name__}"
        )
    rows = int(getattr(result, "rows", len(frame)))
    valid = int(getattr(result, "valid_rows", len(frame)))
    problems = len(getattr(result, "problems", ()) or ())
    if not 0 <= valid <= rows:
        raise ValueError(f"inconsistent counts: valid_rows={valid}, rows={rows}")
    return frame, rows, valid, problems


def _check_frame(frame: gpd.GeoDataFrame) -> None:
    missing = [c for c in COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ValueError(f"registry frame lacks canonical columns {missing}")
    if len(frame) == 0:
        raise ValueError("nothing to publish: the registry has no valid rows")
    require_wgs84(frame, "registry frame")
    types = shapely.get_type_id(np.asarray(frame.geometry.values, dtype=object))
    bad = np.flatnonzero((types != 0) & (types != -1))
    if bad.size:
        raise ValueError(
            f"registry geometry must be points; row positions {bad[:5].tolist()} are not"
        )


def _column_values(series: pd.Series, kind: str, name: str) -> list[Any]:
    """Plain Python values for one column (None for missing), ready for any DB driver."""
    try:
        if kind == "str":
            # pandas documents na_value=None; pandas-stubs types it as a non-None Scalar
            values = series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
            return [v if v is None or type(v) is str else str(v) for v in values]
        if kind == "float":
            arr = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
            return [None if np.isnan(v) else v for v in arr.tolist()]
        if kind == "int":
            values = series.astype("Int64").to_numpy(  # type: ignore[call-overload]  # na_value=None
                dtype=object, na_value=None)
            return [None if v is None else int(v) for v in values]
        values = series.astype("boolean").to_numpy(  # type: ignore[call-overload]  # na_value=None
            dtype=object, na_value=None)
        return [None if v is None else bool(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name!r} does not hold {kind} values: {exc}") from None


def _encode_columns(frame: gpd.GeoDataFrame) -> list[list[Any]]:
    return [
        _column_values(frame[name], kind, name) if name in frame.columns else [None] * len(frame)
        for name, kind in COLUMNS.items()
    ]


def _decode_frame(
    records: Sequence[Sequence[Any]], geoms: Sequence[bytes | None]
) -> gpd.GeoDataFrame:
    """Rebuild the canonical frame from rows of :data:`COLUMNS` values and WKB geometries."""
    n = len(records)
    columns = list(zip(*records, strict=True)) if n else [()] * len(COLUMNS)
    out: dict[str, Any] = {}
    for (name, kind), values in zip(COLUMNS.items(), columns, strict=True):
        if kind == "str":  # object dtype, as geo.registry builds its frames
            out[name] = pd.Series(np.array(values, dtype=object), dtype=object)
        elif kind == "float":  # None -> NaN
            out[name] = pd.Series(np.array(values, dtype=float))
        elif kind == "int":
            out[name] = pd.Series(pd.array(values, dtype="Int64"))
        else:
            flags = pd.Series(pd.array([None if v is None else bool(v) for v in values],
                                       dtype="boolean"))
            out[name] = flags if flags.isna().any() else flags.astype(bool)
    geometry = shapely.from_wkb(np.asarray(list(geoms), dtype=object))
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"))


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, _CHUNK):
        yield start, min(start + _CHUNK, n)
