"""Input checks and datum handling shared by the map builders."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from geo.datum import convert, convert_geometry
from geo.layout import CITY_BY_ADCODE
from geo.maps.basemaps import basemap_datum
from geo.offline import localize


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


def area_names(frame: pd.DataFrame, lang: str, *, short: bool = False) -> list[str]:
    """Area names in ``lang`` (English falls back to Chinese, then to the adcode).

    ``short`` drops the trailing 市 of prefecture-level cities (labels).
    """
    zh = frame["name_zh"].fillna("").astype(str) if "name_zh" in frame else \
        pd.Series("", index=frame.index)
    en = frame["name_en"].fillna("").astype(str) if "name_en" in frame else \
        pd.Series("", index=frame.index)
    codes = frame["adcode"].astype(str) if "adcode" in frame else \
        pd.Series("", index=frame.index)
    out = []
    for z, e, code in zip(zh, en, codes, strict=True):
        name = (e or z) if lang == "en" else (z or e)
        if short and lang == "zh" and code in CITY_BY_ADCODE and name.endswith("市"):
            name = name[:-1]
        out.append(name or code)
    return out


def label_anchors(frame: gpd.GeoDataFrame) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Label anchor per area: the pole of inaccessibility of its largest part (WGS-84).

    Memoised by geometry content (WKB), like the polygon encodings.
    """
    points = [_anchor(w) for w in shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))]
    return np.asarray([p[0] for p in points]), np.asarray([p[1] for p in points])


@functools.lru_cache(maxsize=2048)
def _anchor(wkb: bytes) -> tuple[float, float]:
    from shapely.ops import polylabel

    parts = shapely.get_parts(shapely.from_wkb(wkb))
    big = max(parts, key=lambda p: p.area)
    tol = max(1e-4, (big.bounds[2] - big.bounds[0]) / 200)
    pt = polylabel(big, tolerance=tol)
    return float(pt.x), float(pt.y)


def feature_group(name: str, *, show: bool = True, control: bool = True
                  ) -> folium.FeatureGroup:
    """Return an empty overlay FeatureGroup (listed in the layer switcher as ``name``)."""
    return folium.FeatureGroup(name=name, show=show, control=control, overlay=True)


def finish(element: folium.Element, static_url: str | None) -> folium.Element:
    """Localize ``element``'s assets unless ``static_url`` is ``None``."""
    return localize(element, static_url) if static_url is not None else element
