"""The README's "What is where" table names every module, script and data file.

A newcomer walks the house from that table; a module that moved or appeared without a row
is a door nobody told them about. Names are looked for in backticks inside the table's
section (``layout``, ``text/errors``, ``data/`` files by file name).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## What is where")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _named(section: str) -> set[str]:
    """Every backticked word, and each part of a backticked path (``text/errors`` names
    ``text/errors`` and ``errors``)."""
    names: set[str] = set()
    for quoted in re.findall(r"`([^`]+)`", section):
        names.add(quoted.strip("/"))
        names.update(part for part in re.split(r"[/\s,()]+", quoted) if part)
    return names


def _modules(package: str) -> list[str]:
    """Public modules and subpackages of ``package``, as paths relative to it."""
    base = ROOT / package
    found = []
    for path in sorted(base.rglob("*.py")):
        rel = path.relative_to(base)
        if "__pycache__" in rel.parts or any(p.startswith("_") for p in rel.parts):
            continue
        found.append(str(rel.with_suffix("")))
    found += [str(d.relative_to(base)) for d in sorted(base.rglob("*"))
              if d.is_dir() and (d / "__init__.py").exists()]
    return found


def _wanted() -> list[tuple[str, str]]:
    items = [("geo", m) for m in _modules("geo")] + [("ui", m) for m in _modules("ui")]
    items += [("scripts", p.name) for p in sorted((ROOT / "scripts").iterdir()) if p.is_file()]
    items += [("data", p.name) for p in sorted((ROOT / "data").iterdir())
              if p.is_file() or p.is_dir()]
    return items


def _rows(section: str) -> dict[str, set[str]]:
    """The table's rows: the path in the first cell -> the names the row mentions."""
    rows: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = line.split("|")
        if len(cells) > 3 and (path := re.fullmatch(r"\s*`([^`]+)`\s*", cells[1])):
            rows[path.group(1).rstrip("/")] = _named(line)
    return rows


def _is_named(kind: str, name: str, section: str) -> bool:
    named = _named(section)
    if kind in ("scripts", "data"):
        return name in named or Path(name).stem in named
    rows = _rows(section)
    # a module of a subpackage is named in the subpackage's own row (``geo/figures/``) when
    # it has one, else in its library's row (``geo/``), where the package lists its modules
    parts = name.split("/")
    package = "/".join([kind, *parts[:-1]])
    row = rows.get(package) or rows.get(kind, set())
    return parts[-1] in row


def test_the_section_is_found() -> None:
    section = _section()
    assert "| path | what |" in section and len(_named(section)) > 50
    assert {"geo", "ui", "geo/figures", "geo/metrics"} <= set(_rows(section))


@pytest.mark.parametrize(("kind", "name"), _wanted(), ids=lambda v: str(v))
def test_every_module_script_and_data_file_has_its_place(kind: str, name: str) -> None:
    assert _is_named(kind, name, _section()), (
        f"README 'What is where' does not name {kind}/{name}: add it to its row")
