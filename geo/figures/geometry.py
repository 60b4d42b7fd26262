"""Geometry for the figures: the equal-area projection, the 东沙群岛 split, point positions,
and polygons as matplotlib paths and merged outlines."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.path import Path
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.frames import require_columns
from geo.regions import DEFAULT_BOUNDS, DONGSHA_BOX, EQUAL_AREA_CRS, point_lonlat

_WGS84: Final = CRS.from_epsg(4326)
_PROJ: Final = CRS.from_user_input(EQUAL_AREA_CRS)
_TO_PROJ: Final = Transformer.from_crs(_WGS84, _PROJ, always_xy=True)
_FROM_PROJ: Final = Transformer.from_crs(_PROJ, _WGS84, always_xy=True)


def _to_wgs84(gdf: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    require_columns(gdf, [], what, kind=gpd.GeoDataFrame)
    if gdf.crs is None:
        raise ValueError(f"{what} has no CRS; set it (EPSG:4326 for lon/lat) before drawing")
    return gdf if CRS.from_user_input(gdf.crs) == _WGS84 else gdf.to_crs(_WGS84)


def _split_dongsha(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Split each geometry into its mainland part and its 东沙群岛 part (either may be empty)."""
    box = shapely.box(*DONGSHA_BOX)
    main, island = [], []
    for geom in geoms.to_numpy():
        parts = shapely.get_parts(geom)
        inside = shapely.within(parts, box)
        main.append(shapely.multipolygons(parts[~inside]) if (~inside).any() else None)
        island.append(shapely.multipolygons(parts[inside]) if inside.any() else None)
    return np.array(main, dtype=object), np.array(island, dtype=object)


def _project(geoms: np.ndarray) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=_WGS84).to_crs(_PROJ)


def _main_extent() -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _TO_PROJ.transform_bounds(*DEFAULT_BOUNDS, densify_pts=41)
    return x0, x1, y0, y1


def _points_xy(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected x, y of a point frame and the mask of usable rows.

    Positions come from :func:`geo.regions.point_lonlat` (``GeoSeries.get_coordinates``);
    the projection is one pyproj call on the arrays: ``GeoSeries.to_crs`` builds and copies
    geometries and took 25 times as long for 100,000 firms."""
    lon, lat = point_lonlat(frame, what)
    ok = np.isfinite(lon) & np.isfinite(lat)
    x, y = _TO_PROJ.transform(np.where(ok, lon, 0.0), np.where(ok, lat, 0.0))
    return np.asarray(x), np.asarray(y), ok


def _rings(geom: BaseGeometry | None) -> list[np.ndarray]:
    """Coordinate arrays of every ring (exteriors and holes) of a (multi)polygon."""
    if geom is None or geom.is_empty:
        return []
    rings = []
    for poly in shapely.get_parts(geom):
        rings.append(shapely.get_coordinates(poly.exterior))
        rings.extend(shapely.get_coordinates(hole) for hole in poly.interiors)
    return rings


def _geom_path(geom: BaseGeometry | None) -> Path:
    """One compound matplotlib path for a (multi)polygon, holes included."""
    rings = _rings(geom)
    if not rings:
        return Path(np.zeros((0, 2)))
    codes = []
    for ring in rings:
        c = np.full(len(ring), Path.LINETO, dtype=Path.code_type)
        c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
        codes.append(c)
    return Path(np.concatenate(rings), np.concatenate(codes))


def _edges(geoms: np.ndarray, groups: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Split polygon edges into the outer outline and the lines between different groups.

    The boundaries are a coverage (shared borders have identical vertices), so an edge is
    inner when it occurs twice; it separates two groups (zones) when its copies belong to
    different groups. Returns merged polylines ``(outline, between_groups)``.
    """
    segs, owner = [], []
    for geom, group in zip(geoms, groups, strict=True):
        for ring in _rings(geom):
            segs.append(np.hstack([ring[:-1], ring[1:]]))
            owner.append(np.full(len(ring) - 1, group, dtype=object))
    if not segs:
        return [], []
    seg, grp = np.vstack(segs), np.concatenate(owner)
    a, b = seg[:, :2], seg[:, 2:]
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = np.round(np.where(flip[:, None], np.hstack([b, a]), seg), 1)
    _, first, inv, count = np.unique(key, axis=0, return_index=True, return_inverse=True,
                                     return_counts=True)
    inv = inv.ravel()
    n_groups = pd.Series(grp).groupby(inv).nunique().to_numpy()
    outline = count[inv] == 1
    between = np.zeros(len(seg), dtype=bool)
    between[first[n_groups > 1]] = True
    return _merge(seg[outline]), _merge(seg[between])


def _merge(seg: np.ndarray) -> list[np.ndarray]:
    if not len(seg):
        return []
    lines = np.asarray(shapely.linestrings(seg.reshape(-1, 2, 2)))  # an array, never one line
    merged = shapely.line_merge(shapely.multilinestrings(lines))
    return [shapely.get_coordinates(p) for p in shapely.get_parts(merged)]
