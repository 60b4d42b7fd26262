"""Table columns for people: headers in the page's language and fixed decimals."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler
from streamlit.delta_generator import DeltaGenerator
from streamlit.elements.lib.column_types import ColumnConfig

from geo.layout import NAME_COLUMNS, ZONES
from geo.text import CATALOGUE, group_symbol, pick, t

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
#: columns holding a year: no thousands separator ("2,023" is not a year)
YEARS: frozenset[str] = frozenset({"revenue_year", "area_year"})


def _header(column: str, lang: str) -> str:
    """The header :func:`localized` gives canonical ``column`` (others kept as they are)."""
    return column_label(column, lang) if column in COLUMN_LABELS else column


def _number_columns(view: pd.DataFrame, lang: str, decimals: dict[str, int] | None,
                    years: set[str] | None) -> dict[str, tuple[int, bool]]:
    """Each numeric column of ``view`` -> (decimals, grouped): integers show 0 decimals,
    floats 2 unless :data:`DECIMALS` or ``decimals`` say otherwise; years are not grouped."""
    by_header = {_header(c, lang): d for c, d in {**DECIMALS, **(decimals or {})}.items()}
    year_headers = {_header(c, lang) for c in YEARS | (years or set())}
    out = {}
    for col in view.columns:
        if not pd.api.types.is_numeric_dtype(view[col]) or pd.api.types.is_bool_dtype(view[col]):
            continue
        default = 2 if pd.api.types.is_float_dtype(view[col]) else 0
        out[col] = (0 if col in year_headers else by_header.get(col, default),
                    col not in year_headers)
    return out


def fixed_decimals(view: pd.DataFrame, lang: str, decimals: dict[str, int] | None = None,
                   years: set[str] | None = None) -> dict[str, ColumnConfig]:
    """``column_config`` giving each numeric column of ``view`` (localized headers) a fixed
    number of decimals and thousands separators, so ``116`` never stands next to ``243.57``
    in one column and ``1190`` reads ``1,190`` (years stay ``2023``). For a table with
    missing values use :func:`styled` (a number column shows a missing value as "None")."""
    return {col: st.column_config.NumberColumn(format=f"%{',' if grouped else ''}.{d}f")
            for col, (d, grouped) in _number_columns(view, lang, decimals, years).items()}


def styled(view: pd.DataFrame, lang: str, decimals: dict[str, int] | None = None,
           years: set[str] | None = None, missing: str | None = None) -> Styler:
    """Display ``view`` with numbers in the language's grouping and fixed decimals (as
    :func:`fixed_decimals`), a missing number as ``missing`` ("无数据"/"no data" by default,
    never 0), missing text blank; the numbers stay numbers, so sorting works. The browser's
    grid shows a missing cell as its ``placeholder``: draw with :func:`show`."""
    style = view.style.format(na_rep="", subset=[c for c in view.columns
                                                 if view[c].dtype == object])
    missing = t("no_data", lang) if missing is None else missing
    for col, (d, grouped) in _number_columns(view, lang, decimals, years).items():
        style = style.format(precision=d, thousands=group_symbol(lang) if grouped else None,
                             na_rep=missing, subset=[col])
    return style


def show(view: pd.DataFrame, lang: str, *, decimals: dict[str, int] | None = None,
         years: set[str] | None = None, missing: str | None = None,
         where: DeltaGenerator | None = None, **kwargs: Any) -> Any:
    """``st.dataframe`` of :func:`styled` ``view`` (in ``where``, default the page); the grid
    shows a missing value as ``missing`` too (it ignores the Styler's text for an empty
    cell and would print "None"). ``kwargs`` go to ``st.dataframe``."""
    missing = t("no_data", lang) if missing is None else missing
    return (where or st).dataframe(styled(view, lang, decimals, years, missing),
                                   placeholder=missing, **kwargs)


def name_col(lang: str) -> str:
    return pick(lang, *NAME_COLUMNS)


def zone_label(code: str, lang: str) -> str:
    return ZONES[code].label(lang) if code in ZONES else code


def precision_label(code: object, lang: str) -> str:
    """A location precision code (``exact``, ``town``, ``district``, ``city``, ``none``) in
    words; an unknown code as it is, a missing one blank."""
    if not isinstance(code, str) or not code:
        return ""
    key = f"precision.{code}"
    return t(key, lang) if key in CATALOGUE else code
