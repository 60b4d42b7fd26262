"""A revenue-year change on the Cities page against a filter change (issue 18). Not a test.

AppTest drives the real app.py with the bundled registry and firm-year panel. Each step
alternates between two values so every run is a real change; "first" = the first time a
value is seen (cold caches), "repeat" = median of later changes between seen values.
Prints both and the ratio year / filter.

Usage: ``/work/venv/bin/python benchmarks/bench_year.py [--rounds 4]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    """Time filter changes and year changes on the Cities page."""
    from streamlit.testing.v1 import AppTest

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=4)
    args = p.parse_args(argv)
    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params["metric"] = "revenue_100m_cny"
    at.run()
    at.switch_page("views/cities.py").run()

    def change(key: str, value: str) -> float:
        return _timed(lambda: at.selectbox(key=key).set_value(value).run())

    results = {}
    for key, values in (("f_zone", ("core", "east_wing")), ("year", ("2021", "2024"))):
        first = [change(key, v) for v in values]
        repeat = [change(key, v) for _ in range(args.rounds) for v in values]
        change(key, "")
        assert not at.exception, at.exception
        results[key] = (statistics.median(first), statistics.median(repeat))
    print("| change on the Cities page | first (cold) | repeat (median) |")
    print("|---|---|---|")
    for key, label in (("f_zone", "filter (zone)"), ("year", "revenue year")):
        first, repeat = results[key]
        print(f"| {label} | {first:.3f} s | {repeat:.3f} s |")
    print(f"ratio year / filter: first {results['year'][0] / results['f_zone'][0]:.2f}×, "
          f"repeat {results['year'][1] / results['f_zone'][1]:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
