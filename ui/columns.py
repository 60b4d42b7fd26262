"""Table columns for people: headers in the page's language and fixed decimals."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from geo.layout import (
    ZONES,
)

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "id": ("编号", "ID"), "name_zh": ("企业名称", "Name (zh)"), "name_en": ("英文名称", "Name"),
    "city": ("所在城市（原文）", "City (as written)"), "district": ("区县", "District"),
    "city_adcode": ("地市", "Prefecture"), "segment": ("产业链环节", "Chain segment"),
    "sector": ("领域", "Sector"), "tier": ("规模", "Size tier"),
    "revenue_10k_cny": ("营业收入（万元）", "Revenue (¥10k)"), "revenue_year": ("年份", "Year"),
    "listed": ("上市代码", "Ticker"), "lon": ("经度", "Lon"), "lat": ("纬度", "Lat"),
    "coord_precision": ("定位精度", "Location precision"), "source": ("出处", "Source"),
    "sample": ("示例数据", "Sample"), "distance_km": ("距离（公里）", "Distance (km)"),
    "products": ("主要产品", "Products"), "applications": ("应用领域", "Applications"),
    "kind": ("类型", "Kind"), "status": ("状态", "Status"), "note": ("备注", "Note"),
}


def localized(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Display copy with headers in ``lang`` (downloads keep canonical names)."""
    i = 0 if lang == "zh" else 1
    return df.rename(columns={c: v[i] for c, v in COLUMN_LABELS.items()})


#: decimals a number column shows (every row the same); other float columns show 2
DECIMALS: dict[str, int] = {"revenue_10k_cny": 0, "revenue_year": 0, "employees": 0,
                            "lon": 5, "lat": 5, "distance_km": 1}


def fixed_decimals(view: pd.DataFrame, lang: str,
                   decimals: dict[str, int] | None = None) -> dict[str, ColumnConfig]:
    """``column_config`` giving each numeric column of ``view`` (localized headers) a fixed
    number of decimals, so ``116`` never stands next to ``243.57`` in one column."""
    i = 0 if lang == "zh" else 1
    by_header = {COLUMN_LABELS[c][i] if c in COLUMN_LABELS else c: d
                 for c, d in {**DECIMALS, **(decimals or {})}.items()}
    return {col: st.column_config.NumberColumn(format=f"%.{by_header.get(col, 2)}f")
            for col in view.columns if pd.api.types.is_numeric_dtype(view[col])
            and not pd.api.types.is_bool_dtype(view[col])
            and (pd.api.types.is_float_dtype(view[col]) or col in by_header)}


def name_col(lang: str) -> str:
    return "name_zh" if lang == "zh" else "name_en"


def zone_label(code: str, lang: str) -> str:
    return ZONES[code].label(lang) if code in ZONES else code
