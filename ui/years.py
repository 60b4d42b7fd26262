"""The year of the firm-based figures: a sidebar choice (URL ``?year=``) applied to the dataset.

With a year chosen, every page works on the registry with each firm's revenue of that
year from the firm-year panel (:func:`geo.panel.frame_for_year`): a firm without a value
for the year has no revenue (unknown), never another year's figure. The dataset's key
carries the year, so metrics and maps are cached per year exactly as per filter — a year
change costs what a filter change costs. Without a year the registry's own snapshot is used.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.delta_generator import DeltaGenerator

from geo import panel as pnl
from geo.text import t
from ui import data, state

KEY = "year"


def panel(lang: str = "zh") -> tuple[pd.DataFrame, str]:
    """The session's firm-year panel and its name: an upload, else the one published with
    the chosen version, else the shipped one (named as a stand-in when the chosen version
    was published without a panel)."""
    upload = state.panel_upload()
    if upload is not None:
        return upload["frame"], upload["name"]
    path = Path(pnl.PANEL_PATH)
    mtime = path.stat().st_mtime if path.is_file() else -1.0
    published = data.version_file("panel")
    if published is not None and published[1] is not None:
        frame, name = published[1]
        return frame, f"v{published[0]} · {name}"
    shipped = data.load_panel(str(path), mtime)
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
    if str(state.view(KEY)) not in years:
        state.set_view(KEY, "")
    sb.selectbox(t("year_select", lang), years, key=KEY,
                 format_func=lambda y: y or t("year_snapshot", lang))


def chosen() -> int | None:
    """The chosen year, or None for the registry snapshot."""
    raw = str(state.view(KEY) or "")
    return int(raw) if raw.isdigit() else None


def apply(dataset: data.Dataset, lang: str) -> data.Dataset:
    """``dataset`` with the chosen year's revenues (unchanged without a year)."""
    year = chosen()
    if year is None:
        return dataset
    frame, name = panel(lang)
    key = f"{dataset.key}@{name}:{year}"
    return data.Dataset(key, f"{dataset.label} · {t('year_of', lang, year=year)}",
                        data.frame_for_year(dataset.frame, dataset.key, frame, name, year), year)
