"""Table downloads: formula neutralisation, CSV with BOM, XLSX, safe file names."""

from __future__ import annotations

import csv
import datetime as dt
import io

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from geo.export import (
    FORMULA_PREFIXES,
    download_name,
    neutralize_formulas,
    to_csv_bytes,
    to_xlsx_bytes,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example","点击")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def table() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({
        "企业名称": HOSTILE,
        "城市": ["深圳市"] * n,
        "营收（亿元）": [-3.5, 0.0, 12.25, np.nan, 1e6, -1.0],
        "企业数": np.arange(n, dtype=np.int64) - 2,
        "备注": ["a=b", "正常", None, "", "x-1", "1+1"],
    })


def test_text_cells_starting_with_a_formula_character_get_an_apostrophe(table):
    out = neutralize_formulas(table)
    assert out["企业名称"].tolist() == ["'" + s for s in HOSTILE]
    # Text not starting with a formula character is untouched, missing stays missing.
    assert out["备注"].tolist()[:2] == ["a=b", "正常"]
    assert pd.isna(out["备注"].iloc[2])
    assert out["备注"].tolist()[3:] == ["", "x-1", "1+1"]


def test_numbers_stay_numbers_including_negative_ones(table):
    out = neutralize_formulas(table)
    pd.testing.assert_series_equal(out["营收（亿元）"], table["营收（亿元）"])
    pd.testing.assert_series_equal(out["企业数"], table["企业数"])
    mixed = neutralize_formulas(pd.DataFrame({"v": [-5, "-5", 2.5, "=1"]}))
    assert mixed["v"].tolist() == [-5, "'-5", 2.5, "'=1"]


def test_input_frame_is_not_modified(table):
    before = table.copy()
    neutralize_formulas(table)
    pd.testing.assert_frame_equal(table, before)


def test_hostile_column_names_are_neutralised_too():
    out = neutralize_formulas(pd.DataFrame({"=cmd|' /C calc'!A0": [1]}))
    assert list(out.columns) == ["'=cmd|' /C calc'!A0"]


def test_string_and_categorical_dtypes_are_handled():
    df = pd.DataFrame({
        "s": pd.array(["=1", "ok", None], dtype="string"),
        "c": pd.Categorical(["+x", "y", "+x"]),
    })
    out = neutralize_formulas(df)
    assert out["s"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out["s"].iloc[2])
    assert out["c"].tolist() == ["'+x", "y", "'+x"]


@given(st.text(max_size=20))
def test_no_neutralised_text_can_start_a_formula(text):
    cell = neutralize_formulas(pd.DataFrame({"a": [text]}))["a"].iloc[0]
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell in (text, "'" + text)


def test_csv_starts_with_bom_and_reads_back_neutralised(table):
    data = to_csv_bytes(table)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(table.columns)
    names = [r[0] for r in rows[1:]]
    assert names == ["'" + s for s in HOSTILE]
    assert [r[2] for r in rows[1:]][:3] == ["-3.5", "0.0", "12.25"]  # numbers, unquoted
    assert rows[4][2] == ""  # NaN → empty cell
    assert all(r[1] == "深圳市" for r in rows[1:])


def test_csv_of_a_geodataframe_drops_the_geometry():
    gdf = gpd.GeoDataFrame({"name": ["甲"], "lon": [113.0], "lat": [23.0]},
                           geometry=gpd.points_from_xy([113.0], [23.0]), crs="EPSG:4326")
    text = to_csv_bytes(gdf).decode("utf-8-sig")
    assert text.splitlines()[0] == "name,lon,lat"
    assert "POINT" not in text


def test_xlsx_reads_back_with_strings_not_formulas(table):
    data = to_xlsx_bytes(table, sheet_name="企业")
    wb = load_workbook(io.BytesIO(data))
    ws = wb["企业"]
    assert [c.value for c in ws[1]] == list(table.columns)
    for row, hostile in zip(ws.iter_rows(min_row=2), HOSTILE, strict=True):
        # XML stores a CR as LF; what matters is the apostrophe in front.
        assert row[0].value == "'" + hostile.replace("\r", "\n")
        assert row[0].data_type == "s"  # a string, never a formula ("f")
    numbers = [r[2].value for r in ws.iter_rows(min_row=2)]
    assert numbers[:3] == [-3.5, 0.0, 12.25] and numbers[3] is None
    assert all(isinstance(r[3].value, int) for r in ws.iter_rows(min_row=2))
    assert ws.freeze_panes == "A2"


def test_xlsx_drops_control_characters_it_cannot_store():
    data = to_xlsx_bytes(pd.DataFrame({"name": ["甲\x01乙\x1f"], "when": [dt.date(2024, 5, 1)]}))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == "甲乙"
    assert ws["B2"].value.date() == dt.date(2024, 5, 1)


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "x[1]", "'quoted"])
def test_xlsx_rejects_invalid_sheet_names(name):
    with pytest.raises(ValueError, match="sheet name"):
        to_xlsx_bytes(pd.DataFrame({"a": [1]}), sheet_name=name)


@pytest.mark.parametrize(("stem", "ext", "date", "expected"), [
    ("gd-laser-atlas_cities", "csv", dt.date(2024, 5, 1), "gd-laser-atlas_cities_2024-05-01.csv"),
    ("Figure", ".PNG", None, "Figure.png"),
    ("企业名录", "xlsx", "2024-05-01", "download_2024-05-01.xlsx"),
])
def test_download_names(stem, ext, date, expected):
    assert download_name(stem, ext, date) == expected


@pytest.mark.parametrize("stem", ["../../etc/passwd", "..\\..\\boot.ini", "a/../b", "/abs/x"])
def test_download_names_cannot_be_paths(stem):
    name = download_name(stem, "csv")
    assert name.isascii()
    assert "/" not in name and "\\" not in name and ".." not in name
    assert not name.startswith(".")


@pytest.mark.parametrize("ext", ["", "c/sv", "tar.gz", "x" * 9])
def test_download_name_rejects_bad_extensions(ext):
    with pytest.raises(ValueError, match="extension"):
        download_name("table", ext)


@pytest.mark.parametrize("separator", [";", "\t", "|", ","])
def test_csv_quotes_text_so_no_separator_splits_off_a_formula(separator):
    """In a locale whose list separator is ``;``, an unquoted ``x;=1+1`` opens as two cells,
    the second a formula: text cells are quoted, whatever the separator."""
    df = pd.DataFrame({"企业名称": [f"x{separator}=1+1", "甲"], "营收": [1.5, np.nan]})
    text = to_csv_bytes(df).decode("utf-8-sig")
    for sep in (",", ";", "\t", "|"):  # whatever separator a spreadsheet splits on
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep):
            assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), (sep, row)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["企业名称", "营收"], [f"x{separator}=1+1", "1.5"], ["甲", ""]]
