"""Input checks and datum handling shared by the map builders."""

from __future__ import annotations

from collections.abc import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo.datum import convert, convert_geometry
from geo.maps.basemaps import basemap_datum
from geo.offline import E, localize


def check_frame(frame: object, columns: Iterable[str], what: str) -> gpd.GeoDataFrame:
    """Check ``frame`` is a WGS-84 GeoDataFrame holding ``columns``; return it."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(f"{what} must be a GeoDataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError(f"{what} must be in WGS-84 (EPSG:4326), got CRS {frame.crs}")
    return frame


def check_table(frame: object, columns: Iterable[str], what: str) -> pd.DataFrame:
    """Check ``frame`` is a DataFrame holding ``columns`` (a GeoDataFrame must be WGS-84)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks columns {missing}")
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None \
            and frame.crs.to_epsg() != 4326:
        raise ValueError(f"{what} must be in WGS-84 (EPSG:4326), got CRS {frame.crs}")
    return frame


def display_geoms(frame: gpd.GeoDataFrame, basemap: str) -> NDArray[np.object_]:
    """Return the geometries in the datum of ``basemap`` (GCJ-02 for AMap)."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    datum = basemap_datum(basemap)
    return geoms if datum == "wgs84" else convert_geometry(geoms, "wgs84", datum)


def display_xy(lon: object, lat: object, basemap: str) -> tuple[NDArray[np.float64],
                                                               NDArray[np.float64]]:
    """Return ``lon``/``lat`` arrays in the datum of ``basemap``."""
    return convert(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float),
                   "wgs84", basemap_datum(basemap))


def feature_group(name: str, *, show: bool = True, control: bool = True
                  ) -> folium.FeatureGroup:
    """Return an empty overlay FeatureGroup (listed in the layer switcher as ``name``)."""
    return folium.FeatureGroup(name=name, show=show, control=control, overlay=True)


def finish(element: E, static_url: str | None) -> E:
    """Localize ``element``'s assets unless ``static_url`` is ``None``."""
    return localize(element, static_url) if static_url is not None else element
