"""Per-area metrics of the cluster (city, district, zone, province) and plan progress.

Everything a planner compares or a presenter quotes is computed here, from the canonical
enterprise GeoDataFrame of :mod:`geo.registry` and the boundaries of :mod:`geo.regions`:
counts by size tier, sector and chain segment; revenue in 亿元 and its share; density;
specialisation (location quotients); chain completeness; concentration (largest-firm share,
Herfindahl index); innovation coupling (distance to platforms); and the 2025 targets of the
action plan.

Conventions
-----------
- Units are in column names: ``revenue_100m_cny`` is 亿元 (= ``revenue_10k_cny`` / 10,000),
  ``land_area_km2`` km², ``density_per_1000km2`` firms per 1,000 km² of land,
  ``revenue_100m_cny_per_km2`` 亿元 per km², ``median_km_to_platform`` km.
- Land area (the density denominator) is each city's *official* land area
  (:mod:`geo.areas`, ``data/city_areas.csv``); zones and the province sum their cities;
  county-level units use their official land area where one is sourced
  (``data/district_areas.csv``), their polygon's otherwise. ``area_basis`` says which.
- Shares (``revenue_share``, ``enterprise_share``, ``top_firm_share``, ``hhi``,
  ``share_near_platform``) are fractions in 0..1, not percentages.
- Counts are 0 for an area without firms; a ratio with nothing to rest on is NaN (never inf).
- Revenue sums and revenue-based ratios use *known* revenues only; firms without revenue are
  counted in ``revenue_missing``, never added as zero silently.
- "Province" means the firms assigned to some area in this computation: shares sum to 1
  over the rows of a table.

Assignment is point-in-polygon on the area polygons (``shapely.intersects_xy`` on prepared
polygons after a bounding-box filter: faster than ``sjoin`` for a few dozen polygons). A point
on a shared border belongs to the area with the lowest adcode; a point in no area but within
:data:`COAST_TOLERANCE_DEG` (~1 km) of one goes to the nearest (the polygons are simplified).
Firms in no area (at sea, outside the province) and firms without coordinates are listed in
:attr:`MetricsResult.unassigned` and counted in :attr:`MetricsResult.coverage`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo import areas, chain
from geo.layout import (
    LAYOUT_GROUPS,
    SECTORS,
    SEGMENTS,
    TIER_UNKNOWN,
    TIERS,
    ZONES,
    Lang,
    layout_group,
)
from geo.regions import DONGSHA_BOX, EQUAL_AREA_CRS, METRIC_CRS, point_lonlat

LEVELS: Final = ("city", "district", "zone", "province")
#: 东莞 and 中山 have no county level: at district level each city is its own unit.
CITIES_WITHOUT_DISTRICTS: Final = ("441900", "442000")
#: Site kinds that count as an innovation platform for the coupling metrics.
PLATFORM_KINDS: Final = ("platform", "facility")
PROVINCE: Final = {"adcode": "440000", "name_zh": "广东省", "name_en": "Guangdong"}
REQUIRED_FIRM_COLUMNS: Final = ("revenue_10k_cny", "segment", "sector", "listed")
REQUIRED_AREA_COLUMNS: Final = ("adcode", "name_zh", "name_en", "zone", "land_area_km2")
_WGS84: Final = CRS.from_epsg(4326)
_PREPARE_LOCK: Final = threading.Lock()
#: Points this close (degrees, ~1 km) to an area but in none are snapped to the nearest: the
#: shipped polygons are simplified (~120 m), so a waterfront firm can sit just "at sea".
#: Same tolerance as geo.registry's coast rule.
COAST_TOLERANCE_DEG: Final = 0.01
#: 东沙群岛 (inside 汕尾 in the source data), as in scripts/build_regions.py: excluded from
#: district land areas (the cities' ``land_area_km2`` already excludes it).
#: Metric columns that come first in a table, after the area's identity columns.
HEADLINE_COLUMNS: Final = (
    "enterprises", "revenue_100m_cny", "revenue_missing", "revenue_share",
    "density_per_1000km2", "revenue_100m_cny_per_km2", "enterprise_share", "listed",
)


# ---------------------------------------------------------------------------------------
# Metric registry
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricSpec:
    """A metric that can colour a map or head a table column.

    Parameters
    ----------
    code : str
        Registry key (``METRICS[code]``).
    column : str
        Column of :attr:`MetricsResult.table` holding the values.
    zh, en : str
        Label in Chinese and English.
    unit_zh, unit_en : str
        Unit in Chinese and English (``""`` for a dimensionless index).
    decimals : int
        Decimals to show.
    scale : float
        Factor from the table's values to the shown ones: 100 for shares, which the table
        keeps as 0–1 and people read as percentages (``unit`` is then ``%``).
    """

    code: str
    column: str
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    decimals: int
    scale: float = 1.0

    def shown(self, values: pd.Series) -> pd.Series:
        """The values as shown to people (shares as percentages).

        >>> METRICS["revenue_share"].shown(pd.Series([0.25])).tolist()
        [25.0]
        """
        return values * self.scale

    def label(self, lang: Lang = "zh") -> str:
        """Return the label in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en

    def unit(self, lang: Lang = "zh") -> str:
        """Return the unit in ``lang`` ("zh" or "en")."""
        return self.unit_zh if lang == "zh" else self.unit_en

    def title(self, lang: Lang = "zh") -> str:
        """Return ``label (unit)``, or the label alone for a unitless metric."""
        unit = self.unit(lang)
        return f"{self.label(lang)} ({unit})" if unit else self.label(lang)


_SHARE_ZH, _SHARE_EN = "%", "%"


def _metric_list() -> list[MetricSpec]:
    specs = [
        MetricSpec("enterprises", "enterprises", "企业数", "Enterprises", "家", "firms", 0),
        MetricSpec("density_per_1000km2", "density_per_1000km2", "企业密度", "Enterprise density",
                   "家/千平方公里", "firms per 1,000 km²", 2),
        MetricSpec("revenue_100m_cny", "revenue_100m_cny", "主营收入", "Revenue",
                   "亿元", "¥100 m", 1),
        MetricSpec("revenue_share", "revenue_share", "主营收入占全省比重",
                   "Share of provincial revenue", _SHARE_ZH, _SHARE_EN,1, 100.0),
        # the table keeps 亿元/km²; shown in 万元/km² (×10,000) so values read (12.3, not 0.001)
        MetricSpec("revenue_per_km2", "revenue_100m_cny_per_km2", "地均主营收入",
                   "Revenue per km²", "万元/平方公里", "¥10k per km²", 1, 10_000.0),
        MetricSpec("enterprise_share", "enterprise_share", "企业数占全省比重",
                   "Share of provincial enterprises", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("listed", "listed", "上市企业数", "Listed enterprises", "家", "firms", 0),
        MetricSpec("tier_t1bn", "tier_t1bn", "营收≥10亿元企业", "Firms with revenue ≥ ¥1 bn",
                   "家", "firms", 0),
        MetricSpec("tier_t100m_plus", "tier_t100m_plus", "营收≥1亿元企业",
                   "Firms with revenue ≥ ¥100 m", "家", "firms", 0),
        MetricSpec("revenue_missing", "revenue_missing", "营收未知企业",
                   "Firms with unknown revenue", "家", "firms", 0),
        MetricSpec("segments_present", "segments_present", "产业链环节覆盖数",
                   "Chain segments present", "个(共6)", "of 6", 0),
        MetricSpec("top_firm_share", "top_firm_share", "最大企业营收占比",
                   "Largest firm's revenue share", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("hhi", "hhi", "营收赫芬达尔指数", "Herfindahl index of revenue",
                   "0–1", "0–1", 3),
        MetricSpec("sites", "sites", "园区与平台数", "Parks & platforms", "个", "sites", 0),
        MetricSpec("platforms", "platforms", "创新平台与大科学装置数",
                   "Innovation platforms & facilities", "个", "sites", 0),
        MetricSpec("share_near_platform", "share_near_platform", "临近创新平台企业占比",
                   "Share of firms near a platform", _SHARE_ZH, _SHARE_EN,1, 100.0),
        MetricSpec("median_km_to_platform", "median_km_to_platform", "至最近创新平台距离中位数",
                   "Median distance to nearest platform", "公里", "km", 1),
        MetricSpec("supply_share", "supply_share", "配套半径（50公里内有关键零部件配套的比例）",
                   "Supply radius (key components within 50 km)", _SHARE_ZH, _SHARE_EN, 1,
                   100.0),
    ]
    for code, term in SEGMENTS.items():
        specs.append(MetricSpec(
            f"lq_{code}", f"lq_{code}", f"区位商:{term.zh}", f"Location quotient: {term.en}",
            "", "", 2,
        ))
        specs.append(MetricSpec(
            f"seg_{code}", f"seg_{code}", f"{term.zh}企业数", f"{term.en} firms", "家", "firms", 0,
        ))
    return specs


#: Choropleth-able metrics by code.
METRICS: Final[dict[str, MetricSpec]] = {m.code: m for m in _metric_list()}


def get_metric(code: str) -> MetricSpec:
    """Return the :class:`MetricSpec` for ``code`` (case and surrounding space ignored).

    Raises
    ------
    ValueError
        If ``code`` is not a key of :data:`METRICS`; the message lists the known codes.
    """
    if not isinstance(code, str):
        raise TypeError(f"metric code must be a str, got {type(code).__name__}")
    key = code.strip().lower()
    if key not in METRICS:
        raise ValueError(f"unknown metric {code!r}; expected one of {sorted(METRICS)}")
    return METRICS[key]


# ---------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricsResult:
    """What :func:`compute` returns.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per area (every area, with or without firms), units in column names.
    coverage : dict
        ``rows`` (input rows), ``rows_used`` (assigned to an area), ``rows_without_coordinates``,
        ``rows_outside`` (coordinates in no area), ``sample_rows`` (sample rows among those
        used), ``revenue_known_rows`` (among those used), ``level``, ``radius_km``,
        ``sites_used`` (sites with coordinates, ``None`` without sites).
    unassigned : pandas.DataFrame
        The rows not used, with ``reason`` = ``"no_coordinates"`` or ``"outside"`` and the
        input's identifying columns (``id``, ``name_zh``, ``city``, ``lon``, ``lat`` …);
        the index is the input's index.
    groups : pandas.DataFrame
        Layout view (一核 / 一带 / 一区): one row per group with ``group``, ``name_zh``,
        ``name_en``, ``enterprises``, ``enterprise_share``, ``revenue_100m_cny``,
        ``revenue_share``, ``land_area_km2``, ``density_per_1000km2``.
    """

    table: pd.DataFrame
    coverage: dict[str, Any]
    unassigned: pd.DataFrame
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)


# ---------------------------------------------------------------------------------------
# Input normalisation
# ---------------------------------------------------------------------------------------
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
    if not isinstance(enterprises, pd.DataFrame):
        raise TypeError(
            f"enterprises must be a (Geo)DataFrame, got {type(enterprises).__name__}"
        )
    missing = [c for c in REQUIRED_FIRM_COLUMNS if c not in enterprises.columns]
    if missing:
        raise ValueError(f"enterprises lacks columns {missing}; see geo.registry's canonical frame")
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


def _check_areas(gdf: gpd.GeoDataFrame, what: str, columns: Sequence[str]) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, got {type(gdf).__name__}")
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; expected EPSG:4326")


def _wgs84_geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geoms = gdf.geometry
    if not CRS(geoms.crs).equals(_WGS84):
        geoms = geoms.to_crs(_WGS84)
    return geoms.to_numpy()


# ---------------------------------------------------------------------------------------
# Areas and assignment
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Base:
    """Polygons firms are assigned to, and how they roll up to the level's units."""

    geoms: np.ndarray  # polygons, one per base area
    adcodes: np.ndarray  # str, for the border tie-break (lowest wins)
    unit_of: np.ndarray  # base index -> row of the level's table
    group_of: np.ndarray  # base index -> index into LAYOUT_GROUPS
    land: np.ndarray  # base index -> land area (km²)
    units: pd.DataFrame  # the level's table skeleton


def _group_index(zones: Iterable[str]) -> np.ndarray:
    order = list(LAYOUT_GROUPS)
    return np.array([order.index(layout_group(z)) for z in zones], dtype=np.int64)


def _denominators(adcodes: np.ndarray, polygon_km2: np.ndarray,
                  official: Mapping[str, float]) -> dict[str, np.ndarray]:
    """Official land area where the area has one, else the polygon's, with the basis."""
    value = np.array([official.get(a, math.nan) for a in adcodes], dtype=float)
    has = np.isfinite(value) & (value > 0)
    return {"land_area_km2": np.where(has, value, polygon_km2),
            "polygon_area_km2": polygon_km2,
            "area_basis": np.where(has, "official", "polygon").astype(object)}


def _summed_basis(bases: pd.Series) -> str:
    kinds = set(bases)
    return kinds.pop() if len(kinds) == 1 else "mixed"


def _city_base(regions: gpd.GeoDataFrame, level: str, official: Mapping[str, float]) -> _Base:
    _check_areas(regions, "regions", REQUIRED_AREA_COLUMNS)
    adcodes = regions["adcode"].astype(str).to_numpy()
    cities = pd.DataFrame({
        "adcode": adcodes,
        "name_zh": regions["name_zh"].to_numpy(),
        "name_en": regions["name_en"].to_numpy(),
        "zone": regions["zone"].astype(str).to_numpy(),
        **_denominators(adcodes, regions["land_area_km2"].to_numpy(dtype=float), official),
    })
    unknown = sorted(set(cities["zone"]) - set(ZONES))
    if unknown:
        raise ValueError(f"regions has unknown zones {unknown}; expected {list(ZONES)}")
    geoms = _wgs84_geoms(regions)
    adcodes = cities["adcode"].to_numpy()
    group_of = _group_index(cities["zone"])
    land = cities["land_area_km2"].to_numpy()
    if level == "city":
        return _Base(geoms, adcodes, np.arange(len(cities)), group_of, land, cities)
    if level == "zone":
        zones = [z for z in ZONES if z in set(cities["zone"])]
        units = pd.DataFrame({
            "adcode": zones,
            "name_zh": [ZONES[z].zh for z in zones],
            "name_en": [ZONES[z].en for z in zones],
            "zone": zones,
            "layout_group": [layout_group(z) for z in zones],
            "land_area_km2": [cities.loc[cities["zone"] == z, "land_area_km2"].sum()
                              for z in zones],
            "polygon_area_km2": [cities.loc[cities["zone"] == z, "polygon_area_km2"].sum()
                                 for z in zones],
            "area_basis": [_summed_basis(cities.loc[cities["zone"] == z, "area_basis"])
                           for z in zones],
        })
        unit_of = pd.Index(zones).get_indexer(pd.Index(cities["zone"]))
        return _Base(geoms, adcodes, unit_of, group_of, land, units)
    units = pd.DataFrame({**{k: [v] for k, v in PROVINCE.items()}, "zone": [""],
                          "land_area_km2": [cities["land_area_km2"].sum()],
                          "polygon_area_km2": [cities["polygon_area_km2"].sum()],
                          "area_basis": [_summed_basis(cities["area_basis"])]})
    return _Base(geoms, adcodes, np.zeros(len(cities), dtype=np.int64), group_of, land, units)


def _land_area_km2(geoms: np.ndarray, area_km2: np.ndarray) -> np.ndarray:
    """Subtract the parts in :data:`DONGSHA_BOX` (东沙群岛) from ``area_km2``."""
    box = shapely.box(*DONGSHA_BOX)
    touched = shapely.intersects(geoms, box)
    land = area_km2.astype(float).copy()
    if touched.any():
        extra = shapely.intersection(geoms[touched], box)
        projected = gpd.GeoSeries(extra, crs=_WGS84).to_crs(EQUAL_AREA_CRS)
        land[touched] -= projected.area.to_numpy() / 1e6
    return land


def _district_base(regions: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
                   official: Mapping[str, float], district_official: Mapping[str, float]
                   ) -> _Base:
    _check_areas(regions, "regions", REQUIRED_AREA_COLUMNS)
    _check_areas(districts, "districts", ("adcode", "name_zh", "city_adcode", "area_km2"))
    city = regions.assign(adcode=regions["adcode"].astype(str)).set_index("adcode")
    d_geoms = _wgs84_geoms(districts)
    d_city = districts["city_adcode"].astype(str).to_numpy()
    unknown = sorted(set(d_city) - set(city.index))
    if unknown:
        raise ValueError(f"districts point to cities not in regions: {unknown}")
    own = [a for a in CITIES_WITHOUT_DISTRICTS if a in city.index and a not in set(d_city)]
    own_rows = regions[regions["adcode"].astype(str).isin(own)]
    d_land = _land_area_km2(d_geoms, districts["area_km2"].to_numpy(dtype=float))
    units = pd.DataFrame({
        "adcode": [*districts["adcode"].astype(str), *own_rows["adcode"].astype(str)],
        "name_zh": [*districts["name_zh"], *own_rows["name_zh"]],
        "name_en": [*(f"{n}, {city.at[c, 'name_en']!s}" for n, c in
                      zip(districts["name_zh"], d_city, strict=True)), *own_rows["name_en"]],
        "city_adcode": [*d_city, *own_rows["adcode"].astype(str)],
    })
    units = pd.concat([units, pd.DataFrame(_denominators(
        units["adcode"].to_numpy(),
        np.array([*d_land, *own_rows["land_area_km2"].astype(float)]),
        {**district_official, **{a: official[a] for a in own if a in official}}))], axis=1)
    units.insert(3, "zone", [str(city.at[c, "zone"]) for c in units["city_adcode"]])
    geoms = np.concatenate([d_geoms, _wgs84_geoms(own_rows)])
    order = np.argsort(units["adcode"].to_numpy(), kind="stable")
    units = units.iloc[order].reset_index(drop=True)
    geoms = geoms[order]
    return _Base(geoms, units["adcode"].to_numpy(), np.arange(len(units)),
                 _group_index(units["zone"]), units["land_area_km2"].to_numpy(), units)


def assign(x: np.ndarray, y: np.ndarray, polygons: np.ndarray,
           adcodes: Sequence[str] | np.ndarray | None = None, tolerance: float = 0.0
           ) -> np.ndarray:
    """Return the index of the polygon holding each point, ``-1`` for none.

    Points on a shared border (in several polygons) go to the polygon whose ``adcodes`` entry
    sorts first (the lowest adcode); without ``adcodes``, to the lowest index. A point in no
    polygon but within ``tolerance`` (polygon units) of one goes to the nearest (the coast of
    simplified polygons). NaN coordinates give ``-1``.

    Parameters
    ----------
    x, y : numpy.ndarray
        Point coordinates in the polygons' CRS.
    polygons : numpy.ndarray
        Shapely (multi)polygons; they are prepared in place (a cache for later calls).
    adcodes : sequence of str, optional
        Tie-break keys, one per polygon.
    tolerance : float
        Snap distance for points just outside every polygon (0: none).

    Examples
    --------
    >>> sq = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> assign(np.array([0.5, 1.0, 3.0]), np.array([0.5, 0.5, 0.5]), sq, ["2", "1"]).tolist()
    [0, 1, -1]
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out = np.full(x.shape, -1, dtype=np.int64)
    if len(polygons) == 0 or len(x) == 0:
        return out
    if adcodes is not None and len(adcodes) != len(polygons):
        raise ValueError(f"{len(adcodes)} adcodes for {len(polygons)} polygons")
    order = np.argsort(np.asarray(adcodes, dtype=str), kind="stable") if adcodes is not None \
        else np.arange(len(polygons))
    bounds = shapely.bounds(polygons)
    with _PREPARE_LOCK:  # the UI calls this from several threads on shared polygons
        shapely.prepare(polygons)
    todo = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    for i in order:
        if len(todo) == 0:
            break
        minx, miny, maxx, maxy = bounds[i]
        tx, ty = x[todo], y[todo]
        cand = todo[(tx >= minx) & (tx <= maxx) & (ty >= miny) & (ty <= maxy)]
        if len(cand) == 0:
            continue
        hit = cand[shapely.intersects_xy(polygons[i], x[cand], y[cand])]
        out[hit] = i
        if len(hit):
            todo = todo[out[todo] < 0]
    if tolerance > 0 and len(todo):
        near, poly = shapely.STRtree(polygons).query_nearest(
            shapely.points(x[todo], y[todo]), max_distance=tolerance, all_matches=False)
        out[todo[near]] = poly
    return out


# ---------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------
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
    """Median of ``values`` per group ``idx`` (NaN for empty groups), without a Python loop."""
    out = np.full(n, np.nan)
    if len(idx) == 0:
        return out
    order = np.lexsort((values, idx))
    v = values[order]
    counts = np.bincount(idx, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    has = counts > 0
    lo = starts[has] + (counts[has] - 1) // 2
    hi = starts[has] + counts[has] // 2
    out[has] = (v[lo] + v[hi]) / 2.0
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
    if not isinstance(sites, pd.DataFrame) or "kind" not in sites.columns:
        raise ValueError("sites must be a (Geo)DataFrame with a 'kind' column")
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
    """Distance (km, on :data:`METRIC_CRS`) from each lon/lat point to the nearest site."""
    to_metric = Transformer.from_crs(_WGS84, METRIC_CRS, always_xy=True)
    px, py = to_metric.transform(x, y)
    qx, qy = to_metric.transform(sx, sy)
    px, py, qx, qy = (np.asarray(v, dtype=float) for v in (px, py, qx, qy))
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
    if "products" not in enterprises.columns:
        return np.full(n, np.nan)
    needs, met = chain.supply_flags(chain.products_of(enterprises), f.x, f.y)
    return _ratio(_count(a, n, met.sum(axis=1)[used].astype(float)),
                  _count(a, n, needs.sum(axis=1)[used].astype(float)))


# ---------------------------------------------------------------------------------------
# compute
# ---------------------------------------------------------------------------------------
def _too_coarse(enterprises: pd.DataFrame, level: str) -> np.ndarray:
    """Rows located only to their city (at its interior point) cannot be put in a district."""
    if level != "district" or "coord_precision" not in enterprises.columns:
        return np.zeros(len(enterprises), dtype=bool)
    city_only = (enterprises["coord_precision"].astype(str) == "city").to_numpy()
    if "city_adcode" in enterprises.columns:  # 东莞/中山 are their own district unit
        own = enterprises["city_adcode"].astype(str).isin(CITIES_WITHOUT_DISTRICTS).to_numpy()
        city_only = city_only & ~own
    return city_only


def _unassigned(enterprises: pd.DataFrame, no_xy: np.ndarray, outside: np.ndarray,
                coarse: np.ndarray, x: np.ndarray, y: np.ndarray) -> pd.DataFrame:
    keep = no_xy | outside | coarse
    wanted = ["id", "name_zh", "name_en", "city", "district", "city_adcode"]
    cols = [c for c in wanted if c in enterprises.columns]
    out = pd.DataFrame(enterprises.loc[keep, cols])
    out["lon"] = x[keep]
    out["lat"] = y[keep]
    out["reason"] = np.select([no_xy[keep], coarse[keep]], ["no_coordinates", "city_precision"],
                              "outside")
    return out


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


def compute(
    enterprises: pd.DataFrame,
    regions: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    sites: pd.DataFrame | None = None,
    level: str = "city",
    radius_km: float = 10.0,
    city_areas: Mapping[str, float] | None = None,
    district_areas: Mapping[str, float] | None = None,
) -> MetricsResult:
    """Compute the metrics table of every area at ``level``.

    Parameters
    ----------
    enterprises : geopandas.GeoDataFrame or pandas.DataFrame
        The canonical enterprise frame of :mod:`geo.registry` (Point geometry with a CRS, or
        WGS-84 ``lon``/``lat`` columns) with ``revenue_10k_cny``, ``segment``, ``sector``,
        ``listed`` and optionally ``sample``.
    regions : geopandas.GeoDataFrame
        The cities (:func:`geo.regions.load_regions`).
    districts : geopandas.GeoDataFrame, optional
        County-level units for ``level="district"`` (default :func:`geo.regions.load_districts`).
        东莞 and 中山 are added from ``regions`` as their own units (124 rows).
    sites : geopandas.GeoDataFrame, optional
        Parks and platforms (:func:`geo.registry.load_sites`). Without it the innovation
        coupling columns (``sites``, ``parks``, ``platforms``, ``share_near_platform``,
        ``median_km_to_platform``) are NaN.
    level : {"city", "district", "zone", "province"}
        Areas of the table. Zones: ``adcode`` is the zone code, plus ``layout_group``,
        ``group_enterprise_share`` and ``group_revenue_share`` (the 一核/一带/一区 view).
    radius_km : float
        Radius for ``share_near_platform`` (distance on :data:`geo.regions.METRIC_CRS`).
    city_areas : mapping of str to float, optional
        Official land area (km²) by city adcode, the density denominator (default: the
        bundled ``data/city_areas.csv``, :func:`geo.areas.official_areas`). A city not in it
        falls back to its polygon's land area.
    district_areas : mapping of str to float, optional
        Official land area (km²) by district adcode (default: the bundled
        ``data/district_areas.csv``, :func:`geo.areas.official_district_areas`). A district
        not in it falls back to its polygon's land area (``area_basis`` "polygon").

    Returns
    -------
    MetricsResult

    Notes
    -----
    Table columns (all levels): ``adcode``, ``name_zh``, ``name_en``, ``zone``
    [``city_adcode`` at district level, ``layout_group`` at zone level], ``land_area_km2``
    (the density denominator), ``polygon_area_km2`` (the boundary polygon's land area, a
    cross-check), ``area_basis`` (``official``, ``polygon`` or ``mixed`` for a sum),
    ``enterprises``, ``enterprise_share``, ``listed``, ``tier_t1bn``, ``tier_t100m``,
    ``tier_t10m``, ``tier_small``, ``tier_unknown``, ``tier_t100m_plus`` (≥ ¥100 m, both upper
    tiers), ``sector_<code>``, ``sector_unknown``, ``seg_<code>``, ``segment_unknown``,
    ``revenue_100m_cny``, ``revenue_missing``, ``revenue_share``, ``top_firm_share``, ``hhi``,
    ``lq_<segment>`` (denominators: firms with a known segment), ``segments_present`` (0–6),
    ``segments_missing`` (comma-separated codes), ``density_per_1000km2``,
    ``revenue_100m_cny_per_km2``, the coupling columns above, and ``supply_share`` (配套半径:
    of the makers' needs for key components, the share with a producer within 50 km among
    the firms given; :func:`geo.chain.supply_flags`; NaN without ``products`` or makers).
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {list(LEVELS)}")
    if not isinstance(radius_km, int | float) or not math.isfinite(radius_km) or radius_km <= 0:
        raise ValueError(f"radius_km must be a positive number, got {radius_km!r}")
    official = areas.official_areas() if city_areas is None else city_areas
    f = _firms(enterprises)
    if level == "district":
        if districts is None:
            from geo.regions import load_districts

            districts = load_districts()
        base = _district_base(regions, districts, official, areas.official_district_areas()
                              if district_areas is None else district_areas)
    else:
        base = _city_base(regions, level, official)
    n = len(base.units)
    base_idx = assign(f.x, f.y, base.geoms, base.adcodes, COAST_TOLERANCE_DEG)
    no_xy = ~(np.isfinite(f.x) & np.isfinite(f.y))
    coarse = _too_coarse(enterprises, level)
    base_idx = np.where(coarse, -1, base_idx)
    used = base_idx >= 0
    a = base.unit_of[base_idx[used]]
    cols = _structure(a, f, used, n)
    land = base.units["land_area_km2"].to_numpy(dtype=float)
    cols["density_per_1000km2"] = _ratio(cols["enterprises"] * 1000.0, land)
    cols["revenue_100m_cny_per_km2"] = _ratio(cols["revenue_100m_cny"], land)
    cols.update(_coupling(a, (f.x[used], f.y[used]), base, sites, n, float(radius_km)))
    cols["supply_share"] = _supply(enterprises, f, used, a, n)
    values = pd.DataFrame(cols)
    lead = [c for c in HEADLINE_COLUMNS if c in values.columns]
    table = pd.concat([base.units, values[lead + [c for c in values if c not in lead]]], axis=1)
    g_land = np.bincount(base.group_of, weights=base.land, minlength=len(LAYOUT_GROUPS))
    groups = _groups(base.group_of[base_idx[used]], f.revenue[used], g_land)
    if level == "zone":
        share = groups.set_index("group")
        table["group_enterprise_share"] = table["layout_group"].map(share["enterprise_share"])
        table["group_revenue_share"] = table["layout_group"].map(share["revenue_share"])
    coverage = {
        "level": level,
        "rows": len(enterprises),
        "rows_used": int(used.sum()),
        "rows_without_coordinates": int(no_xy.sum()),
        "rows_outside": int((~used & ~no_xy & ~coarse).sum()),
        "rows_city_precision": int(coarse.sum()),
        "sample_rows": int(f.sample[used].sum()),
        "revenue_known_rows": int(np.isfinite(f.revenue[used]).sum()),
        "radius_km": float(radius_km),
        "sites_used": None if sites is None else int(np.isfinite(point_lonlat(sites, "sites")[0])
                                                      .sum()),
    }
    return MetricsResult(table=table, coverage=coverage,
                         unassigned=_unassigned(enterprises, no_xy, ~used & ~no_xy & ~coarse,
                                                coarse, f.x, f.y),
                         groups=groups)


def rank(values: pd.Series) -> pd.Series:
    """Rank of each value, largest first (1 = top; ties share the best rank; NaN stays NaN).

    >>> rank(pd.Series([5.0, 9.0, float("nan"), 5.0])).tolist()
    [2.0, 1.0, nan, 2.0]
    """
    return pd.to_numeric(values, errors="coerce").rank(ascending=False, method="min")
