"""Firm-year panel (geo.panel): long and wide import, row report, growth and CAGR, CLIs."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from geo import panel as PN
from geo.__main__ import main
from geo.registry import RegistryError

REGISTRY = pd.DataFrame({
    "id": ["A", "B", "C", "D", "E"],
    "name_zh": ["甲公司", "乙公司", "丙公司", "丁公司", "戊公司"],
    "city_adcode": ["440300", "440300", "440100", "440500", "440300"],
    "revenue_10k_cny": [np.nan] * 5, "revenue_year": [np.nan] * 5,
    "sample": [False] * 5,
})


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_long_form_reads_and_reports_rows():
    data = _csv("编号,年份,营业收入(万元),从业人员,数据来源,示例数据\n"
                "A,2019,\"1,000\",50,年报,否\n"
                "A,2020,1200,,年报,否\n"
                "B,20x0,500,,,\n"           # row 4: bad year
                "B,2020,abc,,,\n"           # row 5: bad revenue and nothing else
                "Z,2020,10,,,\n"            # row 6: not in the registry
                "A,2020,1300,,,\n"          # row 7: duplicate firm-year
                ",2021,10,,,\n"             # row 8: no id, no name
                "C,2021,-5,3,,maybe\n")     # row 9: negative revenue, bad sample flag
    r = PN.load_panel(data, name="p.csv", registry=REGISTRY)
    assert r.form == "long" and r.rows == 8
    assert r.frame["id"].tolist() == ["A", "A", "C"]
    assert r.frame["year"].tolist() == [2019, 2020, 2021]
    assert r.frame["revenue_10k_cny"].tolist()[:2] == [1000.0, 1200.0]
    assert math.isnan(r.frame.loc[2, "revenue_10k_cny"]) and r.frame.loc[2, "employees"] == 3
    where = {(p.row, p.column) for p in r.problems}
    assert (4, "year") in where
    assert (5, "营业收入(万元)") in where and (5, "revenue_10k_cny") in where
    assert (6, "id") in where and r.unmatched_ids == ["Z"]
    assert (7, "year") in where
    assert (8, "id") in where
    assert (9, "revenue_10k_cny") in where and (9, "sample") in where


def test_wide_form_with_units_and_names():
    data = _csv("企业名称,编号,2019年营业收入,2020营收(亿元),2021年从业人员\n"
                "甲公司,A,100,0.02,7\n"
                "乙公司,,50,,\n"            # no id: found by name in the registry
                "无名公司,,1,1,\n")         # row 4: no id, name unknown
    r = PN.load_panel(data, name="wide.csv", registry=REGISTRY)
    assert r.form == "wide"
    got = r.frame.set_index(["id", "year"])
    assert got.loc[("A", 2019), "revenue_10k_cny"] == 100
    assert got.loc[("A", 2020), "revenue_10k_cny"] == pytest.approx(200)  # 亿元 -> 万元
    assert got.loc[("A", 2021), "employees"] == 7
    assert math.isnan(got.loc[("A", 2021), "revenue_10k_cny"])
    assert got.loc[("B", 2019), "revenue_10k_cny"] == 50
    assert ("B", 2020) not in got.index  # a blank cell is no value, not a zero row
    assert [(p.row, p.column) for p in r.problems] == [(4, "id")]


def test_wide_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2024年企业营收表"])
    ws.append(["编号", "2022年营业收入", "2023年营业收入"])
    ws.append(["A", 10, 20])
    ws.append(["B", "=1+1", 5])  # a formula saved without its value (never recalculated)
    buf = io.BytesIO()
    book.save(buf)
    r = PN.load_panel(buf.getvalue(), name="p.xlsx", registry=REGISTRY)
    assert r.form == "wide"
    assert r.frame[r.frame["id"] == "A"]["revenue_10k_cny"].tolist() == [10, 20]
    assert [(p.row, p.column) for p in r.problems if "formula" in p.message] == [
        (4, "2022年营业收入")]


def test_unusable_files_raise_with_file_name():
    with pytest.raises(RegistryError, match="empty"):
        PN.load_panel(b"", name="e.csv")
    with pytest.raises(RegistryError, match="no header"):
        PN.load_panel(_csv("foo,bar\n1,2\n"), name="x.csv")
    with pytest.raises(RegistryError, match="one form"):
        PN.load_panel(_csv("编号,年份,2019年营业收入\nA,2019,1\n"), name="m.csv")


def _panel(rows):
    return pd.DataFrame(rows, columns=["id", "year", "revenue_10k_cny"]).assign(sample=False)


def test_growth_against_hand_computed_values():
    panel = _panel([
        ("A", 2019, 8000), ("A", 2022, 12000),    # crosses 1亿 (10,000 万元)
        ("B", 2019, 2000),                        # exits
        ("E", 2022, 3000),                        # enters
        ("C", 2019, 100000), ("C", 2022, 121000),  # 广州: 10亿 -> 12.1亿
        ("Z", 2019, 5),                           # not in the registry: not counted
    ])
    g = PN.growth(panel, REGISTRY, 2019, 2022).set_index("adcode")
    sz = g.loc["440300"]
    assert sz["revenue_from_100m_cny"] == pytest.approx(1.0)   # (8000 + 2000) / 1e4
    assert sz["revenue_to_100m_cny"] == pytest.approx(1.5)     # (12000 + 3000) / 1e4
    assert sz["change_100m_cny"] == pytest.approx(0.5)
    assert sz["pct_change"] == pytest.approx(0.5)
    assert sz["cagr"] == pytest.approx(1.5 ** (1 / 3) - 1)
    assert (sz["crossed_100m"], sz["crossed_1bn"], sz["entries"], sz["exits"]) == (1, 0, 1, 1)
    assert (sz["firms_from"], sz["firms_to"]) == (2, 2)
    gz = g.loc["440100"]
    assert gz["cagr"] == pytest.approx(1.21 ** (1 / 3) - 1)
    assert gz["crossed_1bn"] == 0  # already above in 2019
    st = g.loc["440500"]  # 汕头: a firm but no revenue in either year -> no data, not zero
    assert math.isnan(st["revenue_from_100m_cny"]) and math.isnan(st["cagr"])
    assert st["firms_from"] == 0
    zones = PN.growth(panel, REGISTRY, 2019, 2022, level="zone").set_index("zone")
    assert zones.loc["core", "revenue_to_100m_cny"] == pytest.approx(1.5 + 12.1)
    with pytest.raises(ValueError, match="before"):
        PN.growth(panel, REGISTRY, 2022, 2019)
    with pytest.raises(ValueError, match="level"):
        PN.growth(panel, REGISTRY, 2019, 2022, level="district")
    with pytest.raises(ValueError, match=r"^enterprises lacks columns \['city_adcode'\]"):
        PN.growth(panel, REGISTRY.drop(columns="city_adcode"), 2019, 2022)
    with pytest.raises(ValueError, match=r"^panel lacks columns \['revenue_10k_cny'\]"):
        PN.growth(panel.drop(columns="revenue_10k_cny"), REGISTRY, 2019, 2022)


def test_frame_for_year_uses_only_that_year():
    enterprises = REGISTRY.assign(revenue_10k_cny=[1.0, 2.0, 3.0, 4.0, 5.0],
                                  revenue_year=[2019.0] * 5, tier="small")
    panel = _panel([("A", 2021, 20000.0), ("B", 2020, 7.0)]).assign(employees=np.nan)
    out = PN.frame_for_year(enterprises, panel, 2021)
    assert out.loc[0, "revenue_10k_cny"] == 20000 and out.loc[0, "tier"] == "t100m"
    assert np.isnan(out.loc[1:, "revenue_10k_cny"]).all()  # no 2021 value: unknown
    assert out.loc[0, "revenue_year"] == 2021 and np.isnan(out.loc[1, "revenue_year"])
    with pytest.raises(ValueError, match=r"^panel lacks columns \['sample'\]"):
        PN.frame_for_year(enterprises, panel.drop(columns="sample"), 2021)


def test_firm_years_panel_wins_over_registry():
    enterprises = REGISTRY.assign(revenue_10k_cny=[5.0, np.nan, 7.0, np.nan, np.nan],
                                  revenue_year=[2019.0, np.nan, 2020.0, np.nan, np.nan])
    fy = PN.firm_years(_panel([("A", 2019, 9.0)]), enterprises)
    assert fy.set_index(["id", "year"])["revenue_10k_cny"].to_dict() == {
        ("A", 2019): 9.0, ("C", 2020): 7.0}


def test_bundled_panel_is_clean_and_labelled():
    from geo.registry import load_enterprises

    e = load_enterprises()
    r = PN.load_panel(PN.PANEL_PATH, registry=e)
    assert r.problems == [] and r.unmatched_ids == []
    real = r.frame[~r.frame["sample"]]
    assert len(real) >= 5 and real["source"].str.contains("http").all()
    assert r.frame[r.frame["sample"]]["source"].str.contains("make_panel.py").all()


def test_growth_cli(tmp_path, capsys):
    assert main(["growth", "--from", "2019", "--to", "2025", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    rows = {r["adcode"]: r for r in payload["table"]}
    assert len(rows) == 21 and {"cagr", "pct_change", "revenue_from_100m_cny"} <= set(
        rows["440300"])
    assert main(["growth", "--from", "2025", "--to", "2019"]) == 2
    assert "before" in capsys.readouterr().err
    assert main(["growth", "--from", "2019", "--to", "2020", "--years",
                 str(tmp_path / "none.csv")]) == 2


def test_metrics_cli_for_a_year(capsys):
    assert main(["metrics", "--years", str(PN.PANEL_PATH), "--year", "2023", "--no-sites",
                 "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["table"]) == 21
    assert main(["metrics", "--years", str(PN.PANEL_PATH), "--year", "1999",
                 "--no-sites"]) == 2
    assert "no firm-year for 1999" in capsys.readouterr().err
    assert main(["metrics", "--year", "2023", "--no-sites"]) == 2
