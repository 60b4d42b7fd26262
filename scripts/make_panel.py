"""Regenerate data/enterprise_years.csv: sourced firm-years plus a seeded sample panel.

Real rows (``sample=false``) are listed in :data:`REAL` below, each with its source — listed
firms' annual reports and prospectuses as quoted by public pages. Sample rows
(``sample=true``) are made up, for the sample firms of ``data/enterprises.csv`` only:

- a firm with a 2019 revenue in the registry starts from it and grows each year by a
  firm-level trend plus noise (mean ~+9 %/yr, wide spread, some firms shrink);
- ~5 % of firms stop reporting after a random year (exits);
- the registry's sample firms without a revenue enter in a random year 2021–2024 (entries).

Real firms get no made-up years: a firm-year without a source is not in the file.
The same seed always gives the same file.

Usage: ``python scripts/make_panel.py [--seed N] [--check]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ENTERPRISES = ROOT / "data" / "enterprises.csv"
OUT = ROOT / "data" / "enterprise_years.csv"
YEARS = tuple(range(2019, 2026))
COLUMNS = ("id", "year", "revenue_10k_cny", "employees", "source", "sample")

#: (id, year, revenue in 万元, source). Operating revenue as reported.
REAL: tuple[tuple[str, int, float, str], ...] = (
    ("E001", 2019, 956300, "大族激光 2019 operating revenue 95.63亿元 (−13.30 % on 2018): "
     "https://iemloyee.com/news/202007/21/76696.html"),
    ("E002", 2022, 2585500, "纳思达 2022 revenue 25,855 m CNY: "
     "http://www.ccyxbj.cn/baogao/612264.html?newsid=3012868"),
    ("E002", 2023, 2406200, "纳思达 2023 revenue 24,062 m CNY: "
     "https://podms.com/p20240830009726.html"),
    ("E004", 2019, 56800, "杰普特 2019 revenue 568 m CNY: "
     "https://q.stock.sohu.com/cn/gg/2024/688025/58932125.shtml"),
    ("E004", 2021, 119900, "杰普特 2021 revenue 1,199 m CNY: "
     "https://q.stock.sohu.com/cn/gg/2024/688025/58932125.shtml ; "
     "http://ziboxinyan.com/bgdown/98564.html"),
    ("E008", 2021, 140000, "联赢激光 2021 revenue 1,400 m CNY: "
     "https://q.stock.sohu.com/cn,gg,688518,8681667988.shtml"),
    ("E014", 2022, 134600, "创想三维 2022 revenue 1,346 m CNY (prospectus): "
     "http://www.zmoney.com.cn/ipo/20250922/17545.html"),
    ("E014", 2023, 188300, "创想三维 2023 revenue 1,883 m CNY (prospectus): "
     "http://www.zmoney.com.cn/ipo/20250922/17545.html"),
    ("E014", 2024, 228800, "创想三维 2024 revenue 2,288 m CNY (prospectus): "
     "http://www.zmoney.com.cn/ipo/20250922/17545.html"),
    ("E026", 2020, 178672.67, "宏石激光 2020 operating revenue 178,672.67万元 (prospectus): "
     "https://wxredian.com/art?id=4220cfde28fd409672a622a884b7006a"),
    ("E026", 2021, 236390.33, "宏石激光 2021 operating revenue 236,390.33万元 (prospectus): "
     "https://wxredian.com/art?id=4220cfde28fd409672a622a884b7006a"),
    ("E026", 2022, 195666.67, "宏石激光 2022 operating revenue 195,666.67万元 (prospectus): "
     "https://wxredian.com/art?id=4220cfde28fd409672a622a884b7006a"),
)


def sample_panel(enterprises: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The made-up firm-years of the registry's sample firms."""
    rng = np.random.default_rng(seed)
    firms = enterprises[enterprises["sample"].astype(str).str.lower() == "true"]
    ids = firms["id"].to_numpy()
    start = pd.to_numeric(firms["revenue_10k_cny"], errors="coerce").to_numpy(float)
    n = len(ids)
    trend = rng.normal(0.09, 0.12, n)
    noise = rng.normal(0.0, 0.10, (n, len(YEARS) - 1))
    factors = np.exp(np.cumsum(np.log1p(np.clip(trend[:, None] + noise, -0.6, 2.0)), axis=1))
    entrant = ~np.isfinite(start)
    entry_year = np.where(entrant, rng.integers(2021, 2025, n), YEARS[0])
    start = np.where(entrant, np.round(rng.lognormal(5.5, 1.0, n)), start)
    exits = rng.random(n) < 0.05
    exit_year = np.where(exits, rng.integers(2020, 2025, n), 9999)
    growth = np.hstack([np.ones((n, 1)), factors])
    entry_idx = entry_year - YEARS[0]
    rows = []
    for j, year in enumerate(YEARS):
        value = np.round(start * growth[:, j] / growth[np.arange(n), entry_idx], 1)
        alive = (year >= entry_year) & (year <= exit_year)
        employees = np.round(np.maximum(value, 1) ** 0.7 * 1.5)
        rows.append(pd.DataFrame({"id": ids[alive], "year": year,
                                  "revenue_10k_cny": value[alive],
                                  "employees": employees[alive].astype(int),
                                  "source": f"sample: scripts/make_panel.py seed {seed}",
                                  "sample": "true"}))
    return pd.concat(rows, ignore_index=True)


def build(seed: int) -> pd.DataFrame:
    """The whole panel: real rows, then the sample."""
    enterprises = pd.read_csv(ENTERPRISES, dtype=str, keep_default_na=False)
    real = pd.DataFrame(REAL, columns=["id", "year", "revenue_10k_cny", "source"]).assign(
        employees="", sample="false")
    missing = sorted(set(real["id"]) - set(enterprises["id"]))
    if missing:
        raise SystemExit(f"ids {missing} of REAL are not in {ENTERPRISES}")
    out = pd.concat([real, sample_panel(enterprises, seed)], ignore_index=True)
    out = out.sort_values(["sample", "id", "year"], kind="stable")
    return out[list(COLUMNS)]


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check compare) data/enterprise_years.csv."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=18)
    p.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = p.parse_args(argv)
    text = build(args.seed).to_csv(index=False, lineterminator="\n")
    if args.check:
        stale = not OUT.is_file() or OUT.read_text(encoding="utf-8") != text
        print(f"{OUT}: {'stale' if stale else 'up to date'}")
        return int(stale)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
