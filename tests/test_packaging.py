"""The package configuration ships every library directory.

A plain ``packages = ["geo", "ui"]`` list once left ``geo.store``, ``geo.figures`` and the
other subpackages out of a wheel; this test finds what setuptools would package and
compares it with every directory of ``geo/`` and ``ui/`` that holds Python modules.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import setuptools

ROOT = Path(__file__).resolve().parents[1]


def test_every_library_directory_is_packaged() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    found = set(setuptools.find_packages(where=str(ROOT), include=include))
    wanted = {
        ".".join(d.relative_to(ROOT).parts)
        for top in ("geo", "ui")
        for d in [ROOT / top, *(ROOT / top).rglob("*")]
        if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py"))
    }
    assert wanted, "no library directories found"
    assert found == wanted, f"missing {sorted(wanted - found)}, extra {sorted(found - wanted)}"
