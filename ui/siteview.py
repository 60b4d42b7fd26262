"""Parks & platforms page: the site table and picker, the firms within a radius of the
picked site, plan items without a place, and cities without a platform nearby."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from geo import proximity
from geo.layout import (
    CITY_BY_ADCODE,
    SITE_KINDS,
    SITE_STATUSES,
    city_name,
)
from geo.metrics import METRICS
from geo.text import colon, fmt_number, t
from ui import state
from ui.columns import (
    column_label,
    localized,
    name_col,
    precision_label,
    show,
    zone_label,
)
from ui.firmview import enterprise_export, firm_view
from ui.shell import PageContext
from ui.text import plain


def site_table(sites: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sites as a plain table for display and download."""
    cols = ["id", "name_zh", "name_en", "kind", "status", "city_adcode", "district", "lon",
            "lat", "coord_precision", "source", "note"]
    return pd.DataFrame(sites[[c for c in cols if c in sites.columns]])


def plan_items(ctx: PageContext, sites: pd.DataFrame) -> None:
    """Sites the plan names that have no place (``coord_precision`` none): listed, not mapped."""
    items = sites[sites["coord_precision"] == "none"]
    if items.empty or ctx.present:
        return
    st.subheader(t("plan_items", ctx.lang))
    drop = [column_label(c, ctx.lang) for c in ("lon", "lat", "city_adcode", "district",
                                          "coord_precision")]
    st.dataframe(site_view(items, ctx.lang).drop(columns=drop), hide_index=True,
                 width="stretch")


def site_view(sites: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sites for people: kinds, statuses and cities in words, headers in ``lang``."""
    table = site_table(sites, lang).rename(columns={"name_zh": t("site_name", lang)})
    return localized(table.assign(
        kind=table["kind"].map(lambda k: SITE_KINDS[k].label(lang) if k in SITE_KINDS else k),
        status=table["status"].map(
            lambda k: SITE_STATUSES[k].label(lang) if k in SITE_STATUSES else k),
        city_adcode=table["city_adcode"].map(
            lambda a: city_name(a, lang) if a in CITY_BY_ADCODE else ""),
        coord_precision=table["coord_precision"].map(lambda c: precision_label(c, lang)),
    ), lang)


def site_picker(ctx: PageContext, sites: pd.DataFrame) -> str:
    """Pick a site (or none) to list the firms around it."""
    lang = ctx.lang
    sites = sites[np.isfinite(sites["lon"].astype(float))]  # plan items have no place
    names = {"": "—", **{str(i): f"{n} · {SITE_KINDS[k].label(lang)} · "
                         f"{SITE_STATUSES[s].label(lang)}"
                         for i, n, k, s in zip(sites["id"], sites[name_col(lang)].where(
                             sites[name_col(lang)].astype(bool), sites["name_zh"]),
                             sites["kind"], sites["status"], strict=True)}}
    if str(state.view("site")) not in names:  # e.g. a link to a removed site
        st.toast(plain(t("url_ignored", lang, what=f"site={state.view('site')}")))
        state.set_view("site", "")
    if ctx.present:
        return str(state.view("site"))
    return str(st.selectbox(t("site", lang), list(names), key="site",
                            format_func=names.__getitem__))


def _site_row(sites: pd.DataFrame, site_id: str) -> pd.Series | None:
    hit = sites[(sites["id"].astype(str) == site_id) & np.isfinite(sites["lon"].astype(float))]
    return None if hit.empty else hit.iloc[0]


def site_circle(sites: pd.DataFrame, site_id: str, radius_km: float
                ) -> tuple[float, float, float] | None:
    """The radius circle to draw around the picked site."""
    row = _site_row(sites, site_id) if site_id else None
    return None if row is None else (float(row["lon"]), float(row["lat"]), float(radius_km))


def firms_near_site(ctx: PageContext, sites: pd.DataFrame, site_id: str, radius_km: float
                    ) -> pd.DataFrame:
    """The filtered firms within the radius of the picked site, listed nearest first."""
    slot = st.container()  # always drawn: the map below keeps its place in the page
    row = _site_row(sites, site_id) if site_id else None
    if row is None:
        return ctx.frame.iloc[:0]
    near = proximity.within_radius(ctx.frame, float(row["lon"]), float(row["lat"]), radius_km)
    if not ctx.present:
        lang = ctx.lang
        slot.markdown(f"**{t('firms_near', lang)}{colon(lang)}{fmt_number(len(near), lang)}**")
        view = firm_view(enterprise_export(near, lang).assign(
            distance_km=near["distance_km"].round(2)), lang)
        show(view, lang, where=slot, hide_index=True, width="stretch", height=240)
    return near


def coverage_gaps(ctx: PageContext, table: pd.DataFrame, radius_km: float) -> None:
    """Cities that have firms but no platform within the radius of any of them."""
    lang = ctx.lang
    st.subheader(t("within_km", lang, text=t("coverage_gap", lang), km=f"{radius_km:g}"))
    gaps = table[(table["enterprises"] > 0) & ~(table["share_near_platform"] > 0)]
    view = pd.DataFrame({
        t("cities", lang): gaps[name_col(lang)],
        t("zone", lang): gaps["zone"].map(lambda z: zone_label(z, lang)),
        t("firms", lang): gaps["enterprises"],
        METRICS["median_km_to_platform"].title(lang): gaps["median_km_to_platform"].round(1),
    })
    show(view, lang, decimals={METRICS["median_km_to_platform"].title(lang): 1},
         hide_index=True, width="stretch")
