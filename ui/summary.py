"""Overview figures: the registry's headline numbers, zone shares, and the note on which
rows a table rests on (display only; numbers come from geo)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import units
from geo.layout import (
    TIERS,
)
from geo.text import fmt_number, fmt_share, t
from ui.columns import name_col
from ui.shell import PageContext


def headline(ctx: PageContext) -> None:
    """Headline figures of the (filtered) registry: what it holds, not plan progress.

    The registry's revenue sum covers only the firms it lists, so it is never set against
    the plan's cluster revenue target; where the plan stands is :func:`ui.targets.status_line`.
    """
    lang = ctx.lang
    revenue = pd.to_numeric(ctx.frame["revenue_10k_cny"], errors="coerce")
    known = revenue.dropna()
    cols = st.columns(5)
    cols[0].metric(t("firms", lang), fmt_number(len(ctx.frame), lang))
    cols[1].metric(t("aside", lang, text=t("revenue_registry_sum", lang),
                     aside=units.label("亿元", lang)),
                   fmt_number(float(known.sum()) / 1e4, lang, 1),
                   help=t("revenue_registry_help", lang, n=fmt_number(len(known), lang),
                          years=ctx.dataset.date))
    cols[2].metric(t("firms_1bn", lang), fmt_number(int((known >= TIERS["t1bn"][1]).sum()), lang))
    cols[3].metric(t("firms_100m", lang), fmt_number(int((known >= TIERS["t100m"][1]).sum()), lang))
    listed = int((ctx.frame["listed"].fillna("").astype(str) != "").sum())
    cols[4].metric(t("listed", lang), fmt_number(listed, lang))
    year = ctx.dataset.year
    st.caption(t("revenue_basis_snapshot", lang, years=ctx.dataset.date) if year is None
               else t("revenue_basis_year", lang, year=year))


def group_shares(ctx: PageContext, groups: pd.DataFrame) -> None:
    """Core / belt / north shares of firms and revenue."""
    lang = ctx.lang
    st.subheader(t("shares", lang))
    view = pd.DataFrame({
        "": groups[name_col(lang)],
        t("firms", lang): groups["enterprises"].map(lambda v: fmt_number(v, lang)),
        t("share_firms", lang): groups["enterprise_share"].map(lambda v: fmt_share(v, lang)),
        t("share_revenue", lang): groups["revenue_share"].map(lambda v: fmt_share(v, lang)),
    })
    # a few rows: a static table (the interactive grid's code would slow the page's map)
    st.table(view, hide_index=True, border="horizontal")


def coverage_note(ctx: PageContext, coverage: dict) -> None:
    """Say which rows a table rests on."""
    st.caption(t("coverage", ctx.lang, rows=fmt_number(coverage['rows'], ctx.lang),
                 used=fmt_number(coverage['rows_used'], ctx.lang),
                 nocoord=fmt_number(coverage['rows_without_coordinates'], ctx.lang),
                 outside=fmt_number(coverage['rows_outside'], ctx.lang),
                 coarse=fmt_number(coverage.get('rows_city_precision', 0), ctx.lang),
                 sample=fmt_number(coverage['sample_rows'], ctx.lang)))
