"""The plan as data (geo.plan), indicators (geo.indicators) and `python -m geo targets`."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from geo import indicators as ind
from geo import plan as P
from geo.__main__ import main

PLAN_TOML = """
[plan]
code = "test-plan"
title_zh = "测试规划"
title_en = "Test plan"
source = "https://example.org/plan"
baseline_year = 2020
start_year = 2021
end_year = 2024

[[targets]]
code = "output"
zh = "产值"
en = "Output"
measure = "indicator"
indicator = "output"
definition = "口径A"
kind = "level"
comparison = ">="
target = 160
unit_zh = "亿元"
unit_en = "¥100 m"
baseline = 100
baseline_year = 2020
path = "linear"
quote = "产值达160亿元"

[[targets]]
code = "output_growth"
zh = "产值年增长"
en = "Output growth"
measure = "indicator"
indicator = "output"
definition = "口径A"
kind = "growth"
comparison = ">"
target = 0.1
unit_zh = "%/年"
unit_en = "%/yr"
scale = 100
quote = "年增长10%以上"

[[targets]]
code = "big_firms"
zh = "大企业"
en = "Big firms"
measure = "firms"
threshold_10k_cny = 100
kind = "level"
comparison = ">="
target = 3
unit_zh = "家"
unit_en = "firms"
baseline = 1
baseline_year = 2020
path = "linear"
quote = "大企业3家"

[[targets]]
code = "patents"
zh = "专利"
en = "Patents"
measure = "indicator"
indicator = "patents"
definition = "授权量"
kind = "level"
comparison = ">"
target = 50
unit_zh = "件"
unit_en = "patents"
quote = "专利50件以上"
"""


def _indicators(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["scope", "indicator", "year", "value", "definition"])
    return df.assign(unit="亿元", source="https://example.org/src", sample=False,
                     definition_en="def " + df["definition"], note_zh="", note_en="")


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_TOML, encoding="utf-8")
    return path


def test_shipped_plan_has_every_target_of_section_two():
    plan = P.load_plan()
    codes = [t.code for t in plan.targets]
    assert codes == ["revenue", "growth", "firms_1bn", "firms_100m", "value_added",
                     "related_value_added", "patent_growth", "standards", "rd_intensity"]
    t = {t.code: t for t in plan.targets}
    assert (t["revenue"].target, t["firms_1bn"].target, t["firms_100m"].target) == (2500, 15, 100)
    assert (t["growth"].target, t["patent_growth"].target, t["rd_intensity"].target) == (
        0.2, 0.15, 0.1)
    assert (t["value_added"].target, t["related_value_added"].target,
            t["standards"].target) == (1000, 120000, 200)
    assert (plan.baseline_year, plan.end_year) == (2019, 2025)
    assert all(t.quote for t in plan.targets)


def test_shipped_indicators_are_sourced_and_keep_definitions_apart():
    df = ind.load_indicators()
    assert (df["source"].str.startswith("http")).all()
    revenue = df[(df["indicator"] == "cluster_revenue") & (df["scope"] == "440000")]
    assert revenue["definition"].nunique() == len(revenue) == 4  # four published definitions
    plan_series = ind.series(df, "cluster_revenue", "行动计划口径:激光与增材制造产业主营收")
    assert plan_series[["year", "value"]].values.tolist() == [[2019, 1000]]


def test_statuses_on_hand_computed_fixture(plan_file):
    plan = P.load_plan(plan_file)
    # linear path 100 (2020) -> 160 (2024): 115 in 2021, 130 in 2022
    indicators = _indicators([
        ("440000", "output", 2020, 100.0, "口径A"),
        ("440000", "output", 2022, 125.0, "口径A"),
        ("440000", "output", 2023, 999.0, "口径B"),  # other definition: never used
    ])
    firm_years = pd.DataFrame({"id": ["a", "b", "c", "a", "b", "c"],
                               "year": [2021] * 3 + [2022] * 3,
                               "revenue_10k_cny": [150, 90, 120, 150, 150, 130.0],
                               "sample": [False] * 6})
    out = P.assess(plan, indicators, firm_years).set_index("code")
    # output: 125 in 2022 < 130 required -> behind
    assert out.loc["output", "value"] == 125 and out.loc["output", "year"] == 2022
    assert out.loc["output", "required"] == pytest.approx(130.0)
    assert out.loc["output", "status"] == "behind"
    assert out.loc["output", "other_definitions"] == 1
    # growth 2020 -> 2022: (125/100)^(1/2) - 1 = 0.1180 > 0.1, period not over -> on track
    assert out.loc["output_growth", "value"] == pytest.approx(math.sqrt(1.25) - 1)
    assert out.loc["output_growth", "status"] == "on_track"
    # firms >= 100: 2 in 2021, 3 in 2022 -> met
    assert out.loc["big_firms", "value"] == 3 and out.loc["big_firms", "status"] == "met"
    # no patents series at all -> no data, value NaN (not zero)
    assert out.loc["patents", "status"] == "no_data" and math.isnan(out.loc["patents", "value"])


def test_status_rules():
    t = P.Target("x", "", "", "indicator", "level", ">", 100, "", "", "",
                 baseline=50, baseline_year=2020, path="geometric")
    assert P.status(t, 101, 2022, 2025, 2020) == ("met", "")
    assert P.status(t, 100, 2025, 2025, 2020)[0] == "behind"  # ">" is strict, period over
    assert P.required(t, 2022, 2025) == pytest.approx(65.975, abs=1e-3)  # 50 * 2^(2/5)
    assert P.status(t, 66, 2022, 2025, 2020)[0] == "on_track"
    assert P.status(t, 65, 2022, 2025, 2020)[0] == "behind"
    assert P.status(t, 60, 2020, 2025, 2020)[0] == "no_data"  # nothing after the baseline
    g = P.Target("g", "", "", "indicator", "growth", ">=", 0.2, "", "", "")
    assert P.status(g, 0.25, 2025, 2025, 2019)[0] == "met"
    assert P.status(g, 0.25, 2023, 2025, 2019)[0] == "on_track"
    assert P.status(g, 0.1, 2023, 2025, 2019)[0] == "behind"
    assert P.status(g, math.nan, None, 2025, 2019)[0] == "no_data"
    no_base = P.Target("n", "", "", "indicator", "level", ">", 10, "", "", "")
    assert P.status(no_base, 5, 2022, 2025, None)[0] == "no_data"


def test_status_rule_geometric_path_value():
    t = P.Target("x", "", "", "indicator", "level", ">", 100, "", "", "",
                 baseline=50, baseline_year=2020)
    need = P.required(t, 2022, 2025)
    assert P.status(t, need - 0.01, 2022, 2025, 2020)[0] == "behind"
    assert P.status(t, need, 2022, 2025, 2020)[0] == "on_track"


def test_trajectory_keeps_definitions_apart(plan_file):
    plan = P.load_plan(plan_file)
    indicators = _indicators([("440000", "output", 2020, 100.0, "口径A"),
                              ("440000", "output", 2023, 999.0, "口径B")])
    traj = P.trajectory(plan, plan.targets[0], indicators)
    actual = traj[traj["series"] == "actual"]
    assert actual["value"].tolist() == [100.0]
    assert traj[traj["series"] == "other"]["definition"].tolist() == ["口径B"]
    path = traj[traj["series"] == "required"].set_index("year")["value"]
    assert path.loc[2020] == 100 and path.loc[2024] == 160 and path.loc[2022] == 130


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace('kind = "level"', 'kind = "lvl"', 1), "kind"),
    (lambda s: s.replace("target = 160", "target = \"a lot\""), "target"),
    (lambda s: s.replace('code = "patents"', 'code = "output"'), "repeat"),
    (lambda s: s.replace("[plan]", "[plan]\n").replace("end_year = 2024", "end_year = 2019"),
     "years"),
    (lambda s: s + "\n[[targets]]\ncode = 1\n", "code"),
    (lambda s: s.replace("quote = \"大企业3家\"", "quote = \"大企业3家\"\ncolour = \"red\""),
     "unknown fields"),
    (lambda s: s.replace("[plan]", "[plan"), "TOML"),
    # a missing translation names the file, the target and the field
    (lambda s: s.replace('unit_en = "firms"\n', ""), r"bad.toml: target 'big_firms': 'unit_en'"),
    (lambda s: s.replace('unit_zh = "件"\nunit_en = "patents"', 'unit = "吨"'), "unit code"),
    (lambda s: s.replace("end_year = 2024", 'end_year = 2024\nissued_zh = "某文号"'),
     r"\[plan\]: 'issued_en' is missing"),
    (lambda s: s.replace("end_year = 2024", 'end_year = 2024\nissued = "文号"'),
     "issued_zh and issued_en"),
])
def test_bad_plan_files_name_the_problem(tmp_path, edit, message):
    path = tmp_path / "bad.toml"
    path.write_text(edit(PLAN_TOML), encoding="utf-8")
    with pytest.raises(P.PlanError, match=message):
        P.load_plan(path)


def test_missing_plan_file(tmp_path):
    with pytest.raises(P.PlanError, match="not found"):
        P.load_plan(tmp_path / "nope.toml")


def test_plan_unit_code_gives_both_labels(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_TOML.replace('unit_zh = "件"\nunit_en = "patents"', 'unit = "项"'),
                    encoding="utf-8")
    patents = P.load_plan(path).targets[-1]
    assert (patents.unit("zh"), patents.unit("en")) == ("项", "items")


@pytest.mark.parametrize("row, column", [
    ("440000,x,2020,1,亿元,口径,,https://a,false,,", "definition_en"),    # no English
    ("440000,x,2020,1,亿元,口径,def,https://a,false,下限,", "note_en"),    # note in zh only
    ("440000,x,2020,1,亿元,口径,def,https://a,false,,lower bound", "note_zh"),
    ("440000,x,2020,1,億,口径,def,https://a,false,,", "unit"),          # not a unit code
])
def test_indicator_missing_translation_names_row_and_column(tmp_path, row, column):
    path = tmp_path / "ind.csv"
    path.write_text("scope,indicator,year,value,unit,definition,definition_en,source,sample,"
                    f"note_zh,note_en\n440000,x,2019,1,亿元,口径,def,https://a,false,,\n{row}\n",
                    encoding="utf-8")
    with pytest.raises(ind.IndicatorError, match=rf"ind.csv: row 3, {column}"):
        ind.load_indicators(path)


def test_bad_indicator_rows_name_row_and_column(tmp_path):
    path = tmp_path / "ind.csv"
    path.write_text("scope,indicator,year,value,unit,definition,definition_en,source,sample\n"
                    "440000,x,2020,1,亿元,d,d,https://a,false\n"
                    "440000,x,2021,,亿元,d,d,https://a,false\n", encoding="utf-8")
    with pytest.raises(ind.IndicatorError, match=r"row 3, value"):
        ind.load_indicators(path)
    path.write_text("scope,indicator,year,value,unit,definition,definition_en,source,sample\n"
                    "440000,x,2020,1,亿元,d,d,,false\n", encoding="utf-8")
    with pytest.raises(ind.IndicatorError, match=r"row 2, source"):
        ind.load_indicators(path)


def test_targets_cli_json_and_alternative_plan(plan_file, tmp_path, capsys):
    indicators = tmp_path / "ind.csv"
    indicators.write_text("scope,indicator,year,value,unit,definition,definition_en,source,"
                          "sample\n"
                          "440000,output,2020,100,亿元,口径A,def A,https://a,false\n"
                          "440000,output,2024,170,亿元,口径A,def A,https://a,false\n",
                          encoding="utf-8")
    assert main(["targets", "--plan", str(plan_file), "--indicators", str(indicators),
                 "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    rec = {r["code"]: r for r in out["targets"]}
    assert set(rec) == {"output", "output_growth", "big_firms", "patents"}
    assert rec["output"]["value"] == 170 and rec["output"]["status"] == "met"
    assert rec["patents"]["value"] is None and rec["patents"]["status"] == "no_data"
    assert {"code", "target", "value", "year", "status"} <= set(rec["output"])


def test_targets_cli_shipped_text_and_errors(tmp_path, capsys):
    assert main(["targets"]) == 0
    out = capsys.readouterr().out
    assert "revenue" in out and "no_data" in out
    assert main(["targets", "--plan", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err and "Traceback" not in err
