"""The import graph of ``geo/`` and ``ui/`` flows one way.

Read with :mod:`ast` (nothing is imported): every ``import``/``from … import`` statement,
at module level or inside a function, and every ``importlib.import_module("literal")``.
A function-level import does not hide a cycle from this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "ui")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """``name`` if it is one of our modules, else its longest known prefix, else None."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from geo import registry` imports the module geo.registry
            names = [f"{base}.{alias.name}" for alias in node.names] or [base]
            names.append(base)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names = [node.args[0].value]
        for name in names:
            target = _resolve(name, known)
            if target is not None and target != module:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of geo/ and ui/ it imports."""
    known = _modules()
    return {m: _imports(m, p, known) for m, p in known.items()}


def _is_cli(module: str) -> bool:
    return module == "geo.__main__" or module == "geo.cli" or module.startswith("geo.cli.")


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path ``[a, b, …, a]``, or None (iterative DFS, three colours)."""
    colour = dict.fromkeys(graph, 0)  # 0 new, 1 on the stack, 2 done
    for start in sorted(graph):
        if colour[start]:
            continue
        stack: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        colour[start] = 1
        while stack:
            node, todo = stack[-1]
            if not todo:
                colour[node] = 2
                stack.pop()
                continue
            nxt = todo.pop()
            if colour[nxt] == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(nxt):], nxt]
            if colour[nxt] == 0:
                colour[nxt] = 1
                stack.append((nxt, sorted(graph[nxt])))
    return None


def test_the_walker_sees_function_level_and_importlib_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "geo"
    pkg.mkdir()
    (pkg / "a.py").write_text("def f():\n    from geo import b\n", encoding="utf-8")
    (pkg / "b.py").write_text("import importlib\nimportlib.import_module('geo.a')\n",
                              encoding="utf-8")
    known = {"geo.a": pkg / "a.py", "geo.b": pkg / "b.py"}
    graph = {m: _imports(m, p, known) for m, p in known.items()}
    assert graph == {"geo.a": {"geo.b"}, "geo.b": {"geo.a"}}
    assert _cycle(graph) in (["geo.a", "geo.b", "geo.a"], ["geo.b", "geo.a", "geo.b"])


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_covers_both_packages(graph: dict[str, set[str]]) -> None:
    assert {"geo.registry", "geo.store", "geo.cli.publish", "ui.data"} <= graph.keys()
    assert "geo.store" in graph["geo.cli.publish"]


def test_no_import_cycle(graph: dict[str, set[str]]) -> None:
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_library_modules_do_not_import_the_command_line(graph: dict[str, set[str]]) -> None:
    arrows = sorted(f"{m} -> {t}" for m, targets in graph.items() if not _is_cli(m)
                    for t in targets if _is_cli(t))
    assert arrows == []


def test_the_library_does_not_import_the_ui(graph: dict[str, set[str]]) -> None:
    arrows = sorted(f"{m} -> {t}" for m, targets in graph.items() if m.startswith("geo")
                    for t in targets if t.startswith("ui"))
    assert arrows == []


def test_library_modules_do_not_import_argparse_or_streamlit() -> None:
    offenders = []
    for module, path in _modules().items():
        if _is_cli(module) or not module.startswith("geo"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{module}: {n}" for n in names
                          if n.split(".")[0] in ("argparse", "streamlit")]
    assert offenders == []


# --------------------------------------------------------------------------- module size
#: A module longer than this mixes concerns unless its docstring says why it does not.
MAX_LINES = 600


def _size_reason(path: Path) -> str | None:
    """The text after ``Size:`` in the module docstring, or None."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    for line in doc.splitlines():
        if line.strip().startswith("Size:"):
            return line.strip().removeprefix("Size:").strip() or None
    return None


def _oversized(modules: dict[str, Path]) -> dict[str, int]:
    """Modules over :data:`MAX_LINES` lines whose docstring states no ``Size:`` reason."""
    out = {}
    for module, path in modules.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and _size_reason(path) is None:
            out[module] = lines
    return out


def test_the_size_rule_counts_lines_and_reads_the_reason(tmp_path: Path) -> None:
    body = "x = 1\n" * MAX_LINES
    (tmp_path / "big.py").write_text('"""Two concerns."""\n' + body, encoding="utf-8")
    (tmp_path / "sized.py").write_text(
        '"""One table.\n\nSize: one generated lookup table; splitting it would split a list.\n"""\n'
        + body, encoding="utf-8")
    (tmp_path / "empty_reason.py").write_text('"""T.\n\nSize:\n"""\n' + body, encoding="utf-8")
    (tmp_path / "small.py").write_text('"""Small."""\n' + "x = 1\n" * (MAX_LINES - 1),
                                       encoding="utf-8")
    found = _oversized({p.stem: p for p in sorted(tmp_path.glob("*.py"))})
    assert found == {"big": MAX_LINES + 1, "empty_reason": MAX_LINES + 4}


def test_no_module_over_600_lines_without_a_stated_reason() -> None:
    views = {_module_name(p): p for p in sorted((ROOT / "views").glob("*.py"))}
    oversized = _oversized(_modules() | views)
    assert oversized == {}, (
        f"split these modules by concern, or state why not in a 'Size:' line of the "
        f"module docstring: {oversized}")
