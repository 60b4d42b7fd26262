"""``python -m geo metrics``: per-area metrics of the cluster as CSV or JSON.

With ``--years PATH --year Y`` the firms' revenues (and tiers) are those of year Y in the
firm-year panel; a firm without a value for Y has no revenue that year (never another
year's figure).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

import pandas as pd

from geo.cli import _inputs
from geo.metrics import LEVELS, MetricsResult, compute

CLI_COLUMNS: Final = ("adcode", "name_zh", "zone", "enterprises", "revenue_100m_cny",
                      "land_area_km2", "density_per_1000km2", "revenue_share")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m geo metrics",
                                description="Per-area metrics of the cluster as CSV or JSON.")
    _inputs.add_enterprises(p)
    p.add_argument("--years", type=Path, default=None,
                   help="firm-year panel (CSV/XLSX); with --year, revenues of that year")
    p.add_argument("--year", type=int, default=None, help="year of the panel to use")
    p.add_argument("--level", choices=LEVELS, default="city")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--radius-km", type=float, default=10.0,
                   help="radius for share_near_platform (default 10)")
    p.add_argument("--no-sites", action="store_true", help="skip the innovation coupling")
    return p


def _load_inputs(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    from geo import panel, registry

    frame = _inputs.enterprises(args, points=False)  # metrics read lon/lat
    if (args.years is None) != (args.year is None):
        raise ValueError("--years and --year go together: give the panel and the year")
    if args.years is not None:
        years = _inputs.panel(args.years, frame)
        if not (years["year"] == args.year).any():
            known = sorted(years["year"].unique().tolist())
            raise ValueError(f"{args.years}: no firm-year for {args.year}; the panel has "
                             f"{known}")
        frame = panel.frame_for_year(frame, years, args.year)
    sites = None
    if not args.no_sites:
        try:
            sites = registry.load_sites()
        except registry.RegistryError as exc:  # metrics still make sense without sites
            print(f"warning: innovation coupling skipped: {exc}", file=sys.stderr)
    return frame, sites


def cli(argv: list[str] | None = None) -> int:
    """Print the metrics table; 0 on success, 2 on bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on bad options
        return int(exc.code or 0)
    from geo.regions import BoundaryError, load_regions
    from geo.registry import RegistryError

    try:
        frame, sites = _load_inputs(args)
        result = compute(frame, load_regions(), sites=sites, level=args.level,
                         radius_km=args.radius_km)
    except (RegistryError, BoundaryError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _write(result, args.format, sys.stdout)
    cov = result.coverage
    print(f"# coverage: {cov['rows_used']} of {cov['rows']} rows used, "
          f"{cov['rows_without_coordinates']} without coordinates, {cov['rows_outside']} "
          f"outside every area, {cov['sample_rows']} sample rows"
          + (f"; revenues of {args.year}" if args.year is not None else ""), file=sys.stderr)
    return 0


def _write(result: MetricsResult, fmt: str, stream: Any) -> None:
    table = result.table
    if fmt == "csv":
        table.to_csv(stream, index=False, lineterminator="\n")
        return
    records = json.loads(table.to_json(orient="records", force_ascii=False))
    payload = {"level": result.coverage["level"], "coverage": result.coverage, "table": records,
               "groups": json.loads(result.groups.to_json(orient="records", force_ascii=False))}
    json.dump(payload, stream, ensure_ascii=False, indent=1)
    stream.write("\n")
