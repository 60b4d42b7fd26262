"""From firms to per-area columns: the enterprise frame read into arrays, then counts by tier,
sector and segment, revenue and concentration, location quotients, innovation coupling
(distance to platforms), 配套半径 and the 一核/一带/一区 view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo import chain
from geo.frames import require_columns
from geo.layout import (
    LAYOUT_GROUPS,
    SECTORS,
    SEGMENTS,
    TIER_UNKNOWN,
    TIERS,
)
from geo.metrics.base_areas import COAST_TOLERANCE_DEG, _Base, assign
from geo.proximity import metric_xy
from geo.regions import point_lonlat

#: Site kinds that count as an innovation platform for the coupling metrics.
PLATFORM_KINDS: Final = ("platform", "facility")
REQUIRED_FIRM_COLUMNS: Final = ("revenue_10k_cny", "segment", "sector", "listed")


@dataclass(frozen=True)
class _Firms:
    x: np.ndarray  # lon (EPSG:4326), NaN without coordinates
    y: np.ndarray
    revenue: np.ndarray  # 万元, NaN unknown
    segment: np.ndarray  # index into SEGMENTS, -1 unknown
    sector: np.ndarray  # index into SECTORS, -1 unknown
    listed: np.ndarray  # bool
    sample: np.ndarray  # bool


def _codes(values: pd.Series, vocabulary: Sequence[str]) -> np.ndarray:
    return pd.Index(list(vocabulary)).get_indexer(pd.Index(values.astype(object)))


def _flag(values: pd.Series) -> np.ndarray:
    """True where a ticker-like value is present (``""``/NaN/``False`` mean no)."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(dtype=bool)
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    return (text != "").to_numpy() & (text.str.lower() != "false").to_numpy()


def _firms(enterprises: pd.DataFrame) -> _Firms:
    require_columns(enterprises, REQUIRED_FIRM_COLUMNS, "enterprises")
    x, y = point_lonlat(enterprises, "enterprises")
    revenue = pd.to_numeric(enterprises["revenue_10k_cny"], errors="coerce").to_numpy(float)
    if "sample" in enterprises.columns:
        sample = enterprises["sample"].fillna(False).to_numpy(dtype=bool)
    else:
        sample = np.zeros(len(enterprises), dtype=bool)
    return _Firms(
        x=x, y=y, revenue=revenue,
        segment=_codes(enterprises["segment"], list(SEGMENTS)),
        sector=_codes(enterprises["sector"], list(SECTORS)),
        listed=_flag(enterprises["listed"]), sample=sample,
    )


def _count(idx: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    counts = np.bincount(idx, weights=weights, minlength=n)
    return counts if weights is not None else counts.astype(np.int64)


def _ratio(num: np.ndarray, den: np.ndarray | float) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.broadcast_to(np.asarray(den, dtype=float), num.shape)
    out = np.full(num.shape, np.nan)
    ok = den > 0
    np.divide(num, den, out=out, where=ok)
    return out


def _tier_index(revenue: np.ndarray) -> np.ndarray:
    """Tier position in ``[*TIERS, unknown]`` (same rule as :func:`geo.layout.tier_codes`)."""
    bounds = [lower for _, lower in TIERS.values()]
    idx = np.full(revenue.shape, len(bounds), dtype=np.int64)
    for i in reversed(range(len(bounds))):
        idx[revenue >= bounds[i]] = i
    return idx


def _group_median(idx: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Median of ``values`` per group ``idx`` (NaN for empty groups).

    The values are grouped by a stable sort of the group numbers (a radix sort: they are
    small), then each group's two middle values are found by partition: linear, where
    sorting every value (a lexsort) was the slowest step of the metrics on a million firms.
    """
    out = np.full(n, np.nan)
    if len(idx) == 0:
        return out
    v = values[np.argsort(np.asarray(idx).astype(np.min_scalar_type(n)), kind="stable")]
    counts = np.bincount(idx, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for g in np.flatnonzero(counts):
        part = v[starts[g]:starts[g] + counts[g]]
        lo, hi = (counts[g] - 1) // 2, counts[g] // 2
        part.partition((lo, hi))
        out[g] = (part[lo] + part[hi]) / 2.0
    return out


def _structure(a: np.ndarray, f: _Firms, used: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Counts by tier, sector and segment; revenue; LQ; completeness; concentration."""
    cols: dict[str, np.ndarray] = {}
    enterprises = _count(a, n)
    cols["enterprises"] = enterprises
    total = enterprises.sum()
    cols["enterprise_share"] = _ratio(enterprises, float(total))
    cols["listed"] = _count(a[f.listed[used]], n)
    tiers = _tier_index(f.revenue[used])
    tier_counts = [_count(a[tiers == i], n) for i in range(len(TIERS) + 1)]
    for code, counts in zip([*TIERS, TIER_UNKNOWN.code], tier_counts, strict=True):
        cols[f"tier_{code}"] = counts
    cols["tier_t100m_plus"] = tier_counts[0] + tier_counts[1]
    sector = f.sector[used]
    for i, code in enumerate(SECTORS):
        cols[f"sector_{code}"] = _count(a[sector == i], n)
    cols["sector_unknown"] = _count(a[sector < 0], n)
    segment = f.segment[used]
    seg_counts = np.stack([_count(a[segment == i], n) for i in range(len(SEGMENTS))], axis=1)
    for i, code in enumerate(SEGMENTS):
        cols[f"seg_{code}"] = seg_counts[:, i]
    cols["segment_unknown"] = _count(a[segment < 0], n)
    cols.update(_revenue(a, f.revenue[used], n))
    cols.update(_specialisation(seg_counts))
    return cols


def _revenue(a: np.ndarray, revenue_10k: np.ndarray, n: int) -> dict[str, np.ndarray]:
    known = np.isfinite(revenue_10k)
    ak, rev = a[known], revenue_10k[known] / 1e4  # 亿元
    rev_sum = _count(ak, n, rev)
    top = np.zeros(n)
    np.maximum.at(top, ak, rev)
    sq = _count(ak, n, rev * rev)
    return {
        "revenue_100m_cny": rev_sum,
        "revenue_missing": _count(a[~known], n),
        "revenue_share": _ratio(rev_sum, float(rev_sum.sum())),
        "top_firm_share": _ratio(top, rev_sum),
        "hhi": _ratio(sq, rev_sum * rev_sum),
    }


def _specialisation(seg_counts: np.ndarray) -> dict[str, np.ndarray]:
    """Location quotients, chain completeness.

    LQ of segment s in area a = (n_as / n_a) / (N_s / N), where n_a and N count firms with a
    known segment (firms without one would otherwise dilute every LQ alike).
    """
    cols: dict[str, np.ndarray] = {}
    area_total = seg_counts.sum(axis=1).astype(float)
    prov = seg_counts.sum(axis=0).astype(float)
    prov_share = _ratio(prov, float(prov.sum()))
    for i, code in enumerate(SEGMENTS):
        cols[f"lq_{code}"] = _ratio(_ratio(seg_counts[:, i], area_total), prov_share[i])
    present = seg_counts > 0
    cols["segments_present"] = present.sum(axis=1).astype(np.int64)
    codes = np.array(list(SEGMENTS), dtype=object)
    cols["segments_missing"] = np.array(
        [",".join(codes[~row]) for row in present], dtype=object
    )
    return cols


def _coupling(a: np.ndarray, xy_used: tuple[np.ndarray, np.ndarray], base: _Base,
              sites: pd.DataFrame | None, n: int, radius_km: float) -> dict[str, np.ndarray]:
    nan = np.full(n, np.nan)
    keys = ("sites", "parks", "platforms", "share_near_platform", "median_km_to_platform")
    if sites is None:
        return dict.fromkeys(keys, nan)
    require_columns(sites, ["kind"], "sites")
    sx, sy = point_lonlat(sites, "sites")
    s_area = assign(sx, sy, base.geoms, base.adcodes, COAST_TOLERANCE_DEG)
    s_in = s_area >= 0
    s_unit = base.unit_of[s_area[s_in]]
    kind = sites["kind"].astype(object).to_numpy()
    is_platform = np.isin(kind, PLATFORM_KINDS)
    cols = {
        "sites": _count(s_unit, n),
        "parks": _count(s_unit[kind[s_in] == "park"], n),
        "platforms": _count(s_unit[is_platform[s_in]], n),
    }
    targets = is_platform & np.isfinite(sx) & np.isfinite(sy)
    if not targets.any():
        return {**cols, "share_near_platform": nan, "median_km_to_platform": nan}
    dist = _nearest_km(*xy_used, sx[targets], sy[targets])
    cols["share_near_platform"] = _ratio(_count(a, n, (dist <= radius_km).astype(float)),
                                         _count(a, n))
    cols["median_km_to_platform"] = _group_median(a, dist, n)
    return cols


def _nearest_km(x: np.ndarray, y: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """Distance (km, on :data:`geo.regions.METRIC_CRS`, via :mod:`geo.proximity`) from each
    lon/lat point to the nearest site."""
    px, py = metric_xy(x, y)
    qx, qy = metric_xy(sx, sy)
    if len(qx) > 64:
        from scipy.spatial import cKDTree  # many sites: a tree beats broadcasting

        dist, _ = cKDTree(np.column_stack([qx, qy])).query(np.column_stack([px, py]))
        return np.asarray(dist) / 1000.0
    out = np.empty(len(px))
    step = max(1, 2_000_000 // len(qx))
    for start in range(0, len(px), step):
        dx = px[start:start + step, None] - qx[None, :]
        dy = py[start:start + step, None] - qy[None, :]
        out[start:start + step] = np.sqrt((dx * dx + dy * dy).min(axis=1))
    return out / 1000.0


def _supply(enterprises: pd.DataFrame, f: _Firms, used: np.ndarray, a: np.ndarray,
            n: int) -> np.ndarray:
    """配套半径 (:func:`geo.chain.supply_flags`): of the area's makers' needs for key
    components, the share met by a producer within 50 km; NaN without product tags."""
    if ("products" not in enterprises.columns
            or not enterprises["products"].fillna("").astype(bool).any()):
        return np.full(n, np.nan)  # no firm tagged: nothing to weigh (and a million rows)
    needs, met = chain.supply_flags(chain.products_of(enterprises), f.x, f.y)
    return _ratio(_count(a, n, met.sum(axis=1)[used].astype(float)),
                  _count(a, n, needs.sum(axis=1)[used].astype(float)))


def _groups(g: np.ndarray, revenue_10k: np.ndarray, land: np.ndarray) -> pd.DataFrame:
    """The 一核/一带/一区 view from each used firm's group index ``g``."""
    n = len(LAYOUT_GROUPS)
    enterprises = _count(g, n)
    known = np.isfinite(revenue_10k)
    rev = _count(g[known], n, revenue_10k[known] / 1e4)
    return pd.DataFrame({
        "group": list(LAYOUT_GROUPS),
        "name_zh": [t.zh for t in LAYOUT_GROUPS.values()],
        "name_en": [t.en for t in LAYOUT_GROUPS.values()],
        "enterprises": enterprises,
        "enterprise_share": _ratio(enterprises, float(enterprises.sum())),
        "revenue_100m_cny": rev,
        "revenue_share": _ratio(rev, float(rev.sum())),
        "land_area_km2": land,
        "density_per_1000km2": _ratio(enterprises * 1000.0, land),
    })
