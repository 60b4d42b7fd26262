"""Time the chain measures (geo.chain) against the straightforward pandas/geopandas way.

Run: ``/work/venv/bin/python benchmarks/bench_chain.py [--sizes 10000 100000] [--repeat 3]``.

For each size, synthetic tagged firms are clustered around the 21 cities (1–2 products each,
equipment and lasers most common). Timed, best of ``--repeat``:

- ``geo.chain``: :func:`geo.chain.chain_health` (city × part matrix, producers, statuses) +
  :func:`geo.chain.supply_distance` (配套半径, 50 km), in-process;
- naive: ``Series.str.get_dummies`` + ``groupby().sum()`` for the matrix, and per key
  component a ``geopandas.sjoin_nearest`` (UTM 49N, ``max_distance`` 50 km) of the makers
  needing it onto its producers, then ``groupby`` per city.

Both give the same numbers (checked on every run). Target (issue 19): matrix and supply
distance for 100,000 tagged firms under 1 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import chain
from geo.layout import CITIES
from geo.regions import METRIC_CRS, label_points, load_regions

#: relative weight of each part among the synthetic firms' products
WEIGHTS = {code: (6.0 if p.segment == "equipment" else 2.0 if p.segment == "components"
                  else 1.0) for code, p in chain.PARTS.items()}


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` tagged firms clustered around the cities' label points."""
    rng = np.random.default_rng(seed)
    regions = load_regions()
    anchors = label_points(regions).set_index(regions["adcode"])
    weights = np.array([40 if c.zone == "core" else 3 for c in CITIES], dtype=float)
    city = rng.choice([c.adcode for c in CITIES], n, p=weights / weights.sum())
    lon = anchors.loc[city, "lon"].to_numpy() + rng.normal(0, 0.15, n)
    lat = anchors.loc[city, "lat"].to_numpy() + rng.normal(0, 0.12, n)
    codes = list(WEIGHTS)
    p = np.array(list(WEIGHTS.values()))
    first = rng.choice(codes, n, p=p / p.sum())
    second = np.where(rng.random(n) < 0.3, rng.choice(codes, n, p=p / p.sum()), first)
    order = {c: i for i, c in enumerate(codes)}
    products = [";".join(sorted({a, b}, key=order.__getitem__))
                for a, b in zip(first, second, strict=True)]
    revenue = np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(7, 2, n))
    return pd.DataFrame({"id": np.arange(n).astype(str), "city_adcode": city, "lon": lon,
                         "lat": lat, "products": products, "revenue_10k_cny": revenue,
                         "sample": True})


def fast(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The library: matrix (+ statuses) and supply distance."""
    return chain.chain_health(frame).matrix, chain.supply_distance(frame)


def naive(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """get_dummies + groupby, and one sjoin_nearest per key component."""
    dummies = frame["products"].str.get_dummies(sep=";")
    matrix = dummies.groupby(frame["city_adcode"]).sum()
    matrix = matrix.reindex(index=[c.adcode for c in CITIES], columns=list(chain.PARTS),
                            fill_value=0)
    points = gpd.GeoDataFrame(frame[["city_adcode"]], geometry=gpd.points_from_xy(
        frame["lon"], frame["lat"]), crs="EPSG:4326").to_crs(METRIC_CRS)
    out = pd.DataFrame({"adcode": [c.adcode for c in CITIES]}).set_index("adcode")
    need_num = pd.Series(0.0, index=out.index)
    need_den = pd.Series(0.0, index=out.index)
    for comp in chain.KEY_COMPONENTS:
        users = [p for p in chain.MAKERS if comp in chain.NEEDS.get(p, ())]
        needs = dummies.reindex(columns=users, fill_value=0).sum(axis=1) > 0
        makers = points[needs]
        producers = points[dummies.get(comp, pd.Series(0, index=frame.index)) > 0]
        if len(producers):
            hit = gpd.sjoin_nearest(makers, producers[["geometry"]], how="left",
                                    max_distance=50_000.0)
            met = hit["index_right"].notna().groupby(level=0).any()
        else:
            met = pd.Series(False, index=makers.index)
        num = met.groupby(makers["city_adcode"]).sum().reindex(out.index, fill_value=0)
        den = makers.groupby("city_adcode").size().reindex(out.index, fill_value=0)
        out[f"supply_{comp}"] = (num / den.where(den > 0)).astype(float)
        need_num += num
        need_den += den
    out.insert(0, "supply_share", need_num / need_den.where(need_den > 0))
    return matrix, out.reset_index()


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chain.supply_distance(synthetic(100))  # warm up imports (scipy, pyproj)
    print(f"{'firms':>9} {'geo.chain':>10} {'naive':>9} {'ratio':>7}")
    for n in args.sizes:
        frame = synthetic(n)
        m_fast, s_fast = fast(frame)
        m_naive, s_naive = naive(frame)
        np.testing.assert_array_equal(m_fast.to_numpy(), m_naive.to_numpy())
        cols = ["supply_share", *(f"supply_{c}" for c in chain.KEY_COMPONENTS)]
        np.testing.assert_allclose(s_fast[cols].to_numpy(float), s_naive[cols].to_numpy(float),
                                   equal_nan=True)
        t_fast = best(lambda f=frame: fast(f), args.repeat)
        t_naive = best(lambda f=frame: naive(f), args.repeat)
        print(f"{n:>9,} {t_fast:>9.3f}s {t_naive:>8.3f}s {t_naive / t_fast:>6.1f}x")


if __name__ == "__main__":
    main()
