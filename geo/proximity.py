"""Distances between firms and sites, on a metric projection (UTM 49N).

The one place lon/lat become metres: :mod:`geo.chain` measures its gaps and 配套半径 here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.regions import METRIC_CRS, point_lonlat

_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def metric_xy(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 lon/lat as metres east/north on :data:`geo.regions.METRIC_CRS` (UTM 49N)."""
    x, y = _TO_METRIC.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def distances_km(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> np.ndarray:
    """Distance in km from each (lon, lat) to (lon0, lat0), projected on UTM 49N.

    >>> round(float(distances_km(np.array([114.0]), np.array([22.6]), 114.0, 22.5)[0]), 1)
    11.1
    """
    for name, value in (("lon0", lon0), ("lat0", lat0)):
        if not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    x, y = metric_xy(lon, lat)
    x0, y0 = _TO_METRIC.transform(lon0, lat0)
    return np.hypot(x - x0, y - y0) / 1000.0


def within_radius(
    enterprises: pd.DataFrame, lon0: float, lat0: float, radius_km: float
) -> pd.DataFrame:
    """Firms within ``radius_km`` of a point, nearest first, with a ``distance_km`` column."""
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    d = distances_km(*point_lonlat(enterprises, "enterprises"), lon0, lat0)
    keep = d <= radius_km
    out = enterprises[keep].assign(distance_km=d[keep])
    return out.sort_values("distance_km", kind="stable")
