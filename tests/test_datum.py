"""Datum conversions: round trips, known offsets, and the shipped boundaries' datum."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from geo import datum
from geo.regions import METRIC_CRS

FIXTURE = Path(__file__).parent / "fixtures" / "border_vertices_gcj02.json"
lons = st.floats(109.0, 118.0)
lats = st.floats(20.0, 26.0)


@given(lons, lats)
def test_gcj02_round_trip_under_1mm(lon, lat):
    g = datum.wgs84_to_gcj02(lon, lat)
    back = datum.gcj02_to_wgs84(*g)
    assert abs(back[0] - lon) < 1e-8 and abs(back[1] - lat) < 1e-8


@given(lons, lats)
def test_bd09_round_trip_under_10cm(lon, lat):
    back = datum.bd09_to_wgs84(*datum.wgs84_to_bd09(lon, lat))
    assert abs(back[0] - lon) < 1e-6 and abs(back[1] - lat) < 1e-6


def test_known_offset_in_shenzhen():
    # GCJ-02 puts Shenzhen ~500 m east and ~340 m south of WGS-84
    lon, lat = datum.wgs84_to_gcj02(114.0, 22.5)
    assert 0.0045 < lon - 114.0 < 0.0055
    assert -0.0035 < lat - 22.5 < -0.0025


def test_outside_china_unchanged():
    lon, lat = datum.wgs84_to_gcj02(151.2, -33.9)
    assert (float(lon), float(lat)) == (151.2, -33.9)


def test_vectorised_and_shape_checked():
    lon = np.linspace(110, 117, 1000)
    lat = np.linspace(21, 25, 1000)
    out = datum.convert(lon, lat, "wgs84", "bd09")
    assert out[0].shape == (1000,)
    with pytest.raises(ValueError, match="shape"):
        datum.convert(lon, lat[:10], "wgs84", "gcj02")


def test_unknown_datum_named():
    with pytest.raises(ValueError, match="'utm'"):
        datum.convert(1, 2, "utm", "wgs84")
    assert datum.normalize_datum("BD-09") == "bd09"


def test_geometry_conversion():
    line = shapely.LineString([(113.5, 22.2), (114.1, 22.5)])
    g = datum.convert_geometry(line, "wgs84", "gcj02")
    w = datum.convert_geometry(g, "gcj02", "wgs84")
    assert shapely.equals_exact(w, line, tolerance=1e-8)


@pytest.mark.parametrize("adcode", ["440300", "440400"])
def test_shipped_land_borders_are_wgs84(regions, adcode):
    """Raw AMap vertices on the HK / Macau land borders, inverted, lie on our boundary;
    the raw ones lie ~500 m east-south-east of it."""
    raw = np.array(json.loads(FIXTURE.read_text())[adcode])
    inv = np.column_stack(datum.gcj02_to_wgs84(raw[:, 0], raw[:, 1]))
    boundary = regions.set_index("adcode").loc[[adcode]].to_crs(METRIC_CRS).boundary.iloc[0]

    def dists(xy):
        pts = gpd.GeoSeries(shapely.points(xy), crs=4326).to_crs(METRIC_CRS)
        return pts.distance(boundary).to_numpy()

    assert np.median(dists(inv)) < 60  # simplification tolerance ~120 m
    assert np.median(dists(raw)) > 250
    shift = raw - inv
    assert (shift[:, 0] > 0.004).all() and (shift[:, 1] < -0.002).all()
