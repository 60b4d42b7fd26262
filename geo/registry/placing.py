"""Placing each row: stated city/district, coordinates in the caller's datum, the two
reconciled, a fallback to the area's interior point, and every problem on the way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.datum import convert
from geo.registry.checks import _check_vocab, _not_a_number, _numbers, _Rows, _text
from geo.registry.places import _geography, _interior_points, locate, resolve_city, resolve_district
from geo.registry.schema import _BORDER_TOLERANCE_DEG, _PRECISIONS, NO_DISTRICT_CITIES
from geo.text import Msg, msg


@dataclass
class _Place:
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    city: NDArray[np.object_]
    district: NDArray[np.object_]
    precision: NDArray[np.object_]


@dataclass
class _Areas:
    """Stated city/district as adcodes ("" blank or unknown) and the unknown-name masks."""

    city: NDArray[np.object_]
    district: NDArray[np.object_]
    bad_city: NDArray[np.bool_]
    bad_district: NDArray[np.bool_]


def _district_of(city: str, name: str) -> str:
    """District adcode for a district name in a city (adcode, "" if none; "" if unknown)."""
    if not name:
        return ""
    if city in NO_DISTRICT_CITIES:
        return city  # 东莞/中山: towns are not mapped, the city is its own district
    return resolve_district(name, city or None) or ""


def _resolve_areas(rows: _Rows) -> _Areas:
    # each distinct (city, district) pair is resolved once: registries repeat a few hundred
    city_codes, city_names = pd.factorize(_text(rows, "city"))
    dist_codes, dist_names = pd.factorize(_text(rows, "district"))
    width = max(len(dist_names), 1)
    pair_codes, pairs = pd.factorize(city_codes.astype(np.int64) * width + dist_codes)
    stated = [resolve_city(v) or "" if v else "" for v in city_names]
    city, dist = np.empty(len(pairs), dtype=object), np.empty(len(pairs), dtype=object)
    bad_city, bad_dist = np.zeros(len(pairs), dtype=bool), np.zeros(len(pairs), dtype=bool)
    for k, pair in enumerate(pairs.tolist()):
        c, d = divmod(pair, width)
        name = str(dist_names[d])
        dist[k] = _district_of(stated[c], name)
        bad_city[k] = bool(city_names[c]) and not stated[c]
        bad_dist[k] = bool(name) and not dist[k] and not bad_city[k]
        # a district alone names its city when the name is unique in Guangdong
        city[k] = stated[c] or (dist[k][:4] + "00" if dist[k] else "")
    return _Areas(city[pair_codes], dist[pair_codes], bad_city[pair_codes],
                  bad_dist[pair_codes])


@dataclass
class _Coords:
    """Coordinates as read (NaN unusable) and why they are unusable."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    bad_lon: NDArray[np.bool_]
    bad_lat: NDArray[np.bool_]
    half: NDArray[np.bool_]


def _parse_coordinates(rows: _Rows) -> _Coords:
    n = len(rows.rownum)
    if "lon" not in rows.cols or "lat" not in rows.cols:
        no = np.zeros(n, dtype=bool)
        return _Coords(np.full(n, np.nan), np.full(n, np.nan), no, no.copy(), no.copy())
    lon, bad_lon = _numbers(rows, "lon")
    lat, bad_lat = _numbers(rows, "lat")
    half = (np.isfinite(lon) != np.isfinite(lat)) & ~bad_lon & ~bad_lat
    both = np.isfinite(lon) & np.isfinite(lat)
    return _Coords(np.where(both, lon, np.nan), np.where(both, lat, np.nan),
                   bad_lon, bad_lat, half)


@dataclass
class _Points:
    """WGS-84 points located in Guangdong (NaN where not), and what happened on the way."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    city: NDArray[np.object_]
    district: NDArray[np.object_]
    swapped: NDArray[np.bool_]
    outside: NDArray[np.bool_]


def _place_points(coords: _Coords, datum: str) -> _Points:
    """Convert to WGS-84 and locate; try swapped lon/lat for points outside Guangdong."""
    lon, lat = coords.lon, coords.lat
    n = len(lon)
    city, dist = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    wlon, wlat = np.full(n, np.nan), np.full(n, np.nan)
    swapped = np.zeros(n, dtype=bool)
    has = np.flatnonzero(np.isfinite(lon))
    first = has[(np.abs(lon[has]) <= 180) & (np.abs(lat[has]) <= 90)]
    if first.size:
        wlon[first], wlat[first] = convert(lon[first], lat[first], datum, "wgs84")
        city[first], dist[first] = locate(wlon[first], wlat[first])
    retry = has[city[has] == ""]
    retry = retry[(np.abs(lat[retry]) <= 180) & (np.abs(lon[retry]) <= 90)]
    if retry.size:
        slon, slat = convert(lat[retry], lon[retry], datum, "wgs84")
        scity, sdist = locate(slon, slat)
        hit = scity != ""
        idx = retry[hit]
        wlon[idx], wlat[idx], city[idx], dist[idx] = slon[hit], slat[hit], scity[hit], sdist[hit]
        swapped[idx] = True
    outside = np.zeros(n, dtype=bool)
    outside[has] = city[has] == ""
    wlon[outside], wlat[outside] = np.nan, np.nan
    return _Points(wlon, wlat, city, dist, swapped, outside)


def _near(lon: NDArray[np.float64], lat: NDArray[np.float64],
          adcodes: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Whether each point lies within ~200 m of the area ``adcodes`` names."""
    geo = _geography()
    geoms = np.array([geo.geom[a] for a in adcodes], dtype=object)
    return shapely.distance(shapely.points(lon, lat), geoms) <= _BORDER_TOLERANCE_DEG


def _reconcile(rows: _Rows, place: _Place, areas: _Areas, located: NDArray[np.bool_]) -> None:
    """Rows with coordinates: the location wins over the stated city/district, but a
    disagreement is reported unless the point is within ~200 m of the stated area (there
    the simplified border is the likely culprit and the stated area is kept)."""
    geo = _geography()
    no_dist = np.isin(areas.city, list(NO_DISTRICT_CITIES))
    differ = located & (areas.city != "") & (place.city != areas.city)
    idx = np.flatnonzero(differ)
    if idx.size:
        near = idx[_near(place.lon[idx], place.lat[idx], areas.city[idx])]
        place.city[near] = areas.city[near]
        place.district[near] = np.where(no_dist[near], areas.city[near], areas.district[near])
        differ[near] = False
    found = place.city.copy()
    rows.report(differ, "city", lambda i: msg(
        "city_mismatch", stated=geo.names[areas.city[i]], lon=place.lon[i], lat=place.lat[i],
        found=geo.names[found[i]]))
    differ = (located & (areas.district != "") & (place.city == areas.city) & ~no_dist
              & (place.district != areas.district))
    idx = np.flatnonzero(differ)
    if idx.size:
        near = idx[_near(place.lon[idx], place.lat[idx], areas.district[idx])]
        place.district[near] = areas.district[near]
        differ[near] = False
    rows.report(differ, "district", lambda i: msg(
        "district_mismatch", stated=geo.names[areas.district[i]],
        found=geo.names.get(place.district[i], msg("no_district"))))


def _fallback(place: _Place, areas: _Areas, todo: NDArray[np.bool_]) -> NDArray[np.object_]:
    """Place rows without coordinates at their district's or city's interior point."""
    level = np.full(len(todo), "", dtype=object)
    own = np.isin(areas.city, list(NO_DISTRICT_CITIES))
    by_dist = todo & (areas.district != "") & ~own
    by_city = todo & ~by_dist & (areas.city != "")
    for mask, codes, name in ((by_dist, areas.district, "district"),
                              (by_city, areas.city, "city")):
        idx = np.flatnonzero(mask)
        if idx.size:
            point = _interior_points(codes[idx])
            xy = np.array([point[c] for c in codes[idx]], dtype=float)
            place.lon[idx], place.lat[idx] = xy[:, 0], xy[:, 1]
            place.precision[idx] = name
            level[idx] = name
    placed = by_dist | by_city
    place.city[placed] = areas.city[placed]
    place.district[by_dist] = areas.district[by_dist]
    place.district[by_city] = np.where(own[by_city], areas.city[by_city], "")
    return level


def _locate_rows(rows: _Rows, datum: str) -> _Place:
    areas = _resolve_areas(rows)
    coords = _parse_coordinates(rows)
    pts = _place_points(coords, datum)
    located = np.isfinite(pts.lon)
    precision = _check_vocab(rows, "coord_precision", _PRECISIONS,
                             msg("allowed_precision")).to_numpy(dtype=object)
    precision = np.where(located & (precision == ""), "exact", precision)
    place = _Place(pts.lon, pts.lat, pts.city, pts.district, precision)
    _reconcile(rows, place, areas, located)
    place.district[located & (precision == "city")] = ""  # a city-level point: district unknown
    fallback = _fallback(place, areas, ~located)
    rows.keep &= located | (fallback != "")
    given = (_text(rows, "lon") != "").to_numpy() | (_text(rows, "lat") != "").to_numpy()
    rows.coords_ignored = int((rows.keep & given & (fallback != "")).sum())
    _report_location(rows, coords, pts, areas, fallback, datum)
    return place


def _report_location(rows: _Rows, coords: _Coords, pts: _Points, areas: _Areas,
                     fallback: NDArray[np.object_], datum: str) -> None:
    geo = _geography()
    located = np.isfinite(pts.lon) & (fallback == "")
    lon_raw, lat_raw = _text(rows, "lon"), _text(rows, "lat")

    def then(i: int) -> Msg:
        if located[i]:
            return msg("then_used")
        if fallback[i]:
            return msg(f"then_{fallback[i]}")
        return msg("then_dropped")

    for col, bad, raw in (("lon", coords.bad_lon, lon_raw), ("lat", coords.bad_lat, lat_raw)):
        def not_degrees(i: int, r: pd.Series = raw) -> Msg:
            return _not_a_number(str(r.iat[i]), msg("expect_degrees"), then(i))

        rows.report(bad, col, not_degrees)
    blank_lat = coords.half & (lat_raw == "").to_numpy()
    rows.report(blank_lat, "lat", lambda i: msg("lat_missing", then=then(i)))
    rows.report(coords.half & ~blank_lat, "lon", lambda i: msg("lon_missing", then=then(i)))
    rows.report(pts.swapped, "lon", lambda i: msg(
        "swapped", lon=lon_raw.iat[i], lat=lat_raw.iat[i], city=geo.names[pts.city[i]]))
    rows.report(pts.outside, "lon", lambda i: msg(
        "outside", lon=lon_raw.iat[i], lat=lat_raw.iat[i], datum=datum, then=then(i),
        negative=msg("negative_suffix") if coords.lon[i] < 0 or coords.lat[i] < 0 else ""))
    city_raw, dist_raw = _text(rows, "city"), _text(rows, "district")
    rows.report(areas.bad_city, "city", lambda i: msg("unknown_city", raw=city_raw.iat[i],
                                                      then=then(i)))

    def unknown_district(i: int) -> Msg:
        elsewhere = resolve_district(str(dist_raw.iat[i]), None)
        scope = msg("district_scope", city=geo.names[areas.city[i]]) if areas.city[i] else ""
        hint = (msg("district_elsewhere", city=geo.names[elsewhere[:4] + '00']) if elsewhere
                else "")
        return msg("unknown_district", raw=dist_raw.iat[i], scope=scope, hint=hint,
                   then=then(i))

    rows.report(areas.bad_district, "district", unknown_district)
    explained = (coords.bad_lon | coords.bad_lat | coords.half | pts.outside
                 | areas.bad_city | areas.bad_district)
    nothing = ~np.isfinite(pts.lon) & (fallback == "") & ~explained
    rows.report(nothing, "city", msg("no_location"))
