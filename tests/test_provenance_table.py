"""The Data page's provenance table keeps its numbers numeric: a missing revenue reads
"无数据"/"no data" through the table's formatting, never a "–" string inside a float column
(which Arrow refused, logging an ArrowInvalid and re-typing the column as text) and never 0."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from geo.registry import load_enterprises
from geo.text import t
from ui.columns import column_label

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_revenue_is_no_data_in_a_numeric_column(lang):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/data.py").run()
    assert not at.exception
    revenue = column_label("revenue_10k_cny", lang)
    table = next(d for d in at.dataframe if revenue in d.value.columns)
    values = table.value[revenue]
    assert pd.api.types.is_float_dtype(values)  # not re-typed as text
    firms = load_enterprises()
    real = firms[~firms["sample"].astype(bool)]
    missing = int(real["revenue_10k_cny"].isna().sum())
    assert missing > 0 and int(values.isna().sum()) == missing and not (values == 0).any()
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all()
    cells = shown.to_pandas()[revenue].tolist()
    assert cells.count(t("no_data", lang)) == missing
