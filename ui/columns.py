"""Table columns for people: headers in the page's language and fixed decimals."""

from __future__ import annotations

from typing import Final

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from geo.layout import NAME_COLUMNS, ZONES
from geo.text import CATALOGUE, pick, t

#: canonical columns shown with a header in the reader's language (entries ``col.<name>``)
COLUMN_LABELS: Final = tuple(k.removeprefix("col.") for k in CATALOGUE if k.startswith("col."))


def column_label(column: str, lang: str) -> str:
    """The header of canonical ``column`` in ``lang`` (``KeyError`` for an unknown one)."""
    return t(f"col.{column}", lang)


def localized(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Display copy with headers in ``lang`` (downloads keep canonical names)."""
    return df.rename(columns={c: column_label(c, lang) for c in COLUMN_LABELS})


#: decimals a number column shows (every row the same); other float columns show 2
DECIMALS: dict[str, int] = {"revenue_10k_cny": 0, "revenue_year": 0, "employees": 0,
                            "lon": 5, "lat": 5, "distance_km": 1}


def fixed_decimals(view: pd.DataFrame, lang: str,
                   decimals: dict[str, int] | None = None) -> dict[str, ColumnConfig]:
    """``column_config`` giving each numeric column of ``view`` (localized headers) a fixed
    number of decimals, so ``116`` never stands next to ``243.57`` in one column."""
    by_header = {column_label(c, lang) if c in COLUMN_LABELS else c: d
                 for c, d in {**DECIMALS, **(decimals or {})}.items()}
    return {col: st.column_config.NumberColumn(format=f"%.{by_header.get(col, 2)}f")
            for col in view.columns if pd.api.types.is_numeric_dtype(view[col])
            and not pd.api.types.is_bool_dtype(view[col])
            and (pd.api.types.is_float_dtype(view[col]) or col in by_header)}


def name_col(lang: str) -> str:
    return pick(lang, *NAME_COLUMNS)


def zone_label(code: str, lang: str) -> str:
    return ZONES[code].label(lang) if code in ZONES else code
