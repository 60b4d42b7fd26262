"""Time :func:`geo.metrics.compute` on synthetic firms spread over Guangdong.

Run: ``.venv/bin/python benchmarks/bench_metrics.py [--sizes 10000 100000 1000000]``.
Prints the best of ``--repeat`` runs per size: city metrics without sites (the spatial
assignment plus aggregation), with sites (adds the nearest-platform distances), the zone
and district levels, and ``geopandas.sjoin`` alone for comparison. Targets (issue 4): city
metrics for 1,000,000 firms < 3 s, for 10,000 < 0.2 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.layout import SECTORS, SEGMENTS
from geo.metrics import compute
from geo.regions import DEFAULT_BOUNDS, load_districts, load_regions


def synthetic_firms(n: int, regions: gpd.GeoDataFrame, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` canonical-looking firms, uniform inside the province (rejection sampling)."""
    rng = np.random.default_rng(seed)
    land = shapely.union_all(regions.geometry.to_numpy())
    shapely.prepare(land)
    minx, miny, maxx, maxy = DEFAULT_BOUNDS
    xs, ys, have = [], [], 0
    while have < n:
        x = rng.uniform(minx, maxx, 3 * n)
        y = rng.uniform(miny, maxy, 3 * n)
        keep = shapely.contains_xy(land, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        have += int(keep.sum())
    x = np.concatenate(xs)[:n]
    y = np.concatenate(ys)[:n]
    revenue = np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(7, 2, n))
    return gpd.GeoDataFrame(
        {
            "id": pd.Series(np.arange(n)).astype(str),
            "revenue_10k_cny": revenue,
            "segment": rng.choice([*SEGMENTS, ""], n),
            "sector": rng.choice([*SECTORS, ""], n),
            "listed": np.where(rng.random(n) < 0.01, "300001", ""),
            "sample": True,
        },
        geometry=gpd.points_from_xy(x, y),
        crs="EPSG:4326",
    )


def bundled_or_synthetic_sites(seed: int = 1) -> tuple[gpd.GeoDataFrame, str]:
    """The bundled parks & platforms if geo.registry can load them, else 12 synthetic ones."""
    try:
        from geo.registry import load_sites

        sites = load_sites()
        return sites, f"bundled sites ({len(sites)})"
    except Exception as exc:  # any failure falls back, and is printed
        rng = np.random.default_rng(seed)
        sites = gpd.GeoDataFrame(
            {"kind": ["platform", "facility", "park"] * 4},
            geometry=gpd.points_from_xy(rng.uniform(112.5, 114.5, 12),
                                        rng.uniform(22.2, 23.6, 12)),
            crs="EPSG:4326",
        )
        return sites, f"12 synthetic sites (bundled unavailable: {type(exc).__name__})"


def best_of(func: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> None:
    """Print the timings table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    regions, districts = load_regions(), load_districts()
    sites, sites_note = bundled_or_synthetic_sites()
    print(f"sites: {sites_note}; best of {args.repeat} runs; seconds")
    head = ("firms", "city", "city+sites", "zone", "district", "sjoin only")
    print("".join(f"{h:>12}" for h in head))
    for n in args.sizes:
        firms = synthetic_firms(n, regions)
        compute(firms.iloc[:100], regions)  # warm-up: prepared polygons, imports
        row = [
            best_of(lambda f=firms: compute(f, regions), args.repeat),
            best_of(lambda f=firms: compute(f, regions, sites=sites), args.repeat),
            best_of(lambda f=firms: compute(f, regions, level="zone"), args.repeat),
            best_of(lambda f=firms: compute(f, regions, districts=districts,
                                            level="district"), args.repeat),
            best_of(lambda f=firms: gpd.sjoin(f[["geometry"]], regions[["adcode", "geometry"]],
                                              predicate="within"), args.repeat),
        ]
        print(f"{n:>12,}" + "".join(f"{t:>12.3f}" for t in row))


if __name__ == "__main__":
    main()
