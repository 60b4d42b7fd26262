"""One text catalogue (geo.text, issue 20): every entry in both languages with the same
parameters, every key the code names exists, and no module outside the catalogue chooses
text by comparing the language itself."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from geo.text import CATALOGUE, Msg, colon, pick, t

ROOT = Path(__file__).resolve().parents[1]
#: Every module that can show text: the library (but the catalogue), the UI, the pages.
SOURCES = [*sorted(p for d in ("geo", "ui", "views") for p in (ROOT / d).rglob("*.py")
                   if p.relative_to(ROOT).parts[:2] != ("geo", "text")), ROOT / "app.py"]
#: ``lang == "zh"``, ``"en" != lang`` … in any spelling
LANGUAGE_BRANCH = re.compile(r"""[!=]=\s*["'](?:zh|en)["']|["'](?:zh|en)["']\s*[!=]=""")
#: Chinese writes a year with 年; English writes the number alone
EMPTY_IN_ENGLISH = {"map.year_suffix"}
#: ``t("key"``, ``msg("key"``, ``Msg("key"`` with a literal key
KEY_USE = re.compile(r"""(?<![\w.])(?:t|msg|Msg)\(\s*["']([^"'{}]+)["']\s*[,)]""")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_the_sources_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in SOURCES}
    assert {"geo/filters.py", "ui/shell.py", "app.py"} <= names
    assert not any(n.startswith("geo/text/") for n in names)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_has_both_languages_with_the_same_parameters(key):
    zh, en = CATALOGUE[key]
    assert zh.strip() and (en.strip() or key in EMPTY_IN_ENGLISH), key
    assert _fields(zh) == _fields(en), key


def test_no_module_outside_the_catalogue_branches_on_the_language():
    found = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
             for p in SOURCES
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if LANGUAGE_BRANCH.search(line)]
    assert found == [], "\n".join(found)


def _literal_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant)
                                                and isinstance(node.value, str))


def test_pick_chooses_between_data_never_between_two_texts_written_in_code():
    """Two string literals in a ``pick`` are a language branch in disguise: a catalogue entry."""
    found = []
    for p in SOURCES:
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and len(node.args) == 3
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "pick"
                    and _literal_text(node.args[1]) and _literal_text(node.args[2])):
                found.append(f"{p.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_every_key_the_code_names_is_in_the_catalogue():
    used = {(p.relative_to(ROOT).as_posix(), m.group(1))
            for p in SOURCES for m in KEY_USE.finditer(p.read_text(encoding="utf-8"))}
    assert len(used) > 200  # the scan really reads the calls
    assert sorted((f, k) for f, k in used if k not in CATALOGUE) == []


def test_every_code_shown_through_a_built_key_has_its_entry():
    from geo.maps.points import COLOR_BY, MODES
    from geo.projects import KINDS, STATUSES, TRACKING
    from geo.units import UNITS

    keys = [*(f"map.mode.{m}" for m in MODES), *(f"map.color_by.{c}" for c in COLOR_BY),
            *(f"unit.{u}" for u in UNITS), *(f"project_kind_{k}" for k in KINDS),
            *(f"project_status_{s}" for s in STATUSES), *(f"tracking_{s}" for s in TRACKING),
            *(f"{s}_data" for s in ("real", "sample")),
            *(f"cli.subtitle_{level}" for level in ("city", "district", "layout"))]
    assert [k for k in keys if k not in CATALOGUE] == []


def test_rendering_checks_its_inputs():
    assert t("quoted", "zh", text="激光") == "“激光”"
    assert t("quoted", "en", text="laser") == '"laser"'
    assert t("legend.count", "en", label="Firms", n=3) == "Firms (3)"
    assert colon("zh") == "：" and colon("en") == ": "
    assert pick("zh", "深圳市", "Shenzhen") == "深圳市"
    assert t("lat_missing", "zh", then=Msg("then_blank")).endswith("；该字段留空")
    with pytest.raises(KeyError, match="nope"):
        t("nope", "en")
    for call in (lambda: t("colon", "fr"), lambda: pick("", "甲", "a"),
                 lambda: Msg("then_blank").render("EN")):
        with pytest.raises(ValueError, match="unknown lang"):
            call()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_numbers_read_as_python_wrote_them_with_babel_grouping(lang):
    """Babel (CLDR) writes the numbers; the figures stay what the pages showed before:
    comma groups, a decimal point, the float's exact value rounded half to even."""
    import numpy as np

    from geo.text import fmt_number, fmt_share

    values = [0, -0.0, 7, 1234, -98765.4321, 0.125, 2.675, 1e-9, 12_345_678.5, 0.5]
    for value in values:
        for decimals in (0, 1, 2, 3):
            assert fmt_number(value, lang, decimals) == f"{value:,.{decimals}f}", (value, decimals)
    assert fmt_number(np.int64(1_234_567), lang) == "1,234,567"
    assert fmt_number(None, lang) == fmt_number(float("nan"), lang) == "–"
    assert [fmt_share(s, lang) for s in (0.9405, 0.1234, 1.0, None)] == [
        "94.0%", "12.3%", "100.0%", "–"]
    with pytest.raises(ValueError, match="unknown lang"):
        fmt_number(1, "fr")
