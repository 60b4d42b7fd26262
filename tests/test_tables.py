"""Tables for people: numbers grouped with fixed decimals (still numbers), "no data" for a
missing value, headers and codes in the page's language, sources as links, and English prose
that says ¥ bn (the walkthrough's findings on the Overview, Cities, Targets and Data pages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo.text import CATALOGUE, t
from ui.columns import COLUMN_LABELS, column_label, fixed_decimals, precision_label, styled

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _app(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _cells(frame) -> pd.DataFrame:
    """A dataframe element's cells as the browser shows them (the Styler's display values)."""
    return pa.ipc.open_stream(frame.proto.arrow_data.styler.display_values).read_all().to_pandas()


def _config(frame) -> dict:
    return json.loads(frame.proto.columns or "{}")


def test_styled_groups_numbers_keeps_years_and_says_no_data():
    view = pd.DataFrame({"n": [1920, 35], "km": [1234.5, np.nan], "year": [2023, pd.NA]})
    view["year"] = view["year"].astype("Int64")
    for lang in ("zh", "en"):
        cells = styled(view, lang, {"km": 1}, years={"year"}).to_html()
        assert "1,920" in cells and "1,234.5" in cells and "2023" in cells
        assert "2,023" not in cells and cells.count(t("no_data", lang)) == 2
    config = fixed_decimals(view, "en", {"km": 1}, years={"year"})
    assert config["n"]["type_config"]["format"] == "%,.0f"
    assert config["km"]["type_config"]["format"] == "%,.1f"
    assert config["year"]["type_config"]["format"] == "%.0f"


def test_precision_codes_have_names_in_both_languages():
    for code in ("exact", "town", "district", "city", "none"):
        assert f"precision.{code}" in CATALOGUE
    assert precision_label("city", "zh") == "地市" and precision_label("city", "en") == "City"
    assert precision_label(None, "zh") == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_page_tables_speak_the_page_language(lang):
    at = _app("data", lang)
    frames = {tuple(str(c) for c in d.value.columns): d for d in at.dataframe}
    land = next(d for cols, d in frames.items() if column_label("official_km2", lang) in cols)
    headers = [str(c) for c in land.value.columns]
    raw = {"adcode", "name_zh", "official_km2", "polygon_km2", "difference_pct", "year",
           "source"}
    assert not raw & set(headers), headers
    cells = _cells(land)
    shown = cells.astype(str).to_numpy().ravel().tolist()
    assert not {"None", "nan", "<NA>"} & set(shown)
    year = cells[column_label("area_year", lang)].tolist()
    assert t("area_year_unknown", lang) in year and "2018" in year  # 深圳 2018, 广州 unstated
    official = cells[column_label("official_km2", lang)].tolist()
    assert "7,434.40" in official  # 广州市
    assert pd.api.types.is_float_dtype(land.value[column_label("official_km2", lang)])
    names = cells[column_label("city_adcode", lang)].tolist()
    if lang == "en":
        assert "Guangzhou" in names and all(n.isascii() for n in names), names
    else:
        assert "广州市" in names
    # the registry table: revenue grouped, no ".0"; precision in words
    revenue = column_label("revenue_10k_cny", lang)
    registry = next(d for d in at.dataframe if revenue in d.value.columns)
    firms = _cells(registry)
    values = [v for v in firms[revenue] if v != t("no_data", lang)]
    assert values and all(re.fullmatch(r"\d{1,3}(,\d{3})*", v) for v in values), values
    precision = set(firms[column_label("coord_precision", lang)])
    assert precision and precision <= {precision_label(c, lang) for c in
                                       ("exact", "district", "city", "town", "none")} | {""}
    if lang == "zh":
        assert not {"exact", "district", "city"} & precision
    # parks: the district column says its names are Chinese on the English page
    assert any(column_label("district", lang) in d.value.columns for d in at.dataframe)
    assert "Chinese" in column_label("district", "en")


def test_no_canonical_key_is_its_own_header():
    for column in COLUMN_LABELS:
        for lang in ("zh", "en"):
            assert column_label(column, lang) != column


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_share_table_groups_counts_and_names_the_revenue_basis(lang):
    at = _app("overview", lang)
    table = at.table[0].value
    counts = table[t("firms", lang)].astype(str).tolist()
    assert any("," in c for c in counts), counts  # "1,920", as the metrics write it
    basis = [c.value for c in at.caption if c.value.startswith(
        t("revenue_basis_snapshot", lang, years="").split("(")[0].split("（")[0])]
    assert basis, [c.value for c in at.caption]


def test_targets_page_signs_links_and_grouped_values():
    for lang in ("zh", "en"):
        at = _app("targets", lang)
        progress = at.dataframe[0].value
        target = next(c for c in progress.columns if re.match(r"\d{4} ", str(c)))
        cells = " ".join(progress[target].astype(str))
        assert "≥" in cells and ">=" not in cells
        source = t("source_col", lang)
        others = next(d for d in at.dataframe if source in d.value.columns
                      and t("unit", lang) in d.value.columns)
        assert _config(others)[source]["type_config"]["type"] == "link"
        values = _cells(others)[t("value", lang)].tolist()
        assert "1,300" in values and "1300" not in values
        if lang == "en":
            assert "¥100 bn" in cells or "¥250 bn" in cells, cells
            assert not re.search(r"\d ¥100 m", cells), cells  # "1,000 ¥100 m" read badly
            line = " ".join(c.value for c in _app("overview", "en").caption).replace("\\", "")
            assert "> ¥250 bn" in line and not re.search(r"\d ¥100 m", line), line


def test_project_register_keeps_numbers_numeric_and_missing_as_no_data():
    at = _app("targets", "zh")
    at.radio(key="targets_view").set_value("projects").run()
    assert not at.exception, at.exception
    investment = t("investment", "zh")
    table = next(d for d in at.dataframe if investment in d.value.columns)
    values = table.value[investment]
    assert pd.api.types.is_float_dtype(values)  # sorts as numbers
    assert table.proto.placeholder == t("no_data", "zh")  # a blank investment is no data
    cells = _cells(table)
    assert "–" not in set(cells[investment]) and "0" not in set(cells[investment][values.isna()])
    years = cells[t("start_year", "zh")].tolist()
    assert not any("," in y for y in years), years


def test_city_comparison_groups_values_and_says_no_data():
    from geo.metrics import METRICS
    from ui.rankings import _fmt_value

    spec = METRICS["enterprises"]
    assert _fmt_value(1190.0, spec, "zh") == "1,190"
    assert _fmt_value(float("nan"), spec, "en") == "no data"
