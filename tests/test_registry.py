"""Importing a planner's registry: encodings, headers, datums and every problem class."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.__main__ import main
from geo.datum import wgs84_to_gcj02
from geo.registry import (
    FRAME_COLUMNS,
    Problem,
    RegistryError,
    RegistryResult,
    canonical_header,
    checks,
    credit_code_valid,
    load_registry,
    reading,
    resolve_city,
    resolve_district,
    schema,
    template_frame,
)

# Published 统一社会信用代码: the example in GB 32100-2015 itself, 华为技术有限公司 and
# 深圳市腾讯计算机系统有限公司 (both on their business licences).
VALID_CODES = ["91350100M000100Y43", "914403001922038216", "91440300708461136T"]

CANONICAL_HEADER = ["id", "name_zh", "city", "district", "lon", "lat", "revenue_10k_cny",
                    "employees", "credit_code"]


@pytest.fixture(scope="module")
def spots(districts, regions):
    """Points known to lie in a district / city, from the polygons themselves."""
    def inside(gdf, adcode):
        geom = gdf.loc[gdf.adcode == adcode, "geometry"].iloc[0]
        p = geom.representative_point()
        return round(p.x, 6), round(p.y, 6)

    return {
        "baoan": inside(districts, "440306"),
        "nanshan": inside(districts, "440305"),
        "tianhe": inside(districts, "440106"),
        "dongguan": inside(regions, "441900"),
    }


def _csv(rows: list[list[object]], header: list[str] = CANONICAL_HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _where(result: RegistryResult) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in result.problems}


# --------------------------------------------------------------------------- vocabulary
def test_credit_code_check_character():
    assert credit_code_valid(VALID_CODES).all()
    wrong_check = [c[:-1] + ("0" if c[-1] != "0" else "1") for c in VALID_CODES]
    assert not credit_code_valid(wrong_check).any()
    # wrong length, a letter outside the 31-character alphabet (I O S V Z), blank
    bad = ["9135010000100Y43", "91350100M000100I43", "91350100M000100Z43", ""]
    assert not credit_code_valid(bad).any()


@pytest.mark.parametrize(("header", "expected"), [
    ("企业名称", "name_zh"), ("名称", "name_zh"), ("经度", "lon"), ("纬度（GCJ-02）", "lat"),
    ("所在城市", "city"), ("地市", "city"), ("所在区县", "district"), ("注册地址", "address"),
    ("主营业务收入(万元)", "revenue_10k_cny"), ("营业收入（万元）", "revenue_10k_cny"),
    ("产业链环节", "segment"), ("统一社会信用代码", "credit_code"), (" lon ", "lon"),
    ("企业名称 (name_zh)", "name_zh"), ("电话", None),
])
def test_headers(header, expected):
    assert canonical_header(header) == expected


@pytest.mark.parametrize("name", ["深圳", "深圳市", "Shenzhen", "shenzhen city", "440300",
                                  "广东省深圳市", " 深圳市 "])
def test_city_names(name):
    assert resolve_city(name) == "440300"


def test_district_names():
    assert resolve_district("宝安", "440300") == "440306"
    assert resolve_district("宝安区", "440300") == "440306"
    assert resolve_district("宝安区新桥街道", "440300") == "440306"
    assert resolve_district("大鹏新区", "440300") == "440307"  # administered in 龙岗区
    assert resolve_district("乳源", "440200") == "440232"  # 乳源瑶族自治县
    assert resolve_district("宝安", None) == "440306"  # unique in Guangdong
    assert resolve_district("宝安", "440100") is None  # not in Guangzhou
    assert resolve_city("火星") is None


# --------------------------------------------------------------------------- problems
def test_each_problem_class_with_its_row(spots):
    ba, ns, th = spots["baoan"], spots["nanshan"], spots["tianhe"]
    rows = [
        ["a", "好企业", "深圳", "宝安", *ba, "1200", "30", VALID_CODES[0]],  # row 2
        ["b", "收入不是数", "深圳", "", *ns, "abc", "", ""],  # 3
        ["c", "负数", "深圳", "", *ns, "-5", "-3", ""],  # 4
        ["d", "在北京", "深圳", "", 116.40, 39.90, "", "", ""],  # 5
        ["e", "经纬颠倒", "深圳", "", ba[1], ba[0], "", "", ""],  # 6
        ["a", "重复编号", "深圳", "", *ns, "", "", ""],  # 7
        ["g", "多一列", "深圳", "", *ns, "", "", "", "extra"],  # 8
        ["h", "火星企业", "火星市", "", "", "", "", "", ""],  # 9
        ["i", "未知区", "深圳", "火星区", "", "", "", "", ""],  # 10
        ["j", "坏代码", "深圳", "", *ns, "", "", "91350100M000100Y44"],  # 11
        ["k", "城市不符", "深圳", "", *th, "", "", ""],  # 12
        ["l", "重复代码", "深圳", "", *ns, "", "", VALID_CODES[0]],  # 13
    ]
    result = load_registry(_csv(rows), name="problems.csv")
    assert _where(result) == {
        (3, "revenue_10k_cny"), (4, "revenue_10k_cny"), (4, "employees"), (5, "lon"),
        (6, "lon"), (7, "id"), (8, ""), (9, "city"), (10, "district"), (11, "credit_code"),
        (12, "city"), (13, "credit_code"),
    }
    assert result.rows == 12
    frame = result.frame.set_index("id")
    # left out: the duplicate id (7), too many fields (8), no location (9), duplicate code (13)
    assert sorted(frame.index) == sorted("abcdeijk")
    assert result.valid_rows == 8
    assert np.isnan(frame.loc["b", "revenue_10k_cny"])
    assert np.isnan(frame.loc["c", "revenue_10k_cny"]) and frame.loc["c", "employees"] is pd.NA
    assert frame.loc["d", "coord_precision"] == "city"  # outside Guangdong: city point instead
    assert (frame.loc["e", "lon"], frame.loc["e", "lat"]) == pytest.approx(ba)  # swapped back
    assert frame.loc["i", ["city_adcode", "district_adcode", "coord_precision"]].tolist() == [
        "440300", "", "city"]
    assert frame.loc["j", "credit_code"] == ""
    assert frame.loc["k", "city_adcode"] == "440100"  # the coordinates win, reported
    assert frame.loc["a", "district_adcode"] == "440306"
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "swap" in messages[(6, "lon")]
    assert "outside Guangdong" in messages[(5, "lon")]
    assert "row 2" in messages[(7, "id")]
    assert "quote" in messages[(8, "")]
    assert "广州市" in messages[(12, "city")]


def test_district_disagreeing_with_coordinates(spots):
    rows = [["1", "A", "深圳", "南山区", *spots["baoan"], "", "", ""]]
    result = load_registry(_csv(rows))
    assert _where(result) == {(2, "district")}
    assert "宝安区" in result.problems[0].message
    assert result.frame.loc[0, "district_adcode"] == "440306"  # the coordinates win


def test_file_objects_and_excel_number_codes(spots):
    data = _csv([["1", "A", "深圳", "", *spots["baoan"], "", "", "9.14403001922038E+17"]])
    result = load_registry(io.BytesIO(data))
    assert result.name == "upload"
    assert _where(result) == {(2, "credit_code")}
    assert "format the column as text" in result.problems[0].message


def test_problems_are_ordered_and_serialisable(spots):
    rows = [["x", "A", "深圳", "", "abc", "22.5", "", "", ""],
            ["y", "B", "深圳", "", *spots["baoan"], "-1", "", ""]]
    result = load_registry(_csv(rows))
    assert [p.row for p in result.problems] == sorted(p.row for p in result.problems)
    assert result.to_dict()["problems"][0] == {"row": 2, "column": "lon",
                                               "message": result.problems[0].message,
                                               "code": "not_a_number"}
    assert isinstance(result.problems[0], Problem)


def test_rows_without_coordinates_are_placed_in_their_area(districts, regions):
    rows = [["1", "区县级", "深圳市", "南山区", "", "", "", "", ""],
            ["2", "城市级", "Guangzhou", "", "", "", "", "", ""],
            ["3", "东莞镇街", "东莞", "大朗镇", "", "", "", "", ""],
            ["4", "只有区县", "", "宝安", "", "", "", "", ""]]
    result = load_registry(_csv(rows))
    assert result.problems == []
    f = result.frame.set_index("id")
    assert f.loc["1", ["city_adcode", "district_adcode", "coord_precision"]].tolist() == [
        "440300", "440305", "district"]
    nanshan = districts.loc[districts.adcode == "440305", "geometry"].iloc[0]
    assert nanshan.contains(f.loc["1", "geometry"])
    assert f.loc["2", ["city_adcode", "district_adcode", "coord_precision"]].tolist() == [
        "440100", "", "city"]
    guangzhou = regions.loc[regions.adcode == "440100", "geometry"].iloc[0]
    assert guangzhou.contains(f.loc["2", "geometry"])
    assert f.loc["3", ["city_adcode", "district_adcode", "district"]].tolist() == [
        "441900", "441900", "大朗镇"]
    assert f.loc["4", ["city_adcode", "district_adcode"]].tolist() == ["440300", "440306"]


def test_gcj02_and_bd09_are_converted(spots):
    lon, lat = spots["baoan"]
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    data = _csv([["1", "A", "深圳", "宝安", f"{g_lon:.9f}", f"{g_lat:.9f}", "", "", ""]])
    frame = load_registry(data, datum="gcj02").frame
    assert frame.loc[0, "lon"] == pytest.approx(lon, abs=1e-7)
    assert frame.loc[0, "lat"] == pytest.approx(lat, abs=1e-7)
    as_wgs = load_registry(data, datum="wgs84").frame
    assert abs(as_wgs.loc[0, "lon"] - lon) > 1e-3  # GCJ-02 is ~500 m off here


def test_chinese_values_units_and_verbatim_names(spots):
    header = ["企业名称", "经度", "纬度", "产业领域", "产业链环节", "主营业务收入(亿元)",
              "示例数据", "股票代码"]
    rows = [["<b>激光</b> & 公司", *spots["nanshan"], "激光", "关键器件", "1.5", "是", "否"],
            ["  空格  ", *spots["nanshan"], "增材制造", "高端装备", "", "", "688025.SH"]]
    result = load_registry(_csv(rows, header))
    assert result.problems == []
    f = result.frame
    assert f["name_zh"].tolist() == ["<b>激光</b> & 公司", "  空格  "]
    assert f["sector"].tolist() == ["laser", "additive"]
    assert f["segment"].tolist() == ["components", "equipment"]
    assert f.loc[0, "revenue_10k_cny"] == 15_000  # 1.5 亿元 = 15,000 万元
    assert f.loc[0, "tier"] == "t100m"
    assert f["sample"].tolist() == [True, False]
    assert f["listed"].tolist() == ["", "688025.SH"]
    assert list(f.columns) == list(FRAME_COLUMNS)
    assert f.crs.to_epsg() == 4326


def test_unknown_vocabulary_is_blanked_and_reported(spots):
    header = ["name_zh", "lon", "lat", "sector", "segment"]
    result = load_registry(_csv([["A", *spots["baoan"], "光伏", "销售"]], header))
    assert _where(result) == {(2, "sector"), (2, "segment")}
    assert result.frame.loc[0, ["sector", "segment"]].tolist() == ["", ""]


# --------------------------------------------------------------------------- formats
def test_gbk_file_with_chinese_headers(tmp_path, spots):
    text = ("企业名称,所在城市,区县,经度,纬度,主营业务收入(万元),统一社会信用代码\n"
            f"深圳市示例激光有限公司,深圳,宝安,{spots['baoan'][0]},{spots['baoan'][1]},"
            f"2,500,{VALID_CODES[1]}\n"
            "东莞示例增材有限公司,东莞市,,,,abc,\n")
    path = tmp_path / "registry_gbk.csv"
    path.write_bytes(text.replace("2,500", '"2,500"').encode("gbk"))
    result = load_registry(path)
    assert result.name == "registry_gbk.csv"
    assert result.frame["name_zh"].tolist() == ["深圳市示例激光有限公司", "东莞示例增材有限公司"]
    assert result.frame.loc[0, "revenue_10k_cny"] == 2500
    assert _where(result) == {(3, "主营业务收入(万元)")}  # the column as written in the file


def test_utf8_bom_and_semicolons(spots):
    text = f"企业名称;经度;纬度\nA;{spots['baoan'][0]};{spots['baoan'][1]}\n"
    result = load_registry(text.encode("utf-8-sig"))
    assert result.problems == [] and result.frame.loc[0, "district_adcode"] == "440306"


def test_xlsx_with_title_row_and_chinese_headers(tmp_path, spots):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["宝安区激光企业名录（2023）"])  # row 1: a title above the header
    sheet.append(["序号", "企业名称", "所在城市", "所在区县", "经度", "纬度", "从业人员"])
    sheet.append([1, "甲公司", "深圳市", "宝安区", *spots["baoan"], 120])  # row 3
    sheet.append([2, "乙公司", "深圳市", "宝安区", *spots["baoan"], -4])  # row 4
    sheet.append([None] * 7)  # row 5: blank
    sheet.append([3, "丙公司", "火星", None, None, None, None])  # row 6
    path = tmp_path / "registry.xlsx"
    book.save(path)
    result = load_registry(path)
    assert result.rows == 3
    assert _where(result) == {(4, "从业人员"), (6, "所在城市")}
    assert result.frame["id"].tolist() == ["1", "2"]
    assert result.frame["employees"].tolist()[0] == 120


def test_template_round_trip(spots):
    for lang in ("zh", "en"):
        template = template_frame(lang)
        assert len(template) == 0
        assert {canonical_header(h) for h in template.columns} >= {"name_zh", "lon", "city"}
        names = [canonical_header(h) for h in template.columns]
        row = dict.fromkeys(template.columns, "")
        row[template.columns[names.index("name_zh")]] = "模板企业"
        row[template.columns[names.index("city")]] = "深圳"
        buf = io.StringIO()
        template.assign(**{k: [v] for k, v in row.items()}).to_csv(buf, index=False)
        result = load_registry(buf.getvalue().encode("utf-8"))
        assert result.problems == [] and result.valid_rows == 1
    with pytest.raises(ValueError, match="lang"):
        template_frame("fr")


# --------------------------------------------------------------------------- unusable files
@pytest.mark.parametrize(("data", "match"), [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    ("企业名称,城市\n".encode(), "no data rows"),
    ("城市,经度,纬度\n深圳,113.9,22.5\n".encode(), "企业名称"),
    ("企业名称,电话\n甲,123\n".encode(), "所在城市"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
    (b"PK\x03\x04garbage", "XLSX"),
    (b"\x00\x01\x02binary\x00", "binary|not a text table|header"),
    (b"just some words\nno table here\n", "header"),
])
def test_unusable_files_raise_registry_error(data, match):
    with pytest.raises(RegistryError, match=match):
        load_registry(data, name="bad.csv")


def test_argument_validation(tmp_path):
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="datum"):
        load_registry("name_zh,city\nA,深圳\n".encode(), datum="wgs72")
    with pytest.raises(TypeError, match="source"):
        load_registry(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress"):
        load_registry("name_zh,city\nA,深圳\n".encode(), progress=3)  # type: ignore[arg-type]


def test_progress_reaches_one():
    seen: list[float] = []
    load_registry(b"name_zh,city\nA,\xe6\xb7\xb1\xe5\x9c\xb3\n", progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 3


# --------------------------------------------------------------------------- robustness
_CELLS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["深圳", "宝安", "113.9", "22.5", "-1", "1e400", "nan", "东莞", "是",
                     VALID_CODES[0], "激光", '"', ",", "\n", "１２３", "0x10"]),
)
_HEADERS = ["企业名称", "名称", "经度", "纬度", "所在城市", "区县", "编号", "lon", "lat",
            "主营业务收入(万元)", "统一社会信用代码", "sector", "segment", "sample", "员工"]


@st.composite
def _tables(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(_CELLS, max_size=10), max_size=6))
    sep = draw(st.sampled_from([",", "\t", ";"]))
    text = "\n".join(sep.join(r) for r in [header, *rows])
    return text.encode(draw(st.sampled_from(["utf-8", "gb18030", "utf-16"])), "replace")


def _load_cleanly(data: bytes) -> None:
    try:
        result = load_registry(data, name="fuzz.csv")
    except RegistryError:
        return
    assert isinstance(result, RegistryResult)
    assert result.valid_rows <= result.rows
    assert result.frame["id"].is_unique
    assert all(p.row >= 1 for p in result.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_a_result_or_a_clean_error(data):
    _load_cleanly(data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_arbitrary_csv_text_gives_a_result_or_a_clean_error(data):
    _load_cleanly(data)


# --------------------------------------------------------------------------- CLI
def test_cli_exit_codes_and_json(tmp_path, capsys, spots):
    good = tmp_path / "good.csv"
    good.write_bytes(_csv([["1", "A", "深圳", "宝安", *spots["baoan"], "", "", ""]]))
    some = tmp_path / "some.csv"
    some.write_bytes(_csv([["1", "A", "深圳", "", *spots["baoan"], "", "", ""],
                           ["2", "B", "深圳", "", "abc", "22.6", "", "", ""],
                           ["3", "C", "", "", "", "", "", "", ""]]))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert main(["validate", str(good)]) == 0
    assert "1 rows, 1 usable, 0 problem" in capsys.readouterr().out

    assert main(["validate", str(some), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"rows", "valid_rows", "problems"}
    assert (report["rows"], report["valid_rows"]) == (3, 2)
    assert [(p["row"], p["column"]) for p in report["problems"]] == [(3, "lon"), (4, "city")]
    assert all(set(p) == {"row", "column", "message", "code"} for p in report["problems"])

    assert main(["validate", str(empty)]) == 2
    assert "empty" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.csv")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["validate", str(good), "--datum", "gcj-02"]) == 0
    capsys.readouterr()
    assert main(["validate", str(good), "--datum", "wgs72"]) == 2
    assert "wgs72" in capsys.readouterr().err
    assert main(["validate"]) == 2


def test_spots_are_inside_their_areas(spots, districts):
    """Guard for the fixtures above: the test points are where the tests assume."""
    baoan = districts.loc[districts.adcode == "440306", "geometry"].iloc[0]
    assert shapely.contains_xy(baoan, *spots["baoan"])
    assert not shapely.contains_xy(baoan, spots["baoan"][1], spots["baoan"][0])


# --------------------------------------------------------------------------- fast CSV path
def _outcome(data: bytes) -> tuple:
    try:
        result = load_registry(data, name="fuzz.csv")
    except RegistryError as exc:
        return ("error", str(exc))
    frame = result.frame.drop(columns="geometry").astype(str).to_numpy().tolist()
    return (result.rows, [str(p) for p in result.problems], result.columns,
            result.ignored_columns, frame)


_TEXT = st.text(st.sampled_from([*'ab ,;\t"\n\r深,"', "\u3000", "\x85", "\x00"]),
                max_size=60)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT, st.sampled_from([",", ";", "\t"]))
def test_columnar_reader_reads_what_csv_reader_reads(text, sep):
    columns = reading._arrow_columns(text.encode("utf-8", "surrogatepass"), sep)
    if columns is None:
        return  # the row-by-row reader takes the file
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    # a blank line: no cells for csv.reader, empty cells here (both are a blank row)
    records = [r or [""] * len(columns) for r in records]
    assert [[c[i].as_py() for c in columns] for i in range(len(records))] == records
    assert all(len(c) == len(records) for c in columns)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_columnar_fast_path_gives_the_same_result_as_the_row_reader(data):
    fast = _outcome(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reading, "_arrow_columns", lambda *args: None)
        slow = _outcome(data)
    assert fast == slow


def test_columnar_fast_path_is_taken_for_a_clean_file(monkeypatch, spots):
    data = _csv([["1", "A", "深圳", "宝安", *spots["baoan"], " 12 ", "", VALID_CODES[0]],
                 ["", "", "", "", "", "", "", "", ""],
                 ["2", "B", "深圳", "", "", "", "1,5", "3", ""]])
    used = []
    real = reading._arrow_columns
    monkeypatch.setattr(reading, "_arrow_columns",
                        lambda *a: used.append(real(*a)) or used[-1])
    fast = _outcome(data)
    assert used and used[0] is not None
    monkeypatch.setattr(reading, "_arrow_columns", lambda *args: None)
    assert _outcome(data) == fast
    assert fast[0] == 2 and [p.split(":")[0] for p in fast[1]] == ["row 4, revenue_10k_cny"]


@pytest.mark.parametrize("cell", ["-0", "-0.0", "1e5", "+1", ".5", "5.", "nan", "inf",
                                  "1e400", " 1 ", "1,5", "12,345", "\u3000 12\u3000",
                                  "１２", "a\u202eb", "x" * 600, "\x85"])
def test_fast_path_cells_match_the_row_reader(cell, spots):
    data = _csv([["1", cell, "深圳", cell, *spots["baoan"], cell, cell, cell],
                 ["2", "B", "深圳", "", "", "", "7", "", ""]])
    fast = _outcome(data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reading, "_arrow_columns", lambda *args: None)
        assert _outcome(data) == fast


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from(["a", "深", "\u202e", "\x01", "\x85", "\t", "é"]),
                        max_size=4), max_size=8),
       st.integers(0, 8), st.integers(0, 8))
def test_whole_chunk_scan_finds_the_cells_with_invisible_characters(cells, start, stop):
    """The scan over a chunk's bytes (sliced chunks too) agrees with a check of each cell."""
    part = pa.array(cells, type=pa.string()).slice(start, max(stop - start, 0))
    expected = any(schema._INVISIBLE.search(c) for c in part.to_pylist())
    assert checks._has_invisible(pa.chunked_array([part], type=pa.string())) == expected


def test_arrow_character_classes_match_python():
    chars = [chr(i) for i in range(0x30000) if not 0xD800 <= i < 0xE000]
    arrow = pa.array(chars)
    invisible = pc.match_substring_regex(arrow, schema._INVISIBLE_RE2).to_pylist()
    assert invisible == [bool(schema._INVISIBLE.search(c)) for c in chars]
    padded = [f"{c}x{c}" for c in chars]
    assert pc.utf8_trim(pa.array(padded), characters=reading._WHITESPACE).to_pylist() == [
        p.strip() for p in padded]
