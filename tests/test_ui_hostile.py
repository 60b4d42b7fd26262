"""Hostile input at the UI's edges (issue 17): user text stays text, a bad scheme, store or
registry is a message, and a link cannot make the browser call a tile server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.text import t
from ui.mapview import parse_breaks
from ui.text import WORD_JOINER, plain

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
HOSTILE = "**粗体** [点此](http://evil.example/login) $x^2$ :red[红] www.evil.example <b>b</b>"


def _app(page: str = "overview", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    return at


# A Markdown construct needs one of these characters unescaped; plain() leaves none.
_ACTIVE = re.compile(r"(?<!\\)[*_\[\]()$:<>`~#|!]")


def _unescaped(body: str) -> list[str]:
    return _ACTIVE.findall(re.sub(r"\\\\", "", body))


@pytest.mark.parametrize("text", [HOSTILE, "# 标题\n\n    code\n- item", "a\\*b", "1. x",
                                  "![img](x.png)", "`code`", "~~del~~", "a@evil.example"])
def test_plain_leaves_no_markdown_syntax_active(text):
    body = plain(text)
    assert _unescaped(body) == []
    assert "\n" not in body
    # unescaping gives back the text (whitespace runs and invisible word joiners aside)
    assert re.sub(r"\\(.)", r"\1", body).replace(WORD_JOINER, "") == " ".join(text.split())


@pytest.mark.parametrize("address", ["http://evil.example/x", "HTTPS://evil.example",
                                     "www.evil.example", "WWW.evil.example", "a@evil.example",
                                     "mailto:a@evil.example"])
def test_plain_breaks_bare_addresses(address):
    """GFM links bare addresses in the parsed text, where escapes are gone: the patterns
    it looks for (GitHub's gfm-autolink-literal) must not match what the text becomes."""
    shown = re.sub(r"\\(.)", r"\1", plain(address))
    assert not re.search(r"(?i)https?://|www\.|[-.\w+]@[-\w]", shown)


def test_search_text_from_a_link_is_shown_as_text():
    at = _app("cities", q=HOSTILE)
    assert not at.exception
    caption = next(c.value for c in at.caption if t("data_source", "zh") in c.value)
    assert plain(HOSTILE) in caption and _unescaped(caption) == []


def test_url_problem_toasts_are_text():
    at = _app(scheme="**x**[y](http://evil.example)")
    assert not at.exception
    bodies = [toast.value for toast in at.toast]
    assert bodies and all(_unescaped(b) == [] for b in bodies)
    assert any("evil" in b for b in bodies)


@pytest.mark.parametrize(("raw", "expected"), [
    ("10, 50，100", [10.0, 50.0, 100.0]), ("50,10,10", [10.0, 50.0]), ("", None),
    ("abc", None), ("1, nan", None), ("inf", None), ("1e400", None),
])
def test_parse_breaks(raw, expected):
    assert parse_breaks(raw) == expected


def test_user_defined_scheme_without_or_with_bad_breaks_is_a_message():
    at = _app("cities", scheme="user_defined")
    assert not at.exception, at.exception
    assert any(t("breaks_missing", "zh") == i.value for i in at.info)
    at.text_input(key="breaks").input("abc").run()
    assert not at.exception, at.exception
    assert any("“abc”" in i.value for i in at.info)
    at.text_input(key="breaks").input("**x** $1$").run()
    assert not at.exception
    assert any(plain("**x** $1$") in i.value for i in at.info)
    at.text_input(key="breaks").input("1, 5, 20").run()
    assert not at.exception
    assert not any("breaks" in str(i.value) or "断点" in i.value for i in at.info)


def test_online_basemap_from_a_link_asks_first():
    at = _app("cities", basemap="amap")
    assert not at.exception
    assert at.session_state["basemap"] == "none"
    assert any("高德地图" in i.value for i in at.info)
    at.button(key="basemap_yes").click().run()
    assert not at.exception
    assert at.session_state["basemap"] == "amap"
    assert not any("高德地图" in i.value for i in at.info)


def test_staying_offline_keeps_the_map_offline():
    at = _app("cities", basemap="osm")
    at.button(key="basemap_no").click().run()
    assert not at.exception and at.session_state["basemap"] == "none"
    assert "basemap_no" not in [b.key for b in at.button]


def test_a_broken_configured_registry_shows_its_report(tmp_path, monkeypatch):
    path = tmp_path / "enterprises.csv"
    path.write_text("name_zh,city,employees\n[点此](http://evil.example),深圳,1e20\n乙,火星,\n",
                    encoding="utf-8")
    monkeypatch.setenv("ATLAS_ENTERPRISES", str(path))
    at = _app("cities")
    assert not at.exception, at.exception
    assert any(plain(str(path)) in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert problems.iloc[:, 0].tolist() == [2, 3]  # the rows, as a spreadsheet numbers them


def test_an_unusable_configured_registry_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "missing.csv"
    monkeypatch.setenv("ATLAS_ENTERPRISES", str(path))
    for lang, said in (("zh", "找不到文件"), ("en", "not found")):  # in the user's language
        at = _app(lang=lang)
        assert not at.exception, at.exception
        assert any(said in e.value and plain("missing.csv") in e.value for e in at.error)


def test_an_unreadable_store_is_said_on_every_page(tmp_path, monkeypatch):
    broken = tmp_path / "store.gpkg"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("ATLAS_STORE", str(broken))
    for page in ("overview", "data"):
        at = _app(page)
        assert not at.exception, at.exception
        assert any(t("bundled", "zh") in w.value and plain(str(broken)) in w.value
                   for w in at.warning), [w.value for w in at.warning]


def _column_types(element) -> dict[str, str]:
    import json

    config = json.loads(element.proto.columns or "{}")
    return {k: v.get("type_config", {}).get("type", "") for k, v in config.items()}


def test_sources_of_an_upload_are_not_live_links(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "store.gpkg"))
    data = ("企业名称,所在城市,数据来源,示例数据\n"
            "[点此](http://evil.example),深圳,http://evil.example/login,否\n").encode()
    at = _app("data")
    bundled = [_column_types(d) for d in at.dataframe]
    assert any("link" in types.values() for types in bundled)  # curated sources: links
    at.file_uploader(key="upload_file").set_value(("mine.csv", data, "text/csv")).run()
    at.button(key="use_upload").click().run()
    assert not at.exception
    tables = [_column_types(d) for d in at.dataframe]
    provenance = next(types for types in tables if "出处" in types or "数据来源" in types
                      or any("source" in k.lower() for k in types))
    assert "link" not in provenance.values()
    assert "text" in provenance.values()
    at.switch_page("views/enterprises.py").run()
    at.session_state["firm_list"] = True  # open the folded firm list
    at.run()
    assert not at.exception
    firms = _column_types(at.dataframe[0])
    assert firms and "link" not in firms.values()
