"""The areas firms are assigned to and their denominators: cities, county-level units, zones
and the province, each with its land area (official where known, else the polygon's), and
:func:`assign` (point in polygon, border tie-break, coast snapping)."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.frames import require_columns
from geo.layout import (
    LAYOUT_GROUPS,
    ZONES,
    layout_group,
)
from geo.regions import DONGSHA_BOX, EQUAL_AREA_CRS

#: 东莞 and 中山 have no county level: at district level each city is its own unit.
CITIES_WITHOUT_DISTRICTS: Final = ("441900", "442000")
PROVINCE: Final = {"adcode": "440000", "name_zh": "广东省", "name_en": "Guangdong"}
REQUIRED_AREA_COLUMNS: Final = ("adcode", "name_zh", "name_en", "zone", "land_area_km2")
_WGS84: Final = CRS.from_epsg(4326)
_PREPARE_LOCK: Final = threading.Lock()
#: Points this close (degrees, ~1 km) to an area but in none are snapped to the nearest: the
#: shipped polygons are simplified (~120 m), so a waterfront firm can sit just "at sea".
#: Same tolerance as geo.registry's coast rule.
COAST_TOLERANCE_DEG: Final = 0.01


def _check_areas(gdf: gpd.GeoDataFrame, what: str, columns: Sequence[str]) -> None:
    require_columns(gdf, columns, what, kind=gpd.GeoDataFrame)
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; expected EPSG:4326")


def _wgs84_geoms(gdf: gpd.GeoDataFrame) -> np.ndarray:
    geoms = gdf.geometry
    if not CRS(geoms.crs).equals(_WGS84):
        geoms = geoms.to_crs(_WGS84)
    return geoms.to_numpy()


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
    """Subtract the parts in :data:`DONGSHA_BOX` (东沙群岛, inside 汕尾 in the source data) from
    ``area_km2``, as scripts/build_regions.py does for the cities' ``land_area_km2``."""
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
    # sorted by longitude once: each polygon looks only at the points within its bounds'
    # longitudes (a binary search), not at every point left
    todo = todo[np.argsort(x[todo])]
    xs, ys = x[todo], y[todo]
    for i in order:
        minx, miny, maxx, maxy = bounds[i]
        lo, hi = np.searchsorted(xs, minx, "left"), np.searchsorted(xs, maxx, "right")
        cand = todo[lo:hi][(ys[lo:hi] >= miny) & (ys[lo:hi] <= maxy)]
        cand = cand[out[cand] < 0]
        if len(cand):
            out[cand[shapely.intersects_xy(polygons[i], x[cand], y[cand])]] = i
    todo = todo[out[todo] < 0]
    if tolerance > 0 and len(todo):
        near, poly = shapely.STRtree(polygons).query_nearest(
            shapely.points(x[todo], y[todo]), max_distance=tolerance, all_matches=False)
        out[todo[near]] = poly
    return out
