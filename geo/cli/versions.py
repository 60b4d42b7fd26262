"""``python -m geo versions``: list the published registry versions, newest first, each
with the files published with it (firm-year panel, key-project register)."""

from __future__ import annotations

import argparse

from geo.cli.publish import EXIT_OK, EXIT_STORE, err
from geo.panel import PANEL_PATH
from geo.projects import PROJECTS_PATH
from geo.store import StoreError, Version, open_store

#: what version 0 (the bundled data) comes with: the shipped files Store.load_panel(0) and
#: Store.load_projects(0) read
_SHIPPED: dict[str, str] = {"panel": PANEL_PATH.name, "projects": PROJECTS_PATH.name}
#: attachment kind -> what the publish command calls it
_LABELS: dict[str, str] = {"panel": "firm-years", "projects": "key projects"}


def _format_versions(versions: list[Version], attached: dict[int, dict[str, str]]) -> list[str]:
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
        files = _SHIPPED if v.is_bundled else attached.get(v.id, {})
        if files:
            lines.append("        with " + "; ".join(
                f"{_LABELS.get(kind, kind)}: {name}" for kind, name in files.items()))
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
        attached = store.attached()
    except (StoreError, ValueError) as exc:
        err(str(exc))
        return EXIT_STORE
    print(f"store: {store.url}")
    print("\n".join(_format_versions(versions, attached)))
    return EXIT_OK
