"""Hostile and broken registry files: a row problem or a clear refusal, never a traceback,
a memory blow-up or a value silently lost or misread (issue 17)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import registry
from geo.__main__ import main
from geo.registry import RegistryError, XlsxLimits, load_registry, reading, schema

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["name_zh", "city", "lon", "lat", "employees", "revenue_10k_cny", "revenue_year"]


def _csv(rows: list[list[object]], header: list[str] = HEADER) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # quotes values holding \r or \n
    writer.writerows([header, *rows])
    return buf.getvalue()


def _where(result: registry.RegistryResult) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.message for p in result.problems}


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def bomb(rows: int, columns: int = 1) -> bytes:
    """An XLSX whose one sheet holds ``rows`` × ``columns`` cells: a few MB of zip, tens
    of MB of XML once expanded."""
    plain = zipfile.ZipFile(io.BytesIO(_xlsx([])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in plain.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, plain.read(info))
                continue
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
                cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * columns
                for start in range(1, rows + 1, 10_000):
                    f.write(b"".join(b'<row r="%d">%s</row>' % (r, cells)
                                     for r in range(start, min(start + 10_000, rows + 1))))
                f.write(b"</sheetData></worksheet>")
    return out.getvalue()


# --------------------------------------------------------------------------- 1. XLSX bomb
MEASURE = textwrap.dedent("""
    import json, sys, time
    import psutil
    from geo.registry import RegistryError, load_registry

    def peak():
        with open("/proc/self/status") as f:
            return next(int(x.split()[1]) * 1024 for x in f if x.startswith("VmHWM"))

    data = open(sys.argv[1], "rb").read()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak resident size: the imports' peak is not ours
    before = psutil.Process().memory_info().rss
    start = time.perf_counter()
    try:
        load_registry(data, name="bomb.xlsx")
        error = None
    except RegistryError as exc:
        error = str(exc)
    print(json.dumps({"error": error, "grew_mb": (peak() - before) / 2**20,
                      "seconds": time.perf_counter() - start}))
""")


@pytest.mark.parametrize(("rows", "columns", "limit"), [
    (1_000_000, 1, "100,000 rows"),  # the bomb: 2.6 MB of zip, 60 MB of XML
    (1, 1_000_000, "256 columns"),
    (90_000, 20, "1,500,000 cells"),
])
def test_xlsx_bomb_is_refused_in_bounded_memory(tmp_path, rows, columns, limit):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb(rows, columns))
    run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    measured = json.loads(run.stdout)
    assert limit in measured["error"] and "CSV" in measured["error"]
    # the peak resident size grew by far less than the expanded XML (60 MB and more)
    assert measured["grew_mb"] < 40, measured


def strings_bomb(strings: int) -> bytes:
    """An XLSX of two rows whose shared-string table (read whole by openpyxl) holds
    ``strings`` strings of 94 digits: 3 MB of zip, ~100 bytes of XML per string."""
    plain = zipfile.ZipFile(io.BytesIO(_xlsx([["企业名称", "所在城市"], ["甲", "深圳"]])))
    extra = {
        "[Content_Types].xml": (b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                b'ContentType="application/vnd.openxmlformats-officedocument.'
                                b'spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": (b"</Relationships>", b'<Relationship Id="rIdSS" Type='
                                       b'"http://schemas.openxmlformats.org/officeDocument/'
                                       b'2006/relationships/sharedStrings" Target='
                                       b'"sharedStrings.xml"/></Relationships>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in plain.infolist():
            content = plain.read(info)
            if info.filename in extra:
                content = content.replace(*extra[info.filename])
            z.writestr(info, content)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, strings, 10_000):
                f.write(b"".join(b"<si><t>%094d</t></si>" % i
                                 for i in range(start, min(start + 10_000, strings))))
            f.write(b"</sst>")
    return out.getvalue()


def test_shared_strings_bomb_is_refused_before_it_is_read(tmp_path):
    """126 MB of shared strings took 31 s and 284 MB of memory to read: refused unread."""
    path = tmp_path / "strings.xlsx"
    path.write_bytes(strings_bomb(1_200_000))
    run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    measured = json.loads(run.stdout)
    assert "shared strings and styles expand to 126 MB" in measured["error"]
    assert measured["grew_mb"] < 40 and measured["seconds"] < 5, measured


@pytest.mark.parametrize(("limits", "message"), [
    (XlsxLimits(rows=3), "more than 3 rows"),
    (XlsxLimits(columns=4), "more than 4 columns"),
    (XlsxLimits(cells=10), "more than 10 cells"),
    (XlsxLimits(expanded_bytes=1000), "expands to 0 MB, more than the limit of 0 MB"),
    (XlsxLimits(held_bytes=1000), "shared strings and styles expand to 0 MB"),
])
def test_each_xlsx_limit_is_named(monkeypatch, limits, message):
    monkeypatch.setattr(reading, "XLSX_LIMITS", limits)
    data = _xlsx([HEADER, *[["甲", "深圳", "", "", i, "", ""] for i in range(5)]])
    with pytest.raises(RegistryError, match=message):
        load_registry(data, name="big.xlsx")


def test_xlsx_within_the_limits_still_loads(monkeypatch):
    monkeypatch.setattr(reading, "XLSX_LIMITS", XlsxLimits(rows=6, columns=7, cells=42))
    data = _xlsx([HEADER, *[["甲" + str(i), "深圳", "", "", i, "", ""] for i in range(5)]])
    assert load_registry(data).valid_rows == 5


# --------------------------------------------------------------------------- 2. ranges
@pytest.mark.parametrize(("column", "value"), [
    ("employees", "1e20"), ("employees", "99999999999999999999"), ("employees", "5000001"),
    ("revenue_10k_cny", "1.7e308"), ("revenue_10k_cny", "2e9"), ("revenue_year", "99999"),
    ("revenue_year", "1e300"), ("employees", "-1"),
])
def test_out_of_range_numbers_are_row_problems(column, value):
    row = {"name_zh": "甲", "city": "深圳", "lon": "", "lat": "", "employees": "",
           "revenue_10k_cny": "", "revenue_year": ""} | {column: value}
    result = load_registry(_csv([list(row.values())]).encode())
    assert set(_where(result)) == {(2, column)}
    assert result.valid_rows == 1 and result.frame[column].isna().all()


def test_upper_bounds_are_accepted():
    result = load_registry(_csv([["甲", "深圳", "", "", "5000000", "1000000000", "2020"]]).encode())
    assert result.problems == []
    assert result.frame.loc[0, "employees"] == 5_000_000


def test_huge_numbers_in_the_cli_give_json_and_exit_1(tmp_path, capsys):
    path = tmp_path / "huge.csv"
    path.write_text(_csv([["甲", "深圳", "1e308", "1e308", "1e20", "1.7e308", "1e20"]]),
                    encoding="utf-8")
    assert main(["validate", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert {p["column"] for p in report["problems"]} >= {"employees", "revenue_10k_cny",
                                                         "revenue_year", "lon"}


def test_publish_with_huge_numbers_publishes_and_reports(tmp_path, monkeypatch, capsys):
    """Exit 1 means a store error: a number out of range is a row problem, not that."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('EDITOR_TOKEN = "tok"\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("EDITOR_TOKEN", "tok")
    monkeypatch.delenv("ATLAS_STORE", raising=False)
    path = tmp_path / "huge.csv"
    path.write_text(_csv([["甲", "深圳", "", "", "99999999999999999999", "1.7e308", ""]]),
                    encoding="utf-8")
    assert main(["publish", str(path), "--store", str(tmp_path / "s.gpkg")]) == 0
    out, err = capsys.readouterr()
    assert "published version 1" in out and "employees" in err and "revenue_10k_cny" in err


# --------------------------------------------------------------------------- 5. misread values
@pytest.mark.parametrize("value", ["1,5", "12,3456", "1.234,5", "113,85", "1，5"])
def test_decimal_commas_are_reported_not_guessed(value):
    result = load_registry(_csv([["甲", "深圳", "", "", "", value, ""]]).encode())
    message = _where(result)[(2, "revenue_10k_cny")]
    assert "ambiguous comma" in message and "field left blank" in message
    assert result.frame["revenue_10k_cny"].isna().all()


def test_decimal_comma_in_coordinates_is_reported():
    result = load_registry(_csv([["甲", "深圳", "113,85", "22,55", "", "", ""]]).encode())
    assert {(2, "lon"), (2, "lat")} <= set(_where(result))
    assert "ambiguous comma" in _where(result)[(2, "lon")]
    assert result.frame.loc[0, "coord_precision"] == "city"  # placed by its city, reported


@pytest.mark.parametrize(("value", "expected"), [("1,200", 1200), ("12,345,678.5", 12345678.5),
                                                 ("１,２００", 1200), ("2 500", 2500)])
def test_thousands_in_groups_of_three_still_read(value, expected):
    result = load_registry(_csv([["甲", "深圳", "", "", "", value, ""]]).encode())
    assert result.problems == [] and result.frame.loc[0, "revenue_10k_cny"] == expected


def test_formulas_without_saved_values_are_reported():
    data = _xlsx([["企业名称", "所在城市", "经度", "纬度", "主营业务收入"],
                  ["甲", "广州", "=113.3", "=23.1", "=SUM(1,2)"],
                  ["乙", "广州", None, None, 7]])
    result = load_registry(data, name="f.xlsx")
    where = _where(result)
    assert {(2, "经度"), (2, "纬度"), (2, "主营业务收入")} <= set(where)
    assert "=SUM(1,2)" in where[(2, "主营业务收入")] and "no saved value" in where[(2, "经度")]
    assert not any(row == 3 for row, _ in where)
    assert result.frame["revenue_10k_cny"].tolist()[1] == 7


def test_formulas_with_saved_values_are_read():
    """A workbook saved by a spreadsheet holds each formula's value: that value is used."""
    data = _xlsx([["企业名称", "所在城市", "主营业务收入"], ["甲", "广州", "=1+2"]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace("<f>1+2</f><v />",
                                                      "<f>1+2</f><v>3</v>").encode()
    assert b"<v>3</v>" in parts["xl/worksheets/sheet1.xml"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    result = load_registry(out.getvalue(), name="saved.xlsx")
    assert result.problems == [] and result.frame.loc[0, "revenue_10k_cny"] == 3


# --------------------------------------------------------------------------- partial holds
ROWS = [["甲", "深圳", "", "", "", "", ""], ["乙", "广州", "", "", "", "", ""]]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                                   "utf-32-be", "utf-16"])
def test_wide_encodings_with_or_without_bom(codec):
    result = load_registry(_csv(ROWS).encode(codec))
    assert result.problems == [] and result.frame["name_zh"].tolist() == ["甲", "乙"]


def test_a_nul_cell_is_reported_not_the_whole_file():
    rows = [["甲\x00", "深圳", "", "", "", "", ""], ROWS[1]]
    result = load_registry(_csv(rows).encode())
    assert set(_where(result)) == {(2, "name_zh")} and "U+0000" in _where(result)[(2, "name_zh")]
    assert result.frame["name_zh"].tolist() == ["甲", "乙"]


def test_bidi_and_control_characters_are_removed_and_reported():
    rows = [["甲\u202egpj.exe", "深圳", "", "", "", "", ""], ["乙\x07", "广州\u2066", "", "", "",
                                                             "", ""]]
    result = load_registry(_csv(rows).encode())
    assert set(_where(result)) == {(2, "name_zh"), (3, "name_zh"), (3, "city")}
    assert "U+202E" in _where(result)[(2, "name_zh")]
    assert result.frame["name_zh"].tolist() == ["甲gpj.exe", "乙"]
    assert result.frame["city_adcode"].tolist() == ["440300", "440100"]


def test_over_long_fields_are_row_problems():
    rows = [["甲" * 200_000, "深圳", "", "", "", "", ""],  # over the csv module's 131,072
            ["乙", "广州", "", "", "", "", ""]]
    header = [*HEADER, "address"]
    rows = [rows[0] + [""], rows[1] + ["路" * 301]]
    result = load_registry(_csv(rows, header).encode())
    where = _where(result)
    assert set(where) == {(2, "name_zh"), (3, "address")}
    assert "200,000 characters" in where[(2, "name_zh")] and "row left out" in where[(2, "name_zh")]
    assert "field left blank" in where[(3, "address")]
    assert result.frame["name_zh"].tolist() == ["乙"] and result.frame["address"].tolist() == [""]


def test_a_csv_row_of_a_million_separators_is_one_row_problem():
    text = _csv(ROWS).replace("乙,广州", "乙" + "," * 1_000_000 + "广州")
    result = load_registry(text.encode())
    assert set(_where(result)) == {(3, "")}
    assert "fields but the header has" in _where(result)[(3, "")]
    assert result.frame["name_zh"].tolist() == ["甲"]


# --------------------------------------------------------------------------- property test
_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["深圳", "宝安", "113.9", "22.5", "1,5", "=1+1", "\u202e", "\x00", "1e400",
                     "2,500", "是", "激光", "广州", "-0", "1e20"]),
)


def _validate(tmp_path: Path, data: bytes, suffix: str, capsys: pytest.CaptureFixture
              ) -> tuple[int, dict]:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    code = main(["validate", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1, 2)
    report = json.loads(out)
    assert (code == 2) == ("error" in report)
    return code, report


def _text_cell(value: object) -> str:
    return value if isinstance(value, str) else repr(value)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe",
                               b"\xff\xfe\x00\x00", "企业名称,城市\n".encode()]),
       data=st.binary(max_size=600))
def test_validate_on_random_bytes(tmp_path, capsys, prefix, data):
    """Random bytes, some behind a zip, BOM or header start: a result or a clean refusal."""
    _validate(tmp_path, prefix + data, ".csv", capsys)


def _check_every_row(report: dict, rows: int) -> None:
    """Each data row is kept or named in a problem: rows left out ≤ rows with problems."""
    assert report["rows"] == rows
    reported = {p["row"] for p in report["problems"]}
    assert report["rows"] - report["valid_rows"] <= len(reported)
    assert all(2 <= p["row"] <= rows + 1 for p in report["problems"])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(_VALUES, min_size=6, max_size=6), min_size=1, max_size=6),
       as_xlsx=st.booleans())
def test_validate_on_random_cell_values(tmp_path, capsys, cells, as_xlsx):
    rows = [["firm", "深圳", *values] for values in cells]
    header = ["name_zh", "city", "lon", "lat", "employees", "revenue_10k_cny", "revenue_year",
              "address"]
    if as_xlsx:
        clean = [[v if not isinstance(v, str) else schema._INVISIBLE.sub("", v) or "-"
                  for v in row] for row in rows]  # openpyxl cannot store control characters
        data = _xlsx([header, *[[None if isinstance(v, float) and v != v else v for v in r]
                                for r in clean]])
    else:
        data = _csv([[_text_cell(v) for v in row] for row in rows], header).encode()
    code, report = _validate(tmp_path, data, ".xlsx" if as_xlsx else ".csv", capsys)
    assert code in (0, 1)  # a header and a named firm in every row: never unusable
    _check_every_row(report, len(rows))


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_ragged_row_that_is_not_utf8_goes_to_the_row_reader_quietly():
    """A UTF-8 head, then a row with an extra field and a byte that is not UTF-8: the columnar
    reader gives the file up without a Python callback pyarrow cannot feed (it used to print
    "Exception ignored ... UnicodeDecodeError" to the server log), and the row reader words it."""
    from geo.registry import RegistryError, load_registry
    from geo.registry.reading import _SNIFF_SIZE

    rows = "企业名称,城市\n" + "甲激光,深圳\n" * (_SNIFF_SIZE // 8)  # past the sniffed head
    data = rows.encode() + b"\xff\xfe,x,y\n" + "乙激光,广州\n".encode()
    try:
        result = load_registry(data, name="ragged.csv")
    except RegistryError as exc:  # refused as a whole file: it must say which file
        assert "ragged.csv" in str(exc)
    else:
        assert result.report()["rows"] == _SNIFF_SIZE // 8 + 2
