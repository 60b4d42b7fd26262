"""Whole-process ingest at scale: ``geo metrics`` / ``geo validate`` vs a naive script.

Generates one registry of ``--rows`` firms (default 1,000,000) with benchmarks/synth.py,
then times, each as its own ``python`` process on the same file:

* the naive geopandas script (``read_csv`` → ``points_from_xy`` → ``sjoin`` → ``groupby``
  by city): no validation, no row report, no datum, no fallback placement;
* ``python -m geo metrics --enterprises FILE`` (every row checked, then the metrics);
* ``python -m geo validate FILE`` (every row checked, the report printed).

Each figure is the best wall time of ``--repeat`` runs, with the child's CPU time (user +
system; the machine's cores are shared, CPU time is not inflated by other work); ratios are
against the naive script in the same run. Targets (issue 21): metrics no slower than the
naive script; validate under 4 s on 1,000,000 rows.

By default the file keeps the 7 columns of the issue's measurement (id, name, city,
district, lon, lat, revenue); ``--all-columns`` keeps synth.py's full schema (18 columns).

Usage: ``python benchmarks/bench_ingest.py [--rows N] [--repeat K] [--all-columns]``
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synth import make_registry  # noqa: E402
from geo.regions import REGIONS_PATH  # noqa: E402

SEVEN = ["id", "name_zh", "city", "district", "lon", "lat", "revenue_10k_cny"]

NAIVE = """
import sys
import geopandas as gpd
import pandas as pd

df = pd.read_csv(sys.argv[1])
firms = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]),
                         crs="EPSG:4326")
regions = gpd.read_file(sys.argv[2])
joined = gpd.sjoin(firms, regions[["adcode", "geometry"]], predicate="within")
out = joined.groupby("adcode").agg(enterprises=("id", "size"),
                                   revenue_10k_cny=("revenue_10k_cny", "sum"))
out.to_csv(sys.stdout)
"""


def run(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Best wall seconds and that run's CPU seconds (user + system) of ``cmd``."""
    best = (float("inf"), 0.0)
    for _ in range(max(repeat, 1)):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):  # validate exits 1 when some rows have problems
            raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best = min(best, (wall, cpu))
    return best


def _load() -> str:
    """The 1/5/15-minute load averages (other work on the cores skews wall times)."""
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--all-columns", action="store_true")
    args = parser.parse_args(argv)
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        table = make_registry(args.rows)
        if not args.all_columns:
            table = table[SEVEN]
        table.to_csv(path, index=False)
        size = path.stat().st_size / 1e6
        print(f"{args.rows:,} firms, {table.shape[1]} columns, {size:.0f} MB; best of "
              f"{args.repeat} run(s); {os.cpu_count()} cores, shared with other work; "
              f"load average before: {_load()}")
        timings = {
            "naive geopandas script": run([py, "-c", NAIVE, str(path), str(REGIONS_PATH)],
                                          args.repeat),
            "python -m geo metrics": run([py, "-m", "geo", "metrics", "--enterprises",
                                          str(path)], args.repeat),
            "python -m geo validate": run([py, "-m", "geo", "validate", str(path)],
                                          args.repeat),
        }
    print(f"load average after: {_load()}")
    naive_wall, naive_cpu = timings["naive geopandas script"]
    print(f"{'whole process':<26}{'wall s':>8}{'CPU s':>8}{'wall/naive':>12}"
          f"{'CPU/naive':>11}")
    for label, (wall, cpu) in timings.items():
        print(f"{label:<26}{wall:>8.2f}{cpu:>8.2f}{wall / naive_wall:>12.2f}"
              f"{cpu / naive_cpu:>11.2f}")
    metrics_wall = timings["python -m geo metrics"][0]
    validate_wall = timings["python -m geo validate"][0]
    print(f"metrics no slower than naive: {'yes' if metrics_wall <= naive_wall else 'NO'}; "
          f"validate under 4 s: {'yes' if validate_wall < 4 else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
