"""The metrics table of every area at a level (:func:`compute`), with coverage and the rows
not used; ranking (:func:`rank`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import areas
from geo.frames import require_columns, require_wgs84
from geo.layout import (
    LAYOUT_GROUPS,
)
from geo.metrics.aggregate import _coupling, _firms, _groups, _ratio, _structure, _supply
from geo.metrics.base_areas import (
    CITIES_WITHOUT_DISTRICTS,
    COAST_TOLERANCE_DEG,
    _city_base,
    _district_base,
    assign,
)
from geo.metrics.catalogue import HEADLINE_COLUMNS
from geo.regions import point_lonlat

LEVELS: Final = ("city", "district", "zone", "province")


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


def areas_with_metrics(table: pd.DataFrame, geometries: gpd.GeoDataFrame,
                       cities: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Join a metrics ``table`` to its areas' ``geometries`` by ``adcode``, for a map.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`MetricsResult.table`, or any table with ``adcode``.
    geometries : geopandas.GeoDataFrame
        The areas' boundaries in WGS-84 with ``adcode`` (cities or county-level units).
    cities : sequence of str, optional
        City adcodes: keep only the rows whose ``city_adcode`` is among them (a district
        table drilled down to some cities). Empty keeps every row.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per area found in both (inner join), in the order of ``geometries``.
    """
    require_columns(table, ["adcode", *(["city_adcode"] if cities else [])], "metrics table")
    geoms = require_wgs84(require_columns(geometries, ["adcode"], "area geometries",
                                          kind=gpd.GeoDataFrame), "area geometries")
    if cities:
        table = table[table["city_adcode"].isin(list(cities))]
    name = geoms.geometry.name
    merged = geoms[["adcode", name]].merge(table, on="adcode", how="inner")
    return gpd.GeoDataFrame(merged, geometry=name, crs=geoms.crs)
