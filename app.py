"""Guangdong Laser & AM Cluster Atlas — Streamlit entry point (navigation only)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo.metrics import METRICS
from geo.text import t
from ui import state

PAGES = Path(__file__).parent / "views"
#: (file, title key, icon, url path) — the order of the navigation
NAV = (
    ("overview.py", "page_overview", ":material/map:", "overview"),
    ("cities.py", "page_cities", ":material/location_city:", "cities"),
    ("enterprises.py", "page_enterprises", ":material/factory:", "enterprises"),
    ("chain.py", "page_chain", ":material/account_tree:", "chain"),
    ("sites.py", "page_sites", ":material/science:", "sites"),
    ("targets.py", "page_targets", ":material/flag:", "targets"),
    ("data.py", "page_data", ":material/database:", "data"),
)

st.set_page_config(page_title=t("app_title", "zh"), page_icon="🔆", layout="wide")
state.init(set(METRICS))
lang = state.lang()
pages = [
    st.Page(PAGES / file, title=t(key, lang), icon=icon, url_path="" if i == 0 else path,
            default=i == 0)
    for i, (file, key, icon, path) in enumerate(NAV)
]


def _overview_alias() -> None:
    """``/overview`` (the path NAV names) opens the Overview, served at ``/``, with the link's
    parameters; without this alias Streamlit shows "Page not found" before it falls back."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


pages.append(st.Page(_overview_alias, title=t("page_overview", lang), url_path=NAV[0][3],
                     visibility="hidden"))
nav = st.navigation(pages, position="hidden" if state.view("present") else "sidebar")
try:
    nav.run()
finally:
    state.sync_url()
