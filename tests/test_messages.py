"""Row messages have a key and parameters (geo.text): the English text is what it was
before messages had keys, and every message has a Chinese form free of English words
(issues 15, 20)."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from geo.__main__ import main
from geo.registry import Problem, load_registry
from geo.text import Msg, msg
from geo.text.messages import MESSAGES
from tests import message_corpus as corpus

FIXTURES = Path(__file__).parent / "fixtures"
#: keys added after the English snapshot was taken (their rows are new problems)
NEW_KEYS = {"listed_unclear"} | {k for k in MESSAGES if k.startswith("project_")}
#: Latin words a Chinese message may hold: values the user writes (column names, vocabulary
#: codes, accepted spellings) and product names.
ALLOWED_LATIN = {
    "name_zh", "lon", "lat", "city", "id", "year", "source", "kind", "status", "none",
    "coord_precision", "city_adcode", "laser", "additive", "both", "exact", "district",
    "true", "false", "Shenzhen", "Excel", "LibreOffice", "GB", "xxx", "name_en",
    "district_en", "note_zh", "note_en", "status_as_of", "YYYY", "MM", "DD", "start_year",
    "planned_completion_year",
}


@pytest.fixture(scope="module")
def problems() -> list[tuple[str, Problem]]:
    return list(corpus.problems())


def test_english_is_unchanged(problems):
    """The snapshot was written by message_corpus.py from the code before messages had keys."""
    before = json.loads((FIXTURES / "problem_messages_en.json").read_text(encoding="utf-8"))
    now = [[name, p.row, p.column, p.message] for name, p in problems
           if p.code not in NEW_KEYS and name != "projects.csv"]
    assert now == before


def test_every_problem_has_a_key_and_chinese_without_english_words(problems):
    for _, p in problems:
        assert p.msg is not None and p.code in MESSAGES, p
        assert p.text("en") == p.message
        zh = p.text("zh")
        for value in sorted(map(str, p.msg.values()), key=len, reverse=True):
            zh = zh.replace(repr(value), "").replace(value, "")
        words = set(re.findall(r"[A-Za-z_]+", zh)) - ALLOWED_LATIN
        assert not words, (p.message, p.text("zh"), words)


def test_the_corpus_raises_nearly_every_message(problems):
    seen: set[str] = set()

    def walk(m: Msg) -> None:
        seen.add(m.key)
        for v in m.params.values():
            if isinstance(v, Msg):
                walk(v)

    for _, p in problems:
        assert p.msg is not None
        walk(p.msg)
    # then_used and no_district cannot follow a problem the corpus can build
    assert set(MESSAGES) - seen == {"then_used", "no_district"}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages_take_the_same_parameters(key):
    zh, en = MESSAGES[key]
    fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (zh, en)]
    assert fields[0] == fields[1] and zh != en


def test_unknown_key_and_language_are_refused():
    with pytest.raises(KeyError, match="nope"):
        msg("nope")
    with pytest.raises(ValueError, match="fr"):
        msg("name_empty").render("fr")


def test_coordinates_ignored_are_counted_and_listed_maybe_is_a_problem():
    data = ("name_zh,city,lon,lat,listed\n甲,深圳,200,95,maybe\n乙,广州,,,300750.SZ\n"
            "丙,佛山,,,否\n丁,佛山,,,是\n").encode()
    result = load_registry(data)
    assert (result.rows, result.valid_rows, result.coords_ignored) == (4, 4, 1)
    assert result.frame["listed"].tolist() == ["", "300750.SZ", "", "是"]
    assert {(p.row, p.column, p.code) for p in result.problems} == {
        (2, "lon", "outside"), (2, "listed", "listed_unclear")}


def test_the_cli_says_how_many_kept_rows_had_their_coordinates_ignored(tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text("name_zh,city,lon,lat\n甲,深圳,200,95\n乙,广州,,\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert "2 rows, 2 usable (1 with coordinates ignored, placed by district or city)" in (
        capsys.readouterr().out)
