"""Command line: ``python -m geo COMMAND …`` exposes the library without a browser.

Each command is a module of :mod:`geo.cli`, looked up here by name, so adding
one is a line in :data:`COMMANDS`. Every command returns a process exit code.
"""

from __future__ import annotations

import importlib
import sys
from typing import Final

#: command -> (module, function, one-line help). The function takes argv, returns an int.
COMMANDS: Final[dict[str, tuple[str, str, str]]] = {
    "validate": ("geo.cli.validate", "cli", "check a registry file (CSV/XLSX) row by row"),
    "metrics": ("geo.cli.metrics", "cli", "per-city / district / zone metrics as CSV or JSON"),
    "targets": ("geo.cli.targets", "cli", "where each plan target stands (text or JSON)"),
    "growth": ("geo.cli.growth", "cli", "revenue change between two years per city or zone"),
    "chain": ("geo.cli.chain", "cli", "chain parts: producers, status, a city's short list"),
    "render": ("geo.cli.render", "cli", "render a briefing figure (PNG/SVG/PDF)"),
    "publish": ("geo.cli.publish", "cli", "publish a validated registry as a new version"),
    "versions": ("geo.cli.versions", "cli", "list published registry versions"),
}


def _usage() -> str:
    lines = ["usage: python -m geo COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_, _, help_) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``argv`` to a command; exit 2 with the usage for an unknown one."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"error: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module, func, _ = COMMANDS[name]
    return int(getattr(importlib.import_module(module), func)(rest))


if __name__ == "__main__":
    sys.exit(main())
