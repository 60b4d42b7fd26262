"""``python -m geo growth``: revenue change between two years per city or zone."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.cli import _inputs


def _parser() -> argparse.ArgumentParser:
    from geo.panel import GROWTH_LEVELS, PANEL_PATH

    p = argparse.ArgumentParser(prog="python -m geo growth",
                                description="Revenue in two years, change, % change and CAGR "
                                            "per area, from a firm-year panel.")
    _inputs.add_enterprises(p)
    p.add_argument("--years", type=Path, default=PANEL_PATH, help="firm-year panel (CSV/XLSX)")
    p.add_argument("--from", dest="year_from", type=int, required=True)
    p.add_argument("--to", dest="year_to", type=int, required=True)
    p.add_argument("--level", choices=GROWTH_LEVELS, default="city")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    return p


def cli(argv: list[str] | None = None) -> int:
    """Print the growth table; 0 on success, 2 on bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from geo import panel
    from geo.registry import RegistryError

    try:
        frame = _inputs.enterprises(args)
        years = _inputs.panel(args.years, frame)
        table = panel.growth(years, frame, args.year_from, args.year_to, level=args.level)
        cov = panel.coverage(years, frame, (args.year_from, args.year_to))
    except (RegistryError, ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        json.dump({"level": args.level, "coverage": cov,
                   "table": json.loads(table.to_json(orient="records", force_ascii=False))},
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    print(f"# coverage: {cov['rows']} firm-years of {args.year_from}/{args.year_to}, "
          f"{cov['rows_not_in_registry']} not in the registry, {cov['rows_without_city']} "
          f"without a city, {cov['sample_rows']} sample", file=sys.stderr)
    return 0
