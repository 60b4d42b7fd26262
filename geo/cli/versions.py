"""``python -m geo versions``: list the published registry versions, newest first."""

from __future__ import annotations

import argparse

from geo.cli.publish import EXIT_OK, EXIT_STORE, err
from geo.store import StoreError, Version, open_store


def _format_versions(versions: list[Version]) -> list[str]:
    header = f"  {'id':>4}  {'published (UTC)':<16}  {'author':<14}  {'file':<28}  " \
             f"{'rows':>8}  {'valid':>8}  sha256"
    lines = [header]
    for v in versions:
        when = "(bundled)" if v.created_at is None else v.created_at.strftime("%Y-%m-%d %H:%M")
        rows = "-" if v.rows is None else f"{v.rows:,}"
        valid = "-" if v.valid_rows is None else f"{v.valid_rows:,}"
        mark = "*" if v.is_default else " "
        lines.append(
            f"{mark} {v.id:>4}  {when:<16}  {v.author[:14]:<14}  {v.file_name[:28]:<28}  "
            f"{rows:>8}  {valid:>8}  {v.checksum[:12]}"
        )
    lines.append("* = default version shown by the dashboard")
    return lines


def cli(argv: list[str]) -> int:
    """``python -m geo versions [--store URL]``: list versions, newest first (exit 1 on error)."""
    parser = argparse.ArgumentParser(
        prog="python -m geo versions", description="List published registry versions."
    )
    parser.add_argument("--store", help="file path or postgresql:// URL (default: configured)")
    args = parser.parse_args(argv)
    try:
        store = open_store(args.store)
        versions = store.versions()
    except (StoreError, ValueError) as exc:
        err(str(exc))
        return EXIT_STORE
    print(f"store: {store.url}")
    print("\n".join(_format_versions(versions)))
    return EXIT_OK
