"""Session state and caching each live in one room of ``ui/``.

Read with :mod:`ast` (nothing is imported): an attribute ``session_state`` (``st.session_state``)
may appear only in ``ui/state.py``, and an attribute ``cache_data`` / ``cache_resource``
(``@st.cache_data``, ``@st.cache_resource``) only in ``ui/data.py``; neither may be imported
by name elsewhere. Pages (``views/``, ``app.py``) and the other ``ui`` modules call the
accessors of those two modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: attribute -> the one module allowed to use it
ROOMS = {"session_state": "ui/state.py", "cache_data": "ui/data.py",
         "cache_resource": "ui/data.py"}


def _sources() -> list[Path]:
    files = [*sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "views").rglob("*.py")),
             ROOT / "app.py"]
    assert len(files) > 10 and all(f.is_file() for f in files)
    return files


def _uses(path: Path) -> list[tuple[str, int]]:
    """``(name, line)`` of every use of a :data:`ROOMS` name in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ROOMS:
            out.append((node.attr, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            out += [(a.name, node.lineno) for a in node.names if a.name in ROOMS]
    return out


@pytest.mark.parametrize("name", sorted(ROOMS))
def test_only_its_room_uses(name):
    room = ROOMS[name]
    found = [f"{p.relative_to(ROOT)}:{line}" for p in _sources()
             for used, line in _uses(p) if used == name and str(p.relative_to(ROOT)) != room]
    assert found == [], f"{name} outside {room}: {found}"


def test_the_rooms_use_it():
    """The check reads the real code: the two rooms do use what only they may use."""
    for name, room in ROOMS.items():
        assert name in {used for used, _ in _uses(ROOT / room)}, (name, room)


def test_the_check_sees_every_form(tmp_path):
    """An attribute anywhere in an expression, a decorator, or a name import."""
    src = tmp_path / "m.py"
    src.write_text("import streamlit as st\nfrom streamlit import session_state\n"
                   "@st.cache_data\ndef f():\n    return st.session_state.get('x')\n",
                   encoding="utf-8")
    assert sorted(_uses(src)) == [("cache_data", 3), ("session_state", 2),
                                  ("session_state", 5)]
