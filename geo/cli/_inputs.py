"""Inputs shared by the commands: the registry (bundled or a file) and a firm-year panel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def add_enterprises(p: argparse.ArgumentParser) -> None:
    """``--enterprises PATH`` and ``--datum``, as in every command that places firms."""
    p.add_argument("--enterprises", type=Path, default=None,
                   help="registry file (CSV/XLSX); default: the bundled data")
    p.add_argument("--datum", default="wgs84", help="coordinates of --enterprises: "
                   "wgs84 | gcj02 | bd09 (default wgs84)")


def enterprises(args: argparse.Namespace, *, points: bool = True) -> pd.DataFrame:
    """The registry named by ``--enterprises`` (bundled by default); with ``points=False``
    a file's rows come without geometry (WGS-84 ``lon``/``lat`` only: no shapely point per
    firm for a command that reads only the coordinates)."""
    from geo import registry

    if args.enterprises is None:
        return registry.load_enterprises()
    if not args.enterprises.is_file():
        raise registry.RegistryError(
            f"{args.enterprises}: file not found; give the path of a CSV or XLSX registry")
    result = registry.load_registry(args.enterprises, datum=args.datum)
    return result.frame if points else result.table


def panel(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """The usable firm-years of the panel at ``path``; its problems go to stderr."""
    from geo import panel as pnl

    result = pnl.load_panel(path, registry=frame)
    for problem in result.problems[:10]:
        print(f"warning: {result.name}: {problem}", file=sys.stderr)
    if len(result.problems) > 10:
        print(f"warning: {result.name}: {len(result.problems) - 10} more problem(s); run "
              "the import on the Data page for the full row report", file=sys.stderr)
    return result.frame
