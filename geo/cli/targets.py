"""``python -m geo targets``: where each target of a plan stands, as text or JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from geo.cli import _inputs


def _parser() -> argparse.ArgumentParser:
    from geo.indicators import INDICATORS_PATH
    from geo.panel import PANEL_PATH
    from geo.plan import PLAN_PATH

    p = argparse.ArgumentParser(prog="python -m geo targets",
                                description="Each plan target: value, year, status.")
    p.add_argument("--plan", type=Path, default=PLAN_PATH, help="plan file (.toml)")
    _inputs.add_enterprises(p)
    p.add_argument("--years", type=Path, default=PANEL_PATH, help="firm-year panel (CSV/XLSX)")
    p.add_argument("--indicators", type=Path, default=INDICATORS_PATH,
                   help="province / city indicators by year (CSV)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def _clean(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy / pandas scalars
        return _clean(value.item())
    return value


def cli(argv: list[str] | None = None) -> int:
    """Print one record per target; 0 on success, 2 on bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from geo import indicators, panel, plan
    from geo.registry import RegistryError

    try:
        the_plan = plan.load_plan(args.plan)
        frame = _inputs.enterprises(args)
        years = _inputs.panel(args.years, frame)
        table = plan.assess(the_plan, indicators.load_indicators(args.indicators),
                            panel.firm_years(years, frame))
    except (plan.PlanError, indicators.IndicatorError, RegistryError, ValueError,
            OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records: list[dict[str, Any]] = [{str(k): _clean(v) for k, v in row.items()}
               for row in table.astype(object).to_dict("records")]
    if args.format == "json":
        json.dump({"plan": the_plan.code, "end_year": the_plan.end_year, "targets": records},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(f"{the_plan.title_zh} ({the_plan.code}); source: {the_plan.source}")
    for r in records:
        scale = r["scale"] or 1
        value = "no data" if r["value"] is None else f"{r['value'] * scale:,.4g}"
        year = "" if r["year"] is None else f" ({r['year']})"
        print(f"{r['code']:<20} {r['status']:<9} value {value}{year} / target "
              f"{r['comparison']} {r['target'] * scale:,.4g} {r['unit_zh']}"
              + (f"  [{r['reason']}]" if r["reason"] else "")
              + ("  sample data" if r["sample"] else ""))
    return 0
