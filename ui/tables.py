"""Tables, charts and small widget groups shared by the pages (display only; numbers
come from geo)."""

from __future__ import annotations

import math

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from geo import chain, metrics, proximity
from geo.layout import (
    CITY_BY_ADCODE,
    SECTORS,
    SEGMENTS,
    SITE_KINDS,
    SITE_STATUSES,
    TIERS,
    ZONES,
    city_name,
)
from geo.maps._style import SEGMENT_COLORS
from geo.metrics import METRICS, MetricSpec
from geo.symbology import ZONE_COLORS
from geo.text import colon, fmt_number, fmt_share, t
from ui import data, state
from ui.mapview import FirmFocus
from ui.shell import PageContext
from ui.text import plain, source_column

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


def _name_col(lang: str) -> str:
    return "name_zh" if lang == "zh" else "name_en"


def _zone_label(code: str, lang: str) -> str:
    return ZONES[code].label(lang) if code in ZONES else code


# -- headline and shares -------------------------------------------------------------
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
    cols[1].metric(f"{t('revenue_registry_sum', lang)}{'（' if lang == 'zh' else ' ('}"
                   f"{t('unit_100m', lang)}{'）' if lang == 'zh' else ')'}",
                   fmt_number(float(known.sum()) / 1e4, lang, 1),
                   help=t("revenue_registry_help", lang, n=fmt_number(len(known), lang),
                          years=ctx.dataset.date))
    cols[2].metric(t("firms_1bn", lang), fmt_number(int((known >= TIERS["t1bn"][1]).sum()), lang))
    cols[3].metric(t("firms_100m", lang), fmt_number(int((known >= TIERS["t100m"][1]).sum()), lang))
    listed = int((ctx.frame["listed"].fillna("").astype(str) != "").sum())
    cols[4].metric(t("listed", lang), fmt_number(listed, lang))


def group_shares(ctx: PageContext, groups: pd.DataFrame) -> None:
    """Core / belt / north shares of firms and revenue."""
    lang = ctx.lang
    st.subheader(t("shares", lang))
    view = pd.DataFrame({
        "": groups[_name_col(lang)],
        t("firms", lang): groups["enterprises"],
        t("share_firms", lang): groups["enterprise_share"].map(fmt_share),
        t("share_revenue", lang): groups["revenue_share"].map(fmt_share),
    })
    # a few rows: a static table (the interactive grid's code would slow the page's map)
    st.table(view, hide_index=True, border="horizontal")


def coverage_note(ctx: PageContext, coverage: dict) -> None:
    """Say which rows a table rests on."""
    st.caption(t("coverage", ctx.lang, rows=f"{coverage['rows']:,}",
                 used=f"{coverage['rows_used']:,}",
                 nocoord=f"{coverage['rows_without_coordinates']:,}",
                 outside=f"{coverage['rows_outside']:,}",
                 coarse=f"{coverage.get('rows_city_precision', 0):,}",
                 sample=f"{coverage['sample_rows']:,}"))


# -- metric tables ---------------------------------------------------------------------
def areas_with_metrics(table: pd.DataFrame, level: str, cities: tuple[str, ...]
                       ) -> gpd.GeoDataFrame:
    """A metrics table on the cached geometries of its level: the county-level units of
    ``cities`` when drilling down, else the cities (:func:`geo.metrics.areas_with_metrics`)."""
    if level == "district":
        return metrics.areas_with_metrics(table, data.load_district_units(), cities)
    return metrics.areas_with_metrics(table, data.load_regions())


def metric_table(table: pd.DataFrame, spec: MetricSpec, lang: str) -> pd.DataFrame:
    """The downloadable table behind a choropleth: identity, the metric, the basics."""
    cols = ["adcode", "name_zh", "name_en", "zone", spec.column, "enterprises",
            "revenue_100m_cny", "revenue_missing", "land_area_km2", "area_basis",
            "density_per_1000km2"]
    out = table[[c for c in dict.fromkeys(cols) if c in table.columns]].copy()
    out[spec.column] = spec.shown(out[spec.column])
    return out.rename(columns={spec.column: f"{spec.column} ({spec.unit(lang)})"}
                      if spec.unit(lang) else {})


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(name: str, place: float, of: int, lang: str) -> str:
    """``佛山：第 4 / 21`` / ``Foshan: 4th of 21`` (``无数据`` / ``no data`` without a value)."""
    if pd.isna(place):
        return f"{name}{colon(lang)}{t('no_data', lang)}"
    if lang == "zh":
        return f"{name}：第 {int(place)} / {of}"
    return f"{name}: {_ordinal(int(place))} of {of}"


def rank_note(ctx: PageContext, table: pd.DataFrame, spec: MetricSpec) -> None:
    """State the rank of each chosen prefecture by the current metric (in a container that
    is always drawn, so the map below keeps its place in the page)."""
    slot = st.container()
    if not ctx.filters.cities:
        return
    places = metrics.rank(table[spec.column]).set_axis(table["adcode"])
    of = int(table[spec.column].notna().sum())
    names = dict(zip(table["adcode"], table[_name_col(ctx.lang)], strict=True))
    sep = "；" if ctx.lang == "zh" else "; "
    slot.markdown(f"**{spec.label(ctx.lang)}**{colon(ctx.lang)}" + sep.join(
        rank_text(_short(names[a], ctx.lang), places.get(a, float("nan")), of, ctx.lang)
        for a in ctx.filters.cities if a in names))


def _short(name: str, lang: str) -> str:
    return name.removesuffix("市") if lang == "zh" else name


def _zone_scale(lang: str) -> alt.Scale:
    """The map's zone colours (geo.maps), keyed by the zone labels the charts show."""
    return alt.Scale(domain=[z.label(lang) for z in ZONES.values()],
                     range=[ZONE_COLORS[c] for c in ZONES])


def _ranked(table: pd.DataFrame, spec: MetricSpec, lang: str, name: str,
            first: tuple[str, str], picked: tuple[str, ...]) -> pd.DataFrame:
    """Rank, ``name`` (header of the area names), ``first`` column (key, header), metric and
    firm count, best first."""
    ranked = table.sort_values(spec.column, ascending=False, na_position="last")
    key, header = first
    return pd.DataFrame({
        t("rank", lang): metrics.rank(ranked[spec.column]).astype("Int64"),
        name: ranked[_name_col(lang)].map(lambda n: _short(str(n), lang)),
        header: ranked[key].map(lambda v: _zone_label(v, lang)) if key == "zone"
        else ranked[key].map(lambda a: _short(city_name(a, lang), lang)),
        spec.title(lang): spec.shown(ranked[spec.column]).round(spec.decimals),
        t("firms", lang): ranked["enterprises"],
        "_picked": ranked["adcode"].isin(picked).to_numpy(),
    })


#: px per bar of a ranking chart: its height follows the number of bars, labels never overlap
BAR_STEP = 26


def _ranking_view(ctx: PageContext, view: pd.DataFrame, spec: MetricSpec, color: str) -> None:
    """The ranked table (chosen rows emphasised) over its bar chart (every bar labelled)."""
    lang = ctx.lang
    name = str(view.columns[1])
    picked = view.pop("_picked")
    bold = "font-weight: 700; background-color: #fff1c1"
    styled = view.style.apply(lambda row: [bold if picked.loc[row.name] else ""] * len(row),
                              axis=1).format(precision=spec.decimals, na_rep=t("no_data", lang),
                                             subset=[spec.title(lang)])
    view = view.reset_index(drop=True)
    height = min(38 + 35 * len(view), 760)
    # the table over the chart, each the page's full width: side by side, the English
    # headers pushed the metric's column out of view
    st.dataframe(styled, hide_index=True, width="stretch", height=height, column_config={
        t("rank", lang): st.column_config.NumberColumn(width="small"),
        spec.title(lang): st.column_config.NumberColumn(width="medium")})
    chart_data = view.assign(_picked=picked.to_numpy()).dropna(subset=[spec.title(lang)])
    chart = alt.Chart(chart_data).mark_bar().encode(
        # field= rather than "name:Q" shorthand: metric titles may hold a colon (区位商:…)
        x=alt.X(field=spec.title(lang), type="quantitative"),
        y=alt.Y(f"{name}:N", sort="-x", title=None,
                axis=alt.Axis(labelOverlap=False, labelLimit=220)),
        color=alt.Color(f"{color}:N", scale=_zone_scale(lang)) if color == t("zone", lang)
        else alt.Color(f"{color}:N"),
        stroke=alt.condition("datum._picked", alt.value("#1a1a1a"), alt.value(None)),
        strokeWidth=alt.condition("datum._picked", alt.value(2.5), alt.value(0)),
        tooltip=[name, color, alt.Tooltip(field=spec.title(lang), type="quantitative")],
    ).properties(height=alt.Step(BAR_STEP))  # sized by the number of bars
    st.altair_chart(chart, width="stretch")


def ranking(ctx: PageContext, table: pd.DataFrame, spec: MetricSpec) -> None:
    """Ranking table and bar chart of the 21 cities by the chosen metric (every city, the
    chosen ones emphasised)."""
    lang = ctx.lang
    st.subheader(t("ranking", lang))
    view = _ranked(table, spec, lang, t("cities", lang), ("zone", t("zone", lang)),
                   ctx.filters.cities)
    _ranking_view(ctx, view, spec, t("zone", lang))


def district_ranking(ctx: PageContext, areas: pd.DataFrame, spec: MetricSpec) -> None:
    """The drilled cities' districts ranked by the same metric as the city ranking."""
    lang = ctx.lang
    st.subheader(t("district_ranking", lang))
    view = _ranked(pd.DataFrame(areas.drop(columns="geometry")), spec, lang,
                   t("district", lang), ("city_adcode", t("city", lang)), ())
    _ranking_view(ctx, view, spec, t("city", lang))


def comparison(ctx: PageContext, table: pd.DataFrame) -> None:
    """Side-by-side comparison of up to 5 cities: metrics, segment profile, completeness."""
    lang = ctx.lang
    st.subheader(t("compare", lang))
    names = dict(zip(table["adcode"], table[_name_col(lang)], strict=True))
    picked = st.multiselect(t("compare", lang), list(names), key="compare",
                            format_func=names.__getitem__, max_selections=5,
                            label_visibility="collapsed", placeholder=t("pick_cities", lang))
    if not picked:
        return
    rows = table.set_index("adcode").loc[picked]
    specs = [m for m in METRICS.values() if not m.code.startswith(("lq_", "seg_"))]
    view = pd.DataFrame(
        {names[a]: [_fmt_value(rows.loc[a, m.column] * m.scale, m) for m in specs]
         for a in picked},
        index=[m.title(lang) for m in specs],
    )
    st.table(view, border="horizontal")  # every row visible: no scrolling inside the table
    seg_cols = [f"seg_{c}" for c in SEGMENTS]
    profile = rows[seg_cols].rename(
        columns={f"seg_{c}": s.label(lang) for c, s in SEGMENTS.items()},
        index=names).reset_index(names="city").melt("city", var_name="segment", value_name="n")
    st.markdown(f"**{t('segment_profile', lang)}**")
    labels = [s.label(lang) for s in SEGMENTS.values()]  # the vocabulary's order
    profile["order"] = profile["segment"].map({label: i for i, label in enumerate(labels)})
    st.altair_chart(
        alt.Chart(profile).mark_bar().encode(
            x=alt.X("n:Q", stack="normalize", title=t("share_firms", lang)),
            # bars in the picked order (the URL's), not sorted by name
            y=alt.Y("city:N", title=None, sort=[names[a] for a in picked]),
            # colours by segment code, as on the map, in both languages; labels not cut
            color=alt.Color("segment:N", title=None,
                            scale=alt.Scale(domain=labels,
                                            range=list(SEGMENT_COLORS[:len(labels)])),
                            legend=alt.Legend(orient="bottom", columns=3, labelLimit=0)),
            order=alt.Order("order:Q"),
            tooltip=["city", "segment", "n"]),
        width="stretch")
    st.markdown(f"**{t('chain_complete', lang)}**")
    for a in picked:
        missing = [SEGMENTS[c].label(lang) for c in str(rows.loc[a, "segments_missing"]).split(",")
                   if c in SEGMENTS]
        words = "、".join(missing) if lang == "zh" else ", ".join(missing)
        st.write(f"{names[a]}{colon(lang)}{int(rows.loc[a, 'segments_present'])}/6 · "
                 f"{t('missing_segments', lang)}{colon(lang)}{words}" if missing
                 else f"{names[a]}{colon(lang)}6/6 · {t('none_missing', lang)}")


def _fmt_value(value: float, spec: MetricSpec) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{spec.decimals}f}"


# -- enterprises -------------------------------------------------------------------------
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
    name = row[_name_col(ctx.lang)] or row["name_zh"]
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
    section = st.expander(t("firm_list", lang, n=f"{len(ctx.frame):,}"), key="firm_list",
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
    for col in ("products", "applications"):  # chain tags (geo.chain codes) as labels
        if col in view.columns:
            view[col] = view[col].fillna("").map(lambda v, c=col: chain.labels(v, lang, c))
    return localized(view, lang)


def _styled(view: pd.DataFrame, lang: str) -> object:
    """Missing values read "无数据"/"no data" (the numbers stay numbers, so sorting works)."""
    return view.style.format(na_rep=t("no_data", lang), precision=2).format(
        na_rep=t("no_data", lang), precision=0,
        subset=[c for c in view.columns if c in (
            COLUMN_LABELS["revenue_year"][0 if lang == "zh" else 1],
            COLUMN_LABELS["revenue_10k_cny"][0 if lang == "zh" else 1])]) \
        .format(na_rep="", subset=[c for c in view.columns if view[c].dtype == object])


def _firm_grid(ctx: PageContext) -> None:
    lang = ctx.lang
    table = _shown_firms(ctx.frame, lang)
    if len(ctx.frame) > TABLE_ROWS:
        st.caption(t("table_cap", lang, shown=f"{TABLE_ROWS:,}", total=f"{len(ctx.frame):,}"))
    view = firm_view(table, lang)
    source = COLUMN_LABELS["source"][0 if lang == "zh" else 1]
    ids = table["id"].astype(str).tolist()
    st.dataframe(_styled(view, lang), hide_index=True, width="stretch", height=320,
                 key="firm_table", on_select=lambda: _on_firm_selected(ids),
                 selection_mode="single-row",
                 column_config=source_column(source, ctx.dataset.key == data.BUNDLED))


# -- sites ---------------------------------------------------------------------------------
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
    i = 0 if ctx.lang == "zh" else 1
    drop = [COLUMN_LABELS[c][i] for c in ("lon", "lat", "city_adcode", "district",
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
    ), lang)


def site_picker(ctx: PageContext, sites: pd.DataFrame) -> str:
    """Pick a site (or none) to list the firms around it."""
    lang = ctx.lang
    sites = sites[np.isfinite(sites["lon"].astype(float))]  # plan items have no place
    names = {"": "—", **{str(i): f"{n} · {SITE_KINDS[k].label(lang)} · "
                         f"{SITE_STATUSES[s].label(lang)}"
                         for i, n, k, s in zip(sites["id"], sites[_name_col(lang)].where(
                             sites[_name_col(lang)].astype(bool), sites["name_zh"]),
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
        slot.markdown(f"**{t('firms_near', lang)}{colon(lang)}{len(near):,}**")
        view = firm_view(enterprise_export(near, lang).assign(
            distance_km=near["distance_km"].round(2)), lang)
        slot.dataframe(_styled(view, lang), hide_index=True, width="stretch", height=240)
    return near


def coverage_gaps(ctx: PageContext, table: pd.DataFrame, radius_km: float) -> None:
    """Cities that have firms but no platform within the radius of any of them."""
    lang = ctx.lang
    st.subheader(f"{t('coverage_gap', lang)}（{radius_km:g} 公里）" if lang == "zh"
                 else f"{t('coverage_gap', lang)} ({radius_km:g} km)")
    gaps = table[(table["enterprises"] > 0) & ~(table["share_near_platform"] > 0)]
    view = pd.DataFrame({
        t("cities", lang): gaps[_name_col(lang)],
        t("zone", lang): gaps["zone"].map(lambda z: _zone_label(z, lang)),
        t("firms", lang): gaps["enterprises"],
        METRICS["median_km_to_platform"].title(lang): gaps["median_km_to_platform"].round(1),
    })
    st.dataframe(view, hide_index=True, width="stretch")
