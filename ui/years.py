"""The year of the firm-based figures: a sidebar choice (URL ``?year=``) applied to the dataset.

With a year chosen, every page works on the registry with each firm's revenue of that
year from the firm-year panel (:func:`geo.panel.frame_for_year`): a firm without a value
for the year has no revenue (unknown), never another year's figure. The dataset's key
carries the year, so metrics and maps are cached per year exactly as per filter — a year
change costs what a filter change costs. Without a year the registry's own snapshot is used.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo import panel as pnl
from geo.text import t
from ui import data

KEY = "year"


@st.cache_resource(show_spinner=False)
def _bundled(path: str, mtime: float) -> pd.DataFrame:
    return pnl.load_panel(path).frame


def panel(lang: str = "zh") -> tuple[pd.DataFrame, str]:
    """The session's firm-year panel and its name: an upload, else the one published with
    the chosen version, else the shipped one (named as a stand-in when the chosen version
    was published without a panel)."""
    upload = st.session_state.get("panel_upload")
    if upload is not None:
        return upload["frame"], upload["name"]
    path = Path(pnl.PANEL_PATH)
    mtime = path.stat().st_mtime if path.is_file() else -1.0
    published = data.version_file("panel")
    if published is not None and published[1] is not None:
        frame, name = published[1]
        return frame, f"v{published[0]} · {name}"
    shipped = _bundled(str(path), mtime)
    if published is not None:
        return shipped, t("panel_not_published", lang, v=published[0], name=path.name)
    return shipped, path.name


def options(lang: str = "zh") -> list[int]:
    """Years the panel has values for."""
    frame, _ = panel(lang)
    return sorted(int(y) for y in frame["year"].unique())


def control(sb: DeltaGenerator, lang: str) -> None:
    """The year select box (``""`` = the registry's own snapshot)."""
    years = ["", *[str(y) for y in options(lang)]]
    if str(st.session_state.get(KEY, "")) not in years:
        st.session_state[KEY] = ""
    sb.selectbox(t("year_select", lang), years, key=KEY,
                 format_func=lambda y: y or t("year_snapshot", lang))


def chosen() -> int | None:
    """The chosen year, or None for the registry snapshot."""
    raw = str(st.session_state.get(KEY, "") or "")
    return int(raw) if raw.isdigit() else None


@st.cache_resource(show_spinner=False, max_entries=16)
def _for_year(_frame: gpd.GeoDataFrame, dataset_key: str, _panel: pd.DataFrame,
              panel_name: str, year: int) -> gpd.GeoDataFrame:
    return pnl.frame_for_year(_frame, _panel, year)


def apply(dataset: data.Dataset, lang: str) -> data.Dataset:
    """``dataset`` with the chosen year's revenues (unchanged without a year)."""
    year = chosen()
    if year is None:
        return dataset
    frame, name = panel(lang)
    key = f"{dataset.key}@{name}:{year}"
    return data.Dataset(key, f"{dataset.label} · {t('year_of', lang, year=year)}",
                        _for_year(dataset.frame, dataset.key, frame, name, year), year)
