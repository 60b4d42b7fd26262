"""Time the validation of a 100,000-row registry (target: under 3 s on this machine).

Writes a synthetic CSV with Chinese headers to a temporary directory (most rows with
coordinates, some with only a city and district, valid credit codes, a few problems
sprinkled in) and prints the wall time of ``load_registry`` per datum, first call
(boundaries loaded and indexed) and warm.

Each figure is the best and the median wall time of ``--repeat`` runs, and the best CPU
time (the machine has 2 cores shared with other work: CPU time is not inflated by it).
An XLSX line is timed on ``--xlsx-rows`` rows: openpyxl parses cells in Python, so
spreadsheets are read several times slower than CSV.

Usage: ``python benchmarks/bench_registry.py [--rows N] [--repeat K] [--xlsx-rows N]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.datum import convert
from geo.registry import CHINESE_HEADERS, load_registry, locate
from geo.registry.places import _geography

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])


def credit_codes(rng: np.random.Generator, n: int) -> list[str]:
    """Random 统一社会信用代码 with a correct GB 32100-2015 check character."""
    body = rng.integers(0, 31, size=(n, 17))
    body[:, 0], body[:, 1] = 9, 1  # 91: enterprise, company
    check = (31 - (body @ WEIGHTS) % 31) % 31
    chars = np.array(list(ALPHABET))
    return ["".join(row) for row in chars[np.column_stack([body, check])]]


def land_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    """``n`` points on land around the Pearl River estuary with their city and district."""
    lon, lat = rng.uniform(112.9, 114.5, 3 * n), rng.uniform(22.2, 23.4, 3 * n)
    city, district = locate(lon, lat)
    keep = np.flatnonzero(city != "")[:n]
    if keep.size < n:
        raise SystemExit("not enough land points; widen the box")
    names = _geography().names
    return (lon[keep], lat[keep], np.array([names[c] for c in city[keep]]),
            np.array([names[d] for d in district[keep]]))


def make_csv(path: Path, n: int, datum: str, seed: int = 1) -> None:
    """A registry like a district bureau's export, ~1 % of rows with a problem."""
    rng = np.random.default_rng(seed)
    lon, lat, city, district = land_points(rng, n)
    lon, lat = convert(lon, lat, "wgs84", datum)
    no_coords = rng.random(n) < 0.1
    lon_s = np.where(no_coords, "", np.char.mod("%.6f", lon))
    lat_s = np.where(no_coords, "", np.char.mod("%.6f", lat))
    table = pd.DataFrame({
        "id": [f"B{i:06d}" for i in range(n)],
        "name_zh": [f"测试激光企业{i:06d}" for i in range(n)],
        "city": city,
        "district": district,
        "address": "某路1号",
        "lon": lon_s, "lat": lat_s,
        "sector": rng.choice(["激光", "增材制造", "laser"], n),
        "segment": rng.choice(["关键零部件", "高端装备与系统", "应用技术与服务"], n),
        "revenue_10k_cny": np.round(rng.lognormal(6, 1.5, n), 1),
        "revenue_year": 2023,
        "employees": rng.integers(1, 500, n),
        "credit_code": credit_codes(rng, n),
    })
    table.loc[::500, "revenue_10k_cny"] = -1  # a few problems of each kind
    swap = table.index[(~no_coords) & (np.arange(n) % 700 == 1)]
    table.loc[swap, ["lon", "lat"]] = table.loc[swap, ["lat", "lon"]].to_numpy()
    table.loc[::900, "credit_code"] = "91440300MA5XXXXXX0"
    table.columns = [CHINESE_HEADERS.get(c, c) for c in table.columns]
    table.to_csv(path, index=False, encoding="utf-8-sig")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx-rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    _geography()
    print(f"boundaries loaded and indexed (once per process): {time.perf_counter() - t0:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        for datum in ("wgs84", "gcj02", "bd09"):
            path = Path(tmp) / f"registry_{datum}.csv"
            make_csv(path, args.rows, datum)
            size = path.stat().st_size / 1e6
            (times, cpu), result = _time(path, datum, args.repeat)
            print(f"CSV {datum}: {result.rows:,} rows ({size:.1f} MB) validated in "
                  f"{min(times):.2f} s best, {np.median(times):.2f} s median wall "
                  f"({min(cpu):.2f} s CPU); {result.valid_rows:,} usable, "
                  f"{len(result.problems):,} problems")
        path = Path(tmp) / "registry.xlsx"
        make_csv(Path(tmp) / "x.csv", args.xlsx_rows, "wgs84")
        table = pd.read_csv(Path(tmp) / "x.csv", dtype=str, keep_default_na=False)
        table.to_excel(path, index=False)
        (times, cpu), result = _time(path, "wgs84", 1)
        print(f"XLSX wgs84: {result.rows:,} rows validated in {times[0]:.2f} s wall "
              f"({cpu[0]:.2f} s CPU)")
    return 0


def _time(path: Path, datum: str, repeat: int) -> tuple[tuple[list[float], list[float]], object]:
    """Wall and CPU seconds per run (CPU time is what other processes cannot inflate)."""
    wall, cpu = [], []
    for _ in range(max(repeat, 1)):
        t0, c0 = time.perf_counter(), time.process_time()
        result = load_registry(path, datum=datum)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return (wall, cpu), result


if __name__ == "__main__":
    sys.exit(main())
