"""Input checks and datum handling shared by the map builders."""

from __future__ import annotations

from collections.abc import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo.datum import convert, convert_geometry
from geo.frames import require_columns, require_wgs84
from geo.maps.basemaps import basemap_datum
from geo.offline import E, localize


def check_frame(frame: object, columns: Iterable[str], what: str) -> gpd.GeoDataFrame:
    """Check ``frame`` is a WGS-84 GeoDataFrame holding ``columns``; return it."""
    return require_wgs84(require_columns(frame, columns, what, kind=gpd.GeoDataFrame), what)


def check_table(frame: object, columns: Iterable[str], what: str) -> pd.DataFrame:
    """Check ``frame`` is a DataFrame holding ``columns`` (a GeoDataFrame must be WGS-84)."""
    table = require_columns(frame, columns, what)
    if isinstance(table, gpd.GeoDataFrame) and table.crs is not None:
        require_wgs84(table, what)
    return table


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
