"""Whole-file errors speak the user's language (issues 17, 20): each carries a catalogue
message (``file.*``); ``str(exc)`` stays the English text the command line prints, and the
Chinese rendering names the file (and the row where one is known) with no English words."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import panel, projects, store
from geo.frames import require_columns
from geo.registry import RegistryError, XlsxLimits, load_registry, reading
from geo.store import config
from geo.text import MessageError, Msg
from geo.text.errors import ERRORS

#: Latin words a Chinese message may hold: names the user writes in the file (column
#: names), file formats and programs, the upload-limit setting.
ALLOWED_LATIN = {"name_zh", "lon", "lat", "city", "id", "CSV", "UTF", "XLSX", "xlsx", "xls",
                 "Excel", "MB", "KB", "bytes", "ATLAS_MAX_UPLOAD_MB", "data", "projects",
                 "csv"}
#: keys no test input reaches: an unreadable file needs a permission root ignores; the CSV
#: reader and the encoding guess accept any bytes the other checks let through
UNREACHED = {"file.unreadable", "file.csv_unreadable", "file.encoding"}
#: XLSX limits checked again while the rows stream in: the scan before the parse refuses first
SECOND_CHECKS = {"file.xlsx_columns", "file.xlsx_filled"}


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


FIRMS = _xlsx([["name_zh", "city"], *[["甲", "深圳"]] * 5])


def _cases(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, Callable[[], object]]]:
    """(file name, row or "", call) for each whole-file error a user can cause."""
    yield "nowhere.csv", "", lambda: load_registry("/nonexistent/nowhere.csv")
    yield "empty.csv", "", lambda: load_registry(b" \n", name="empty.csv")
    yield "old.xls", "", lambda: load_registry(b"\xd0\xcf\x11\xe0rest", name="old.xls")
    yield "broken.xlsx", "", lambda: load_registry(b"PK\x03\x04junk", name="broken.xlsx")
    yield "noheader.csv", "", lambda: load_registry(b"a,b\n1,2\n", name="noheader.csv")
    yield "noname.csv", "", lambda: load_registry("city,x\n深圳,1\n".encode(), name="noname.csv")
    yield "noplace.csv", "", lambda: load_registry("name_zh,x\n甲,1\n".encode(),
                                                   name="noplace.csv")
    yield "neither.csv", "", lambda: load_registry("营业收入,x\n1,2\n".encode(),
                                                   name="neither.csv")
    yield "lonely.csv", "", lambda: load_registry("name_zh,lon\n甲,113\n".encode(),
                                                  name="lonely.csv")
    yield "header.csv", "1", lambda: load_registry(b"name_zh,city\n", name="header.csv")
    for limits in (XlsxLimits(rows=3), XlsxLimits(columns=1), XlsxLimits(cells=4),
                   XlsxLimits(expanded_bytes=1000), XlsxLimits(held_bytes=1000)):
        def big(limits: XlsxLimits = limits) -> object:
            monkeypatch.setattr(reading, "XLSX_LIMITS", limits)
            return load_registry(FIRMS, name="big.xlsx")
        yield "big.xlsx", "", big
    yield "panel.csv", "", lambda: panel.load_panel(b"", name="panel.csv")
    yield "panel.csv", "", lambda: panel.load_panel(b",,\n,,\n", name="panel.csv")
    yield "panel.csv", "", lambda: panel.load_panel(b"a,b\n1,2\n", name="panel.csv")
    yield "panel.csv", "1", lambda: panel.load_panel("编号,年份,营业收入\n".encode(),
                                                     name="panel.csv")
    yield "panel.csv", "1", lambda: panel.load_panel(
        "编号,年份,营业收入,2019年营业收入\nE1,2020,5,6\n".encode(), name="panel.csv")
    yield "p.csv", "", lambda: projects.load_projects("/nonexistent/p.csv")
    yield "p.csv", "", lambda: projects.load_projects(b"", name="p.csv")
    yield "p.csv", "", lambda: projects.load_projects(b"id,name_zh\n\xff\xfe", name="p.csv")
    yield "p.csv", "", lambda: projects.load_projects(b'id,name_zh\n"x,y\n', name="p.csv")
    yield "p.csv", "", lambda: projects.load_projects("id,name_zh\nx,甲\n".encode(), name="p.csv")
    good = projects.PROJECTS_PATH.read_text(encoding="utf-8").splitlines()
    yield "p.csv", "2", lambda: projects.load_projects(
        "\n".join([good[0], "," + good[1].split(",", 1)[1]]).encode(), name="p.csv")

    def too_large() -> None:
        monkeypatch.setenv(config.MAX_UPLOAD_ENV, "0.001")
        store.check_upload_size(5000)
    yield "4.9 KB", "", too_large  # the upload box names the file


def _raised(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, MessageError]]:
    out = []
    for name, row, call in _cases(monkeypatch):
        with pytest.raises(MessageError) as err:
            call()
        out.append((name, row, err.value))
        monkeypatch.undo()
    return out


def _keys(m: Msg) -> set[str]:
    return {m.key} | {k for v in m.params.values() if isinstance(v, Msg) for k in _keys(v)}


def _latin_words(text: str, m: Msg) -> set[str]:
    for value in sorted(map(str, m.values()), key=len, reverse=True):
        text = text.replace(repr(value), "").replace(value, "")
    return set(re.findall(r"[A-Za-z_]+", text)) - ALLOWED_LATIN


def test_every_whole_file_error_renders_in_chinese_naming_the_file(monkeypatch):
    for name, row, exc in _raised(monkeypatch):
        assert exc.msg is not None, exc
        assert exc.render("en") == str(exc)
        zh = exc.render("zh")
        assert name in zh and f"第 {row} 行" in zh if row else name in zh, zh
        assert not _latin_words(zh, exc.msg), (zh, _latin_words(zh, exc.msg))
        assert re.search("[\u4e00-\u9fff]", zh.replace(name, "")), zh


def test_the_inputs_reach_every_file_error(monkeypatch):
    seen = set().union(*(_keys(exc.msg) for _, _, exc in _raised(monkeypatch) if exc.msg))
    # (the indicators file is the administrator's: tested at the end)
    files = {k for k in ERRORS if k.startswith("file.") and not k.startswith("file.indicators")}
    assert files - seen == UNREACHED | SECOND_CHECKS


@pytest.mark.parametrize("key", sorted(UNREACHED | SECOND_CHECKS))
def test_the_unreached_errors_have_chinese_too(key):
    params = {"path": "a.xlsx", "name": "a.xlsx", "reason": "Permission denied",
              "detail": "field larger than field limit", "row": 7, "n": 300, "limit": 256}
    m = Msg("file.too_big", {"name": "a.xlsx", "what": Msg(key, params)}) if key in \
        SECOND_CHECKS else Msg(key, params)
    zh = m.render("zh")
    assert "a.xlsx" in zh and not _latin_words(zh, m), zh


def test_english_reads_as_before():
    """The command line and the tests matching English see the same text as before."""
    cases = {
        "file.empty": ({"name": "f.csv"}, "f.csv: the file is empty; export the registry again"),
        "file.xls": ({"name": "f.xls"}, "f.xls: old Excel .xls format; save it as .xlsx or CSV "
                                        "UTF-8"),
        "file.no_rows": ({"name": "f.csv", "row": 1},
                         "f.csv: a header (row 1) but no data rows; add one firm per row below "
                         "the header"),
    }
    for key, (params, english) in cases.items():
        assert Msg(key, params).render("en") == english
    with pytest.raises(RegistryError, match=r"^f\.csv: required column\(s\) missing: 企业名称 "
                                            r"\(name_zh\); found 'city, x'\. Add the column"):
        load_registry("city,x\n深圳,1\n".encode(), name="f.csv")


def test_a_frame_contract_speaks_through_a_message_error_only():
    with pytest.raises(projects.ProjectError) as err:
        require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "p.csv",
                        error=projects.ProjectError)
    assert err.value.render("zh") == "p.csv 缺少列 ['b']；应有的列为 ['a', 'b']"
    with pytest.raises(ValueError) as plain:
        require_columns(pd.DataFrame({"a": [1]}), ["b"], "frame")
    assert not isinstance(plain.value, MessageError)
    assert str(plain.value) == "frame lacks columns ['b']; expected ['b']"



# --------------------------------------------------------------------------- the Data page
APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(scope="module")
def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("key", "file", "chinese"), [
    ("upload_file", ("空.csv", b"", "text/csv"), "空.csv：文件是空的；请重新导出名录"),
    # the upload box takes .xlsx only: an .xls renamed
    ("upload_file", ("old.xlsx", b"\xd0\xcf\x11\xe0" + bytes(60), "text/csv"),
     "old.xlsx：这是旧的 Excel .xls 格式"),
    ("upload_file", ("cols.csv", "城市,营业收入\n深圳,5\n".encode(), "text/csv"),
     "cols.csv：缺少必需的列：企业名称（name_zh）；文件中的列为"),
    ("panel_file", ("years.csv", b"", "text/csv"), "years.csv：文件是空的；请重新导出年度数据"),
    ("projects_file", ("p.csv", b"id,name_zh\nx,y\n", "text/csv"), "p.csv 缺少列"),
])
def test_the_data_page_says_what_is_wrong_with_a_file_in_chinese(data_page, key, file,
                                                                 chinese):
    at = data_page
    at.file_uploader(key=key).set_value(file).run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # plain() escapes punctuation
    assert any(chinese in text for text in shown), shown
    assert not any(re.search(r"\b(?:the|file|save|row)\b", text) for text in shown), shown
    at.file_uploader(key=key).set_value(None).run()


# --------------------------------------------------------------------------- store, editor token
#: Latin words a Chinese template may hold besides its {placeholders}: file formats, programs,
#: commands and package names an administrator types
TEMPLATE_LATIN = ALLOWED_LATIN | {"GeoPackage", "SQLite", "quick_check", "PostGIS", "CREATE",
                                  "EXTENSION", "postgis", "Debian", "postgresql",
                                  # the indicators file's column names and values
                                  "scope", "indicator", "definition", "definition_en", "year",
                                  "value", "unit", "source", "sample", "true", "false",
                                  "tianditu_key"}  # the setting a link spells


@pytest.mark.parametrize("key", sorted(ERRORS))
def test_every_chinese_template_is_chinese(key):
    zh = re.sub(r"\{[^}]*\}", "", ERRORS[key][0])
    assert not set(re.findall(r"[A-Za-z_]+", zh)) - TEMPLATE_LATIN, zh


def test_a_store_that_is_not_one_says_so_in_chinese(tmp_path):
    path = tmp_path / "store.gpkg"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(store.StoreError) as err:
        store.open_store(path)
    assert str(err.value).startswith(f"{path} is not a usable registry store")
    assert err.value.render("zh").startswith(f"{path} 不是可用的数据存储")


@pytest.mark.parametrize(("token", "configured", "chinese"), [
    ("x", "", "无法发布：未配置编辑口令"),
    ("", "secret", "无法发布：需要编辑口令"),
    ("wrong", "secret", "无法发布：编辑口令不正确"),
])
def test_a_refused_publish_says_why_in_chinese(tmp_path, token, configured, chinese):
    from geo.auth import PublishRefused, require_editor

    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'EDITOR_TOKEN = "{configured}"\n' if configured else "", "utf-8")
    with pytest.raises(PublishRefused) as err:
        require_editor(token, secrets_path=secrets, environ={})
    assert err.value.render("zh").startswith(chinese)
    assert str(err.value).startswith("cannot publish: ")
    with pytest.raises(PublishRefused) as err:
        require_editor(token, action="set the default version", secrets_path=secrets,
                       environ={})
    assert err.value.render("zh").startswith(chinese.replace("发布", "设置默认版本", 1))


def test_every_page_says_in_chinese_that_the_store_cannot_be_read(tmp_path, monkeypatch):
    broken = tmp_path / "store.gpkg"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("ATLAS_STORE", str(broken))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "zh"
    at.run()
    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]
    assert any("不是可用的数据存储" in w and "is not a usable" not in w for w in shown), shown


@pytest.mark.parametrize(("row", "chinese"), [
    ("440000,x,2021,,亿元,d,d,https://a,false", "ind.csv：第 3 行，value：value 必须是数字"),
    ("440000,x,2021,1,亿元,d,d,,false", "ind.csv：第 3 行，source：source 为空"),
    ("440000,x,2020,2,亿元,d,d,https://a,false", "ind.csv：第 2, 3 行的 scope"),
])
def test_a_bad_indicators_file_says_where_in_chinese(tmp_path, row, chinese):
    from geo.indicators import IndicatorError, load_indicators

    path = tmp_path / "ind.csv"
    path.write_text("scope,indicator,year,value,unit,definition,definition_en,source,sample\n"
                    f"440000,x,2020,1,亿元,d,d,https://a,false\n{row}\n", encoding="utf-8")
    with pytest.raises(IndicatorError) as err:
        load_indicators(path)
    assert err.value.render("zh").replace(str(tmp_path) + "/", "").startswith(chinese)


def test_tianditu_without_a_key_says_so_in_chinese():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "zh"
    at.query_params["basemap"] = "tianditu"
    at.run()
    at.switch_page("views/cities.py").run()
    at.button(key="basemap_yes").click().run()  # an online basemap from a link asks first
    assert not at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]
    assert any(w.startswith("天地图底图需要您自己的天地图密钥") for w in shown), shown
