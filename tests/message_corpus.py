"""A corpus of bad uploads (registry, panel, shipped sites) meant to raise every row message,
built from the same hostile inputs as tests/test_hostile_input.py. Used by
tests/test_messages.py; ``python tests/message_corpus.py OUT.json`` writes the English
messages the running code gives (how tests/fixtures/problem_messages_en.json was made from
the code before messages had keys)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator

import numpy as np
import openpyxl
import pandas as pd

from geo import panel, projects, registry
from geo.regions import load_districts
from geo.registry import bundled

HEADER = ["id", "name_zh", "city", "district", "lon", "lat", "revenue_10k_cny", "employees",
          "revenue_year", "credit_code", "sector", "segment", "sample", "listed",
          "coord_precision", "products", "applications", "address"]


def _csv(rows: list[dict[str, str]], header: list[str] = HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([[r.get(c, "") for c in header] for r in rows])
    return buf.getvalue().encode("utf-8")


def _point(adcode: str) -> tuple[str, str]:
    districts = load_districts()
    p = districts.loc[districts.adcode == adcode, "geometry"].iloc[0].representative_point()
    return f"{p.x:.6f}", f"{p.y:.6f}"


def registry_files() -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of registry uploads whose rows hold every kind of problem."""
    baoan, tianhe = _point("440306"), _point("440106")
    rows = [
        {"name_zh": "", "city": "深圳"},
        {"name_zh": "甲丁", "city": "深圳", "district": "南山区", "lon": "x", "lat": "22.5"},
        {"name_zh": "甲", "city": "深圳", "revenue_10k_cny": "abc", "employees": "5000001",
         "revenue_year": "1800"},
        {"name_zh": "乙", "city": "深圳", "revenue_10k_cny": "1,5", "employees": "-3"},
        {"name_zh": "丙", "city": "深圳", "lon": "abc", "lat": "22.5"},
        {"name_zh": "丁", "city": "深圳", "lon": "113.9"},
        {"name_zh": "戊", "city": "深圳", "lat": "22.5"},
        {"name_zh": "己", "city": "深圳", "lon": baoan[1], "lat": baoan[0]},
        {"name_zh": "庚", "city": "深圳", "lon": "200", "lat": "95"},
        {"name_zh": "辛", "lon": "-113.9", "lat": "-22.5"},
        {"name_zh": "壬", "city": "Atlantis"},
        {"name_zh": "癸", "city": "深圳", "district": "不存在区"},
        {"name_zh": "子", "city": "深圳", "district": "天河区"},
        {"name_zh": "丑", "district": "无名区"},
        {"name_zh": "寅"},
        {"name_zh": "卯", "city": "广州", "lon": baoan[0], "lat": baoan[1]},
        {"name_zh": "辰", "city": "深圳", "district": "南山区", "lon": baoan[0],
         "lat": baoan[1]},
        {"name_zh": "巳", "city": "广州", "district": "越秀区", "lon": tianhe[0],
         "lat": tianhe[1], "coord_precision": "approx"},
        {"name_zh": "午", "city": "深圳", "sector": "plasma", "segment": "xx",
         "sample": "maybe", "listed": "maybe"},
        {"name_zh": "未", "city": "深圳", "credit_code": "123"},
        {"name_zh": "申", "city": "深圳", "credit_code": "9.1440300708461E+17"},
        {"id": "F1", "name_zh": "酉", "city": "深圳", "credit_code": "914403001922038216"},
        {"id": "F2", "name_zh": "戌", "city": "深圳", "credit_code": "914403001922038216"},
        {"id": "F3", "name_zh": "亥", "city": "深圳"},
        {"id": "F3", "name_zh": "甲乙", "city": "深圳"},
        {"name_zh": "乙丙\u202e", "city": "深圳\x07", "address": "路" * 301},
        {"name_zh": "丙丁" * 101, "city": "深圳"},
        {"name_zh": "丁戊", "city": "深圳", "products": "foo;laser_sourse",
         "applications": "bar"},
    ]
    yield "rows.csv", _csv(rows)
    text = _csv([{"name_zh": "甲", "city": "深圳"}, {"name_zh": "乙", "city": "广州"}]).decode()
    yield "long_row.csv", (text + "丙,深圳" + "," * 30 + "x\n").encode()
    yield "duplicate_header.csv", "企业名称,name_zh,所在城市,经度\n甲,乙,深圳,113.9\n".encode()
    book = openpyxl.Workbook()
    for row in (["企业名称", "所在城市", "经度", "纬度", "主营业务收入"],
                ["甲", "广州", "=113.3", "=23.1", "=SUM(1,2)"]):
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    yield "formulas.xlsx", buf.getvalue()


def panel_files() -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of firm-year panels with every kind of row problem."""
    yield "panel.csv", ("编号,年份,营业收入(万元),从业人员,数据来源,示例数据\n"
                        "A,2019,\"1,000\",50,年报,否\n"
                        "B,20x0,500,,,\n"
                        "B,2020,abc,,,\n"
                        "Z,2020,10,,,\n"
                        "A,2019,1300,,,\n"
                        ",2021,10,,,\n"
                        "C,2021,-5,3,,maybe\n").encode()
    book = openpyxl.Workbook()
    for row in (["编号", "年份", "营业收入(万元)"], ["A", 2020, "=SUM(1,2)"]):
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    yield "panel.xlsx", buf.getvalue()


PANEL_REGISTRY = pd.DataFrame({"id": ["A", "B", "C"], "name_zh": ["甲公司", "乙公司", "丙公司"]})


def bad_sites() -> pd.DataFrame:
    """Two sites rows breaking every check of the shipped sites file."""
    return pd.DataFrame({
        "id": ["s1", "s1"], "name_zh": ["", "园"], "kind": ["castle", "park"],
        "status": ["dreaming", "operating"], "coord_precision": ["roughly", "none"],
        "source": ["", "x"], "city_adcode": ["440300", "440300"],
        "lon": ["1", "113.9"], "lat": ["1", "22.5"]})


def bad_projects() -> bytes:
    """A key-project register whose rows break every check."""
    header = ",".join(projects.COLUMNS)
    return (header + "\n"
            "P1,,,castle,999999,某区,,200,95,city,-1,20x0,1800,dreaming,2021-13-01,,,note\n"
            "P1,项目,Project,park,440300,,,113.9,22.5,city,,,,planned,2021-05-17,x,备注,\n"
            ).encode()


def problems() -> Iterator[tuple[str, registry.Problem]]:
    """(file name, problem) for every problem the corpus gives."""
    for name, data in registry_files():
        for p in registry.load_registry(data, name=name).problems:
            yield name, p
    for name, data in panel_files():
        for p in panel.load_panel(data, name=name, registry=PANEL_REGISTRY).problems:
            yield name, p
    for p in bundled._site_problems(bad_sites()):
        yield "sites.csv", p
    try:
        projects.load_projects(bad_projects(), name="projects.csv")
    except projects.ProjectError as exc:
        for p in getattr(exc, "problems", ()):  # the code before keys had none
            yield "projects.csv", p


def english() -> list[list[object]]:
    """``[file, row, column, message]`` of every problem, in order."""
    return [[name, p.row, p.column, p.message] for name, p in problems()]


if __name__ == "__main__":
    np.seterr(all="ignore")
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(english(), f, ensure_ascii=False, indent=0)
