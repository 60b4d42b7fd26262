"""Page script-run times (issue 6): every page with the bundled data, and a filter change
with a 100,000-row registry. Prints a table; not a test.

The script run is what a rerun costs the server (AppTest drives the real app.py; the
browser's drawing is measured by benchmarks/bench_browser.py). First run = cold caches.

Usage: ``.venv/bin/python benchmarks/bench_pages.py [--firms 100000]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
PAGES = ("overview", "cities", "enterprises", "sites", "targets", "data")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _page(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    first = _timed(at.run)
    if page != "overview":
        first += _timed(lambda: at.switch_page(f"views/{page}.py").run())
    return at, first


def bundled() -> None:
    print("| page | first run (cold) | rerun median of 10 |")
    print("|---|---|---|")
    for page in PAGES:
        at, first = _page(page)
        reruns = [_timed(at.run) for _ in range(10)]
        assert not at.exception, at.exception
        print(f"| {page} | {first:.2f} s | {statistics.median(reruns):.3f} s |")


def large(n: int) -> None:
    from benchmarks.synth import write_registry

    path = Path(tempfile.mkdtemp()) / f"synthetic_{n}.csv"
    write_registry(path, n)
    os.environ["ATLAS_ENTERPRISES"] = str(path)
    print(f"\n{n:,}-row registry ({path.stat().st_size / 1e6:.1f} MB)")
    print("| page | first run (cold) | filter change (zone) median of 4 |")
    print("|---|---|---|")
    for page in ("overview", "enterprises", "cities"):
        at, first = _page(page)
        times = []
        for zone in ("north", "core", "east_wing", ""):
            at.selectbox(key="f_zone").set_value(zone)
            times.append(_timed(at.run))
        assert not at.exception, at.exception
        print(f"| {page} | {first:.2f} s | {statistics.median(times):.3f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    bundled()
    large(args.firms)


if __name__ == "__main__":
    main()
