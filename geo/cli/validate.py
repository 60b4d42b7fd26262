"""``python -m geo validate``: check a registry file (CSV/XLSX) row by row.

Exit 0: every row usable; 1: some rows have problems; 2: the file is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geo.datum import DATUMS, normalize_datum
from geo.registry import RegistryError, RegistryResult, load_registry


def _datum_arg(text: str) -> str:
    try:
        return normalize_datum(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo validate",
        description="Check an enterprise registry (CSV or XLSX) row by row. Exit 0: every "
                    "row usable; 1: some rows have problems; 2: the file is unusable.")
    parser.add_argument("path", help="registry file (.csv or .xlsx)")
    parser.add_argument("--datum", default="wgs84", type=_datum_arg, metavar="|".join(DATUMS),
                        help="datum of the file's coordinates (default wgs84)")
    parser.add_argument("--format", default="text", choices=("text", "json"), dest="fmt")
    return parser


def _print_text(result: RegistryResult) -> None:
    ignored = (f" ({result.coords_ignored} with coordinates ignored, placed by district or "
               "city)" if result.coords_ignored else "")
    print(f"{result.name}: {result.rows} rows, {result.valid_rows} usable{ignored}, "
          f"{len(result.problems)} problem(s)")
    if result.ignored_columns:
        print(f"ignored columns: {', '.join(result.ignored_columns)}")
    for problem in result.problems:
        print(f"  {problem}")


def cli(argv: list[str]) -> int:
    """``python -m geo validate PATH [--datum …] [--format text|json]``; return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage or help
        return 0 if exc.code in (0, None) else 2
    try:
        result = load_registry(Path(args.path), datum=args.datum)
    except RegistryError as exc:
        if args.fmt == "json":
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.fmt == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        _print_text(result)
    return 1 if result.problems else 0
