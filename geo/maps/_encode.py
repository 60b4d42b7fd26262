"""Compact, vectorised encodings of geometries and point tables for the browser.

Polygons: each ring is a flat list of integers in 1/``k`` degrees, the first pair absolute
and the rest deltas (consecutive duplicates after rounding dropped, closing vertex
omitted) — about a third of the size of GeoJSON at the same precision.

Points: coordinates rounded to 5 decimals (~1 m), sorted by longitude so the longitudes can
be delta-coded; categories as small integers; repeated strings (districts, sources) as
indices into string tables; firm names with their common legal-form suffix
(有限公司 …) moved to a suffix table.
"""

from __future__ import annotations

import functools
from typing import Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

POLYGON_SCALE: Final = 10_000  # 1e-4 degree ≈ 11 m: below the boundaries' simplification
POINT_SCALE: Final = 100_000  # 1e-5 degree ≈ 1 m

#: Legal-form endings moved out of firm names into a table (longest first).
NAME_SUFFIXES: Final = (
    "",
    "科技股份有限公司",
    "激光科技有限公司",
    "智能装备有限公司",
    "光电科技有限公司",
    "智能科技有限公司",
    "股份有限公司",
    "科技有限公司",
    "技术有限公司",
    "设备有限公司",
    "集团有限公司",
    "有限责任公司",
    "有限公司",
    "Co., Ltd.",
    "Co., Ltd",
)


def _ring(coords: NDArray[np.float64], k: int) -> list[int]:
    ints = np.rint(coords[:, :2] * k).astype(np.int64)
    if len(ints) > 1 and (ints[0] == ints[-1]).all():
        ints = ints[:-1]
    if len(ints) > 1:
        keep = np.ones(len(ints), dtype=bool)
        keep[1:] = (np.diff(ints, axis=0) != 0).any(axis=1)
        ints = ints[keep]
    deltas = ints.copy()
    deltas[1:] -= ints[:-1]
    return deltas.ravel().tolist()


def encode_geometry(geom: shapely.Geometry, k: int = POLYGON_SCALE) -> list[list[list[int]]]:
    """Encode a (Multi)Polygon as ``[[ring, hole, …], …]`` of delta-coded integer rings."""
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        rings = [_ring(np.asarray(part.exterior.coords), k)]
        rings.extend(_ring(np.asarray(r.coords), k) for r in part.interiors)
        if len(rings[0]) >= 6:  # at least a triangle
            out.append(rings)
    return out


@functools.lru_cache(maxsize=2048)
def _encode_wkb(wkb: bytes, k: int) -> list[list[list[int]]]:
    return encode_geometry(shapely.from_wkb(wkb), k)


def encode_geometries(geoms: NDArray[np.object_] | pd.Series,
                      k: int = POLYGON_SCALE) -> list[list[list[list[int]]]]:
    """Encode a sequence of (Multi)Polygons; see :func:`encode_geometry`.

    Memoised by geometry content (WKB): the same boundaries are drawn on every rerun of
    every session, and encoding them is most of a map's build time. Callers must not
    mutate the returned lists.
    """
    wkbs = shapely.to_wkb(np.asarray(geoms, dtype=object))
    return [_encode_wkb(w, k) for w in wkbs]


def sort_and_code_points(lon: NDArray[np.float64], lat: NDArray[np.float64],
                         q: int = POINT_SCALE) -> tuple[NDArray[np.intp], dict[str, object]]:
    """Round to ``1/q`` degrees, sort by longitude, delta-code longitudes.

    Returns the sort order (apply it to every other column) and ``{"x", "y", "q"}``.
    Ties are broken by latitude, so the order does not depend on the input order.
    """
    xi = np.rint(np.asarray(lon, dtype=np.float64) * q).astype(np.int64)
    yi = np.rint(np.asarray(lat, dtype=np.float64) * q).astype(np.int64)
    order = np.lexsort((yi, xi))
    xs = xi[order]
    dx = xs.copy()
    dx[1:] -= xs[:-1]
    return order, {"x": dx.tolist(), "y": yi[order].tolist(), "q": q}


def string_codes(values: pd.Series) -> tuple[list[int], list[str]]:
    """Factorize strings; empty or missing -> ``-1``. Table in first-appearance order."""
    s = values.fillna("").astype(str).str.strip()
    codes, uniques = pd.factorize(s.where(s != "", None), use_na_sentinel=True)
    return codes.tolist(), [str(u) for u in uniques]


def split_name_suffixes(names: pd.Series) -> tuple[list[str], list[int]]:
    """Move a known legal-form ending out of each name; return stems and suffix indices."""
    s = names.fillna("").astype(str)
    code = np.zeros(len(s), dtype=np.int64)
    stems = s.to_numpy(dtype=object).copy()
    order = sorted(range(1, len(NAME_SUFFIXES)), key=lambda i: -len(NAME_SUFFIXES[i]))
    lengths = s.str.len().to_numpy()
    for i in order:
        suffix = NAME_SUFFIXES[i]
        hit = (code == 0) & s.str.endswith(suffix).to_numpy() & (lengths > len(suffix))
        if hit.any():
            code[hit] = i
            stems[hit] = s[hit].str.slice(0, -len(suffix)).to_numpy(dtype=object)
    return stems.tolist(), code.tolist()
