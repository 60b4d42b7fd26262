"""geo.proximity: the one place lon/lat become metres (firm search, chain gaps, 配套半径)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.proximity import distances_km, metric_xy, within_radius


def test_one_degree_of_latitude_is_about_111_km() -> None:
    d = distances_km(np.array([114.0, 114.0]), np.array([22.5, 23.5]), 114.0, 22.5)
    assert d[0] == pytest.approx(0.0, abs=1e-9)
    assert d[1] == pytest.approx(110.8, abs=0.5)  # UTM 49N scale near its central meridian
    x, y = metric_xy(np.array([114.0, 114.0]), np.array([22.5, 23.5]))
    assert np.hypot(x[1] - x[0], y[1] - y[0]) / 1000 == pytest.approx(d[1])
    with pytest.raises(ValueError, match="lon0 must be a finite number"):
        distances_km(np.array([114.0]), np.array([22.5]), float("nan"), 22.5)


def test_within_radius_nearest_first_from_points_or_columns() -> None:
    lon = np.array([114.30, 114.00, 114.05, np.nan])
    lat = np.array([22.50, 22.50, 22.50, 22.50])
    table = pd.DataFrame({"id": ["far", "here", "near", "nowhere"], "lon": lon, "lat": lat})
    near = within_radius(table, 114.0, 22.5, 10.0)
    assert near["id"].tolist() == ["here", "near"]
    assert near["distance_km"].iloc[1] == pytest.approx(5.14, abs=0.05)
    # a GeoDataFrame is read from its points, like metrics and the map (geo.regions.point_lonlat)
    points = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                              geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    assert within_radius(points, 114.0, 22.5, 10.0)["id"].tolist() == ["here", "near"]
    with pytest.raises(ValueError, match="radius_km must be positive"):
        within_radius(table, 114.0, 22.5, 0)
