"""Time :func:`geo.figures.render_figure` on synthetic firms clustered like the real ones.

Run: ``.venv/bin/python benchmarks/bench_figures.py [--sizes 10000 100000] [--repeat 3]``.
Prints the best of ``--repeat`` runs (after one warm-up that loads the CJK font) for a
3,000 px 16:9 PNG of the province at city level with the firms and the bundled sites, plus
the Overview layout figure, the same at district level, a 4:3 PNG, SVG and PDF. Target
(issue 7): the 3,000 px PNG with 10,000 firms in under 3 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.figures import render_figure
from geo.layout import tier_codes
from geo.regions import district_areas, load_districts, load_regions

#: Share of firms per city in the synthetic data: the Pearl River Delta dominates, as in
#: the action plan (深圳 alone about a third); everything else shares the rest.
CITY_WEIGHT = {"440300": 30, "440100": 15, "441900": 14, "440600": 12, "441300": 6,
               "442000": 5, "440400": 4, "440700": 3}


def synthetic_firms(n: int, regions: gpd.GeoDataFrame, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` firms inside the cities (rejection sampling), weighted by :data:`CITY_WEIGHT`."""
    rng = np.random.default_rng(seed)
    weight = np.array([CITY_WEIGHT.get(a, 0.6) for a in regions["adcode"]], dtype=float)
    per_city = rng.multinomial(n, weight / weight.sum())
    xs, ys, codes = [], [], []
    for adcode, geom, k in zip(regions["adcode"], regions.geometry, per_city, strict=True):
        shapely.prepare(geom)
        minx, miny, maxx, maxy = geom.bounds
        got = 0
        while got < k:
            x = rng.uniform(minx, maxx, 4 * k + 16)
            y = rng.uniform(miny, maxy, 4 * k + 16)
            keep = shapely.contains_xy(geom, x, y)
            take = min(int(keep.sum()), k - got)
            xs.append(x[keep][:take])
            ys.append(y[keep][:take])
            got += take
        codes += [adcode] * k
    revenue = np.where(rng.random(n) < 0.15, np.nan, rng.lognormal(6.5, 2.0, n))
    frame = pd.DataFrame({"id": np.arange(n).astype(str), "city_adcode": codes,
                          "revenue_10k_cny": revenue})
    frame["tier"] = tier_codes(frame["revenue_10k_cny"])
    x, y = np.concatenate(xs), np.concatenate(ys)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def bundled_sites() -> gpd.GeoDataFrame | None:
    """The bundled parks & platforms, or ``None`` if geo.registry cannot load them."""
    try:
        from geo.registry import load_sites

        return load_sites()
    except Exception as exc:  # the benchmark still runs without sites
        print(f"(sites left out: {exc})")
        return None


def best_of(repeat: int, func: Callable[[], bytes]) -> tuple[float, int]:
    """Best wall time in seconds over ``repeat`` runs, and the output size in bytes."""
    times, size = [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        size = len(func())
        times.append(time.perf_counter() - t0)
    return min(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    regions = load_regions()
    districts = district_areas(load_districts(), regions)
    sites = bundled_sites()
    t0 = time.perf_counter()
    render_figure(regions, width_px=800)
    print(f"warm-up (CJK font lookup + first render, 800 px): {time.perf_counter() - t0:.2f} s")

    for n in args.sizes:
        firms = synthetic_firms(n, regions)
        counts = firms.groupby("city_adcode").size()
        by_district = pd.Series(np.random.default_rng(1).gamma(2, 10, len(districts)),
                                index=districts["adcode"])
        common = {"enterprises": firms, "sites": sites, "metric_label": "企业数", "unit": "家"}
        runs: dict[str, Callable[[], bytes]] = {
            "PNG 3000 px 16:9, city": lambda c=common, v=counts: render_figure(
                regions, values=v, **c),
            "PNG 3000 px 16:9, layout": lambda c=common: render_figure(
                regions, layout=True, **c),
            "PNG 3000 px 4:3, city": lambda c=common, v=counts: render_figure(
                regions, values=v, aspect="4:3", **c),
            "PNG 3000 px 16:9, district": lambda c=common, v=by_district: render_figure(
                districts, regions=regions, values=v, **c),
            "SVG, city": lambda c=common, v=counts: render_figure(
                regions, values=v, fmt="svg", **c),
            "PDF, city": lambda c=common, v=counts: render_figure(
                regions, values=v, fmt="pdf", **c),
        }
        print(f"\n{n:,} firms (best of {args.repeat})")
        for label, func in runs.items():
            seconds, size = best_of(args.repeat, func)
            print(f"  {label:<28} {seconds:6.2f} s  {size / 1e6:6.2f} MB")


if __name__ == "__main__":
    main()
