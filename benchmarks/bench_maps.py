"""Benchmark: build + serialise the map HTML (boundaries included) at 1k–100k firms.

Prints, for synthetic firms placed inside the city polygons (vectorised), the time to build
``base_map + enterprise_layer`` and render it to HTML, and the HTML size; the boundary
payload of the province view; and, for comparison, folium's naive ``MarkerCluster`` of
``Marker`` objects and ``FastMarkerCluster``.

Targets (issue 5): 10,000 firms < 0.5 s and < 3 MB; 100,000 < 2 s and < 8 MB; boundary
payload < 0.6 MB.

Usage: ``python benchmarks/bench_maps.py [--sizes 1000 10000 100000] [--repeat 3]
[--no-baseline]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster, MarkerCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import maps
from geo.layout import SEGMENTS, tier_codes
from geo.offline import render_html
from geo.regions import load_regions

#: Relative density of firms per km² (laser & AM firms crowd the Pearl River Delta).
CITY_DENSITY = {"440300": 60.0, "440100": 14.0, "441900": 20.0, "440600": 12.0,
                "442000": 8.0, "440400": 6.0, "441300": 3.0, "440700": 2.0, "441200": 1.0}
_STEM_CHARS = np.array(list("光电激精密智能华创新科达腾瑞锐讯微纳金宏远联盛泰恒通信航材增造"))
_SUFFIXES = np.array(["激光科技有限公司", "科技有限公司", "智能装备有限公司", "光电科技有限公司",
                      "股份有限公司", "技术有限公司", "设备有限公司", "增材制造有限公司"])
_SOURCES = np.array(["企业年报", "统计局名录", "行业协会名录", "招股说明书", ""])
_DISTRICTS = np.array(["宝安区", "南山区", "龙岗区", "黄埔区", "番禺区", "松山湖", "顺德区", ""])


def _points_in(rng: np.random.Generator, geom: shapely.Geometry, k: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """``k`` uniform points inside ``geom`` (vectorised rejection sampling)."""
    x0, y0, x1, y1 = geom.bounds
    shapely.prepare(geom)
    xs, ys, got = [], [], 0
    while got < k:
        m = max(64, (k - got) * 4)
        x, y = rng.uniform(x0, x1, m), rng.uniform(y0, y1, m)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        got += int(inside.sum())
    return np.concatenate(xs)[:k], np.concatenate(ys)[:k]


def synthetic_enterprises(regions: gpd.GeoDataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` firms with the canonical columns, placed inside the cities, PRD-heavy.

    Names are realistic in length (city + 2–4 characters + a legal-form ending, 10–17
    characters), which is what dominates the payload.
    """
    rng = np.random.default_rng(seed)
    density = regions["adcode"].map(CITY_DENSITY).fillna(0.3).to_numpy(dtype=float)
    weights = regions["area_km2"].to_numpy(dtype=float) * density
    per_city = rng.multinomial(n, weights / weights.sum())
    parts = [(*_points_in(rng, g, k), np.full(k, code, dtype=object))
             for g, code, k in zip(regions.geometry.values, regions["adcode"], per_city,
                                   strict=True) if k]
    lon, lat, city = (np.concatenate(p) for p in zip(*parts, strict=True))
    short = dict(zip(regions["adcode"], regions["name_zh"], strict=True))
    stems = ["".join(rng.choice(_STEM_CHARS, size=s)) for s in rng.integers(2, 5, n)]
    names = [short[c] + s + suf for c, s, suf in
             zip(city, stems, rng.choice(_SUFFIXES, n), strict=True)]
    revenue = np.exp(rng.normal(7.0, 1.8, n))  # 万元, log-normal: a few large firms
    revenue[rng.random(n) < 0.3] = np.nan
    year = pd.array(np.where(np.isnan(revenue), 0, rng.choice([2021, 2022, 2023], n)),
                    dtype="Int64")
    year[np.isnan(revenue)] = pd.NA
    frame = pd.DataFrame({
        "id": [f"S{i:06d}" for i in range(n)], "name_zh": names, "name_en": "",
        "city": [short[c] for c in city], "district": rng.choice(_DISTRICTS, n),
        "city_adcode": city, "district_adcode": "", "address": "", "lon": lon, "lat": lat,
        "coord_precision": "exact", "sector": rng.choice(["laser", "additive", "both"], n),
        "segment": rng.choice([*SEGMENTS, ""], n), "revenue_10k_cny": revenue,
        "revenue_year": year, "listed": "", "source": rng.choice(_SOURCES, n), "sample": True,
    })
    frame["tier"] = tier_codes(frame["revenue_10k_cny"])
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _timed(fn: Callable[[], str], repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        html = fn()
        times.append(time.perf_counter() - t0)
        size = len(html.encode("utf-8"))
    return statistics.median(times), size


def atlas_map(regions: gpd.GeoDataFrame, firms: pd.DataFrame, mode: str = "auto") -> str:
    m = maps.base_map(regions, title="广东激光与增材制造企业", data_date="2024-12")
    maps.enterprise_layer(firms, mode=mode).add_to(m)
    return render_html(m)


def naive_map(regions: gpd.GeoDataFrame, firms: pd.DataFrame) -> str:
    m = maps.base_map(regions)
    cluster = MarkerCluster().add_to(m)
    for lat, lon, name in zip(firms["lat"], firms["lon"], firms["name_zh"], strict=True):
        folium.Marker([lat, lon], tooltip=name).add_to(cluster)
    return render_html(m)


def fast_cluster_map(regions: gpd.GeoDataFrame, firms: pd.DataFrame) -> str:
    m = maps.base_map(regions)
    FastMarkerCluster(firms[["lat", "lon"]].to_numpy().tolist()).add_to(m)
    return render_html(m)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)

    regions = load_regions()
    render_html(maps.base_map(regions))  # warm imports and caches
    base = render_html(maps.base_map(regions, labels=False))
    boundary = base[base.index("L.atlas.areas("):]
    boundary = boundary[:boundary.index(".addTo(")]
    print(f"boundary payload (21 cities, province view): {len(boundary.encode()) / 1e6:.3f} MB; "
          f"base map HTML incl. furniture: {len(base.encode()) / 1e6:.3f} MB")
    t_base, _ = _timed(lambda: render_html(maps.base_map(regions)), args.repeat)
    print(f"base map build + render: {t_base:.3f} s\n")
    print(f"{'layer':<34}{'firms':>9}{'seconds':>10}{'MB':>8}")
    for n in args.sizes:
        firms = synthetic_enterprises(regions, n)
        for mode in ("auto", "heat"):
            sec, size = _timed(lambda f=firms, md=mode: atlas_map(regions, f, md), args.repeat)
            print(f"{'atlas canvas layer (' + mode + ')':<34}{n:>9,}{sec:>10.3f}{size / 1e6:>8.2f}")
        if not args.no_baseline:
            if n <= 10_000:
                sec, size = _timed(lambda f=firms: naive_map(regions, f), 1)
                print(f"{'folium MarkerCluster of Markers':<34}{n:>9,}{sec:>10.3f}"
                      f"{size / 1e6:>8.2f}")
            sec, size = _timed(lambda f=firms: fast_cluster_map(regions, f), 1)
            print(f"{'folium FastMarkerCluster':<34}{n:>9,}{sec:>10.3f}{size / 1e6:>8.2f}")
    print("\ntargets: 10,000 < 0.5 s & < 3 MB; 100,000 < 2 s & < 8 MB; boundaries < 0.6 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
