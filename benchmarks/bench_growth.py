"""Time :func:`geo.panel.growth` on a synthetic 100,000-firm × 7-year panel (700k rows).

Run: ``/work/venv/bin/python benchmarks/bench_growth.py [--firms 100000] [--repeat 3]``.
Prints the best of ``--repeat`` runs for the library (city and zone level) and for the
naive pandas way in the same run (merge on id, pivot the two years, then ``groupby`` +
``apply`` per area), checks both give the same numbers, and prints the ratio.
Target (issue 18): growth for 100,000 firms × 7 years under 2 s in-process.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.layout import CITY_BY_ADCODE
from geo.panel import growth

YEARS = tuple(range(2019, 2026))


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(registry with ``id, city_adcode``; long panel ``id, year, revenue_10k_cny, sample``)."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"F{i:07d}" for i in range(n)], dtype=object)
    cities = np.array(list(CITY_BY_ADCODE), dtype=object)
    registry = pd.DataFrame({"id": ids, "city_adcode": rng.choice(cities, n)})
    start = rng.lognormal(6.0, 1.6, n)
    rate = rng.normal(0.08, 0.15, (n, len(YEARS)))
    values = start[:, None] * np.cumprod(1 + np.clip(rate, -0.5, 1.0), axis=1)
    present = rng.random((n, len(YEARS))) > 0.1  # ~10 % firm-years missing
    fi, yi = np.nonzero(present)
    panel = pd.DataFrame({"id": ids[fi], "year": np.array(YEARS)[yi],
                          "revenue_10k_cny": values[fi, yi], "sample": True})
    return registry, panel


def naive(panel: pd.DataFrame, registry: pd.DataFrame, y0: int, y1: int) -> pd.DataFrame:
    """The straightforward pandas way: merge, pivot, groupby-apply."""
    both = panel[panel["year"].isin([y0, y1])].merge(registry, on="id")
    wide = both.pivot_table(index=["id", "city_adcode"], columns="year",
                            values="revenue_10k_cny").reset_index()

    def per_city(g: pd.DataFrame) -> pd.Series:
        r0, r1 = g.get(y0), g.get(y1)
        s0, s1 = r0.sum(min_count=1) / 1e4, r1.sum(min_count=1) / 1e4
        return pd.Series({
            "revenue_from_100m_cny": s0, "revenue_to_100m_cny": s1,
            "cagr": (s1 / s0) ** (1 / (y1 - y0)) - 1,
            "crossed_100m": int(((r0 < 10_000) & (r1 >= 10_000)).sum()),
            "entries": int((r1.notna() & r0.isna()).sum()),
            "exits": int((r0.notna() & r1.isna()).sum()),
        })

    return wide.groupby("city_adcode").apply(per_city, include_groups=False)


def best(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = func()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the timings and the ratio."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--firms", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    registry, panel = synthetic(args.firms)
    y0, y1 = YEARS[0], YEARS[-1]
    print(f"panel: {args.firms:,} firms × {len(YEARS)} years = {len(panel):,} rows")
    t_lib, lib = best(lambda: growth(panel, registry, y0, y1), args.repeat)
    t_zone, _ = best(lambda: growth(panel, registry, y0, y1, level="zone"), args.repeat)
    t_naive, ref = best(lambda: naive(panel, registry, y0, y1), args.repeat)
    lib = lib.set_index("adcode")
    for col in ("revenue_from_100m_cny", "revenue_to_100m_cny", "cagr", "crossed_100m",
                "entries", "exits"):
        np.testing.assert_allclose(lib.loc[ref.index, col].to_numpy(float),
                                   ref[col].to_numpy(float), rtol=1e-9)
    print(f"geo.panel.growth (city): {t_lib:.3f} s  (target < 2 s)")
    print(f"geo.panel.growth (zone): {t_zone:.3f} s")
    print(f"naive pandas merge+pivot+groupby-apply: {t_naive:.3f} s")
    print(f"ratio naive / library: {t_naive / t_lib:.1f}×  (same numbers: checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
