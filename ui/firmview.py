"""Enterprises page: the firm table (selecting a row picks the firm the map focuses on),
the picked firm's chip, and the plain firm table every export uses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import chain
from geo.layout import (
    CITY_BY_ADCODE,
    SECTORS,
    SEGMENTS,
    TIERS,
    city_name,
)
from geo.text import colon, fmt_number, t
from ui import data, state
from ui.columns import column_label, localized, name_col, precision_label, show
from ui.mapview import FirmFocus
from ui.shell import PageContext
from ui.text import plain, source_column


def enterprise_export(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The filtered enterprises as a plain table (no geometry), for display and download."""
    cols = ["id", "name_zh", "name_en", "city", "district", "city_adcode", "segment", "sector",
            "tier", "revenue_10k_cny", "revenue_year", "listed", "products", "applications",
            "lon", "lat", "coord_precision", "source", "sample"]
    return pd.DataFrame(frame[[c for c in cols if c in frame.columns]])


#: Rows shown in the browser table (the download has them all): a 100,000-row table would
#: cost the browser seconds and nobody scrolls it.
TABLE_ROWS = 5_000


def _shown_firms(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = enterprise_export(frame, lang)
    if len(table) > TABLE_ROWS:
        table = table.sort_values("revenue_10k_cny", ascending=False).head(TABLE_ROWS)
    return table


def picked_firm(ctx: PageContext) -> FirmFocus | None:
    """The location of the picked firm (``firm`` in the session and the URL), with a chip
    naming it that clears the pick.

    Read before the map is drawn, so the map can sit above the table. The chip's container
    is always drawn: an element appearing above the table would make the browser rebuild
    the table and lose its sort.
    """
    slot = st.container()
    firm = str(state.view("firm"))
    if not firm:
        return None
    frame = ctx.dataset.frame
    hit = frame[frame["id"].astype(str) == firm]
    if hit.empty:
        state.set_view("firm", "")
        return None
    row = hit.iloc[0]
    name = row[name_col(ctx.lang)] or row["name_zh"]
    slot.button(plain(f"{t('focus', ctx.lang)}{colon(ctx.lang)}{name}  ×"), key="clear_firm",
                on_click=_set_firm, args=("",), icon=":material/my_location:")
    precision = str(row.get("coord_precision") or "")
    city = str(row.get("city_adcode") or "") if precision == "city" else ""
    if city not in set(data.load_regions()["adcode"].astype(str)):
        city = ""
    return FirmFocus(firm, float(row["lon"]), float(row["lat"]), city)


def _set_firm(firm: str) -> None:
    state.set_view("firm", firm)


def _on_firm_selected(ids: list[str]) -> None:
    """The table's row selection -> the picked firm id (kept in the URL)."""
    rows = state.returned("firm_table").get("selection", {}).get("rows", [])
    _set_firm(ids[rows[0]] if rows and rows[0] < len(ids) else "")


def enterprise_table(ctx: PageContext) -> None:
    """The filtered firms (the largest 5,000 in the browser); selecting a row focuses the map.

    In a folded section that is only drawn while open: the grid (Streamlit's dataframe code
    and up to 5,000 rows) cost the page's first map ~0.3 s in the browser. The section's
    state is kept across pages; the downloads always hold every row.
    """
    lang = ctx.lang
    section = st.expander(t("firm_list", lang, n=fmt_number(len(ctx.frame), lang)), key="firm_list",
                          on_change="rerun")
    if section.open:
        with section:
            _firm_grid(ctx)


def firm_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Firms for people: names instead of codes, headers in ``lang`` (codes stay in exports)."""
    tiers = {k: v[0].label(lang) for k, v in TIERS.items()}
    sector = {c: term.label(lang) for c, term in SECTORS.items()}
    view = table.assign(
        city_adcode=table["city_adcode"].map(
            lambda a: city_name(a, lang) if a in CITY_BY_ADCODE else ""),
        segment=table["segment"].map(lambda c: SEGMENTS[c].label(lang) if c in SEGMENTS
                                     else t("unknown", lang)),
        tier=table["tier"].map(lambda c: tiers.get(c, t("unknown", lang))),
        sector=table["sector"].map(lambda c: sector.get(c, t("unknown", lang))),
    )
    if "coord_precision" in view.columns:
        view["coord_precision"] = view["coord_precision"].map(
            lambda c: precision_label(c, lang))
    for col in ("products", "applications"):  # chain tags (geo.chain codes) as labels
        if col in view.columns:
            view[col] = view[col].fillna("").map(lambda v, c=col: chain.labels(v, lang, c))
    return localized(view, lang)


def _firm_grid(ctx: PageContext) -> None:
    lang = ctx.lang
    table = _shown_firms(ctx.frame, lang)
    if len(ctx.frame) > TABLE_ROWS:
        st.caption(t("table_cap", lang, shown=fmt_number(TABLE_ROWS, lang),
                     total=fmt_number(len(ctx.frame), lang)))
    view = firm_view(table, lang)
    source = column_label("source", lang)
    ids = table["id"].astype(str).tolist()
    show(view, lang, hide_index=True, width="stretch", height=320,
         key="firm_table", on_select=lambda: _on_firm_selected(ids),
         selection_mode="single-row",
         column_config=source_column(source, ctx.dataset.key == data.BUNDLED))
