"""Places of Guangdong for the registry: which city and district a point lies in, and
which one a written name means (深圳 / 深圳市 / Shenzhen / 440300; 宝安区新桥街道 → 宝安).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from geo.layout import CITIES
from geo.regions import load_districts, load_regions
from geo.registry.schema import COAST_TOLERANCE_DEG, NO_DISTRICT_CITIES, _key

# Renamed or merged county-level units and functional areas, per city (GB/T 2260 history):
# 萝岗区 merged into 黄埔区 (2014); 大鹏新区 is administered inside 龙岗区; 横琴 is in 香洲区.
_DISTRICT_EXTRA: Final[dict[tuple[str, str], str]] = {
    ("440100", "萝岗"): "440112",
    ("440300", "大鹏"): "440307",
    ("440400", "横琴"): "440402",
}

@dataclass(frozen=True)
class _Layer:
    """Prepared polygons with their bounds and codes, for fast point-in-polygon."""

    codes: NDArray[np.object_]
    geoms: NDArray[np.object_]
    bounds: NDArray[np.float64]

    @classmethod
    def of(cls, gdf: gpd.GeoDataFrame) -> _Layer:
        geoms = gdf.geometry.to_numpy().copy()
        shapely.prepare(geoms)
        return cls(gdf.adcode.to_numpy(dtype=object), geoms, shapely.bounds(geoms))


@dataclass(frozen=True)
class _Geography:
    districts: _Layer
    cities: _Layer
    district_city: dict[str, str]
    geom: dict[str, shapely.Geometry]
    names: dict[str, str]
    city_names: dict[str, str]
    district_names: dict[tuple[str, str], str]
    district_anywhere: dict[str, str]


def _city_keys(adcode: str, name_zh: str, name_en: str) -> list[str]:
    base = name_zh.removesuffix("市")
    en = name_en.lower()
    return [adcode, name_zh, base, en, f"{en} city", f"{en}shi", f"广东省{name_zh}",
            f"广东省{base}", f"广东{base}"]


def _district_keys(name: str) -> list[str]:
    keys = [name]
    base = re.sub(r"((壮族|瑶族|畲族)+自治县|新区|区|县|市)$", "", name)
    if len(base) >= 2:
        keys.append(base)
    return keys


@lru_cache(maxsize=1)
def _geography() -> _Geography:
    regions, districts = load_regions(), load_districts()
    geom = dict(zip(regions.adcode, regions.geometry, strict=True))
    geom.update(zip(districts.adcode, districts.geometry, strict=True))
    names = {c.adcode: c.name_zh for c in CITIES}
    names.update(zip(districts.adcode, districts.name_zh, strict=True))
    city_names = {
        _key(k): c.adcode for c in CITIES for k in _city_keys(c.adcode, c.name_zh, c.name_en)
    }
    within: dict[tuple[str, str], set[str]] = {}
    anywhere: dict[str, set[str]] = {}
    for adcode, name, city in zip(districts.adcode, districts.name_zh, districts.city_adcode,
                                  strict=True):
        for key in [adcode, *_district_keys(_key(name))]:
            within.setdefault((city, key), set()).add(adcode)
            anywhere.setdefault(key, set()).add(adcode)
    # a short name only counts where it is unambiguous (in its city, or in the province)
    district_names = {k: next(iter(v)) for k, v in within.items() if len(v) == 1}
    district_names.update(_DISTRICT_EXTRA)
    return _Geography(
        districts=_Layer.of(districts), cities=_Layer.of(regions),
        district_city=dict(zip(districts.adcode, districts.city_adcode, strict=True)),
        geom=geom, names=names, city_names=city_names,
        district_names=district_names,
        district_anywhere={k: next(iter(v)) for k, v in anywhere.items() if len(v) == 1},
    )


def _interior_points(adcodes: Sequence[str] | NDArray[np.object_]
                     ) -> dict[str, tuple[float, float]]:
    """Interior point of each city or district named (their label anchors, the same as the
    maps'); computed on first use only: finding them is slower than reading a registry."""
    from geo.symbology import label_anchors  # as geo.regions.label_points does

    geo = _geography()
    wanted = sorted(set(adcodes))
    lon, lat = label_anchors([geo.geom[a] for a in wanted])
    return {a: (float(x), float(y)) for a, x, y in zip(wanted, lon, lat, strict=True)}


def _assign(x: NDArray[np.float64], y: NDArray[np.float64], layer: _Layer,
            tolerance: float = 0.0) -> NDArray[np.intp]:
    """Index (into ``layer.codes``) of the polygon holding each point; with ``tolerance``,
    of the nearest polygon within that distance (degrees) for points in none (-1 if none).

    Points are sorted by longitude once, so each polygon looks only at the points within
    its bounds' longitudes (a binary search), not at every point.
    """
    out = np.full(len(x), -1, dtype=np.intp)
    order = np.argsort(x)
    xs, ys = x[order], y[order]
    for k, (geom, (x0, y0, x1, y1)) in enumerate(zip(layer.geoms, layer.bounds,
                                                     strict=True)):
        lo, hi = np.searchsorted(xs, x0, "left"), np.searchsorted(xs, x1, "right")
        cand = order[lo:hi][(ys[lo:hi] >= y0) & (ys[lo:hi] <= y1)]
        cand = cand[out[cand] < 0]
        if cand.size:
            out[cand[shapely.contains_xy(geom, x[cand], y[cand])]] = k
    missing = np.flatnonzero(out < 0)
    if not missing.size or tolerance <= 0:
        return out
    best = np.full(missing.size, np.inf)
    mx, my = x[missing], y[missing]
    points = np.asarray(shapely.points(mx, my))  # an array (the stub also allows a Point)
    for k, (geom, (x0, y0, x1, y1)) in enumerate(zip(layer.geoms, layer.bounds,
                                                     strict=True)):
        cand = np.flatnonzero((mx >= x0 - tolerance) & (mx <= x1 + tolerance)
                              & (my >= y0 - tolerance) & (my <= y1 + tolerance))
        if not cand.size:
            continue
        cand = cand[shapely.dwithin(geom, points[cand], tolerance)]
        if cand.size:
            dist = shapely.distance(geom, points[cand])
            closer = dist < best[cand]
            best[cand[closer]] = dist[closer]
            out[missing[cand[closer]]] = k
    return out


def locate(lon: NDArray[np.float64], lat: NDArray[np.float64]
           ) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
    """Return (city_adcode, district_adcode) of WGS-84 points; "" where outside Guangdong.

    Points within ~1 km (:data:`COAST_TOLERANCE_DEG`) of the simplified boundary count as
    inside. 东莞 and 中山 have no districts: their points get the city's adcode as district.
    """
    geo = _geography()
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    # adcodes as indices into these arrays until the end; the last item is "" (none)
    cities = np.append(geo.cities.codes, "")
    districts = np.append(geo.districts.codes, "")
    city_of = {c: k for k, c in enumerate(geo.cities.codes)}
    # district index -> its city's index (-1 at the end, for "no district")
    district_city = np.array([city_of.get(geo.district_city[d], -1)
                              for d in geo.districts.codes] + [-1], dtype=np.intp)
    own_city = np.isin(cities, list(NO_DISTRICT_CITIES))
    dist = _assign(x, y, geo.districts)
    city = district_city[dist]
    rest = np.flatnonzero(dist < 0)
    if rest.size:
        city[rest] = _assign(x[rest], y[rest], geo.cities, COAST_TOLERANCE_DEG)
        own = rest[own_city[city[rest]]]
        near = rest[(city[rest] >= 0) & ~own_city[city[rest]]]
        if near.size:  # gaps between simplified district polygons, or just offshore
            found = _assign(x[near], y[near], geo.districts, 0.05)
            dist[near] = np.where(district_city[found] == city[near], found, -1)
        out_dist = districts[dist]
        out_dist[own] = cities[city[own]]
        return cities[city], out_dist
    return cities[city], districts[dist]


def interior_point(adcode: str) -> tuple[float, float]:
    """A point inside a city's or district's largest part (where area-only rows go)."""
    try:
        return _interior_points([adcode])[adcode]
    except KeyError:
        raise ValueError(f"unknown city or district adcode {adcode!r}") from None


def resolve_city(name: str) -> str | None:
    """Return the city adcode for 深圳 / 深圳市 / Shenzhen / 440300 (``None`` if unknown)."""
    geo = _geography()
    key = _key(name) if name else ""
    if key in geo.city_names:
        return geo.city_names[key]
    for city_key, adcode in geo.city_names.items():  # "深圳市宝安区" → 深圳
        if len(city_key) >= 2 and not city_key.isascii() and key.startswith(city_key):
            return adcode
    return None


def resolve_district(name: str, city_adcode: str | None) -> str | None:
    """Return a district adcode; with no city, only names unique in Guangdong resolve."""
    geo = _geography()
    key = _key(name) if name else ""
    if not key:
        return None
    candidates = _district_keys(key)
    for cand in candidates:
        if city_adcode is None:
            if cand in geo.district_anywhere:
                return geo.district_anywhere[cand]
        elif (city_adcode, cand) in geo.district_names:
            return geo.district_names[(city_adcode, cand)]
    # "宝安区新桥街道": a known district name followed by a town or street
    names = geo.district_anywhere if city_adcode is None else {
        k: v for (c, k), v in geo.district_names.items() if c == city_adcode}
    for dkey, adcode in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if len(dkey) >= 2 and not dkey.isdigit() and key.startswith(dkey):
            return adcode
    return None
