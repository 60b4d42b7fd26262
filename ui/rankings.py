"""Cities page: metric tables, rank notes, city and district rankings, the side-by-side
comparison (display only; numbers come from geo)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from geo import metrics
from geo.layout import (
    SEGMENTS,
    ZONES,
    city_name,
)
from geo.maps._style import SEGMENT_COLORS
from geo.metrics import METRICS, MetricSpec
from geo.symbology import ZONE_COLORS
from geo.text import colon, fmt_number, pick, t
from ui.columns import name_col, styled, zone_label
from ui.shell import PageContext


def metric_table(table: pd.DataFrame, spec: MetricSpec, lang: str) -> pd.DataFrame:
    """The downloadable table behind a choropleth: identity, the metric, the basics."""
    cols = ["adcode", "name_zh", "name_en", "zone", spec.column, "enterprises",
            "revenue_100m_cny", "revenue_missing", "land_area_km2", "area_basis",
            "density_per_1000km2"]
    out = table[[c for c in dict.fromkeys(cols) if c in table.columns]].copy()
    out[spec.column] = spec.shown(out[spec.column])
    return out.rename(columns={spec.column: t("aside", lang, text=spec.column,
                                              aside=spec.unit(lang))}
                      if spec.unit(lang) else {})


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_text(name: str, place: float, of: int, lang: str) -> str:
    """``佛山：第 4 / 21`` / ``Foshan: 4th of 21`` (``无数据`` / ``no data`` without a value)."""
    if pd.isna(place):
        return f"{name}{colon(lang)}{t('no_data', lang)}"
    return t("rank_of", lang, name=name, of=of,
             place=pick(lang, str(int(place)), _ordinal(int(place))))


def rank_note(ctx: PageContext, table: pd.DataFrame, spec: MetricSpec) -> None:
    """State the rank of each chosen prefecture by the current metric (in a container that
    is always drawn, so the map below keeps its place in the page)."""
    slot = st.container()
    if not ctx.filters.cities:
        return
    places = metrics.rank(table[spec.column]).set_axis(table["adcode"])
    of = int(table[spec.column].notna().sum())
    names = dict(zip(table["adcode"], table[name_col(ctx.lang)], strict=True))
    sep = t("clause_sep", ctx.lang)
    slot.markdown(f"**{spec.label(ctx.lang)}**{colon(ctx.lang)}" + sep.join(
        rank_text(_short(names[a], ctx.lang), places.get(a, float("nan")), of, ctx.lang)
        for a in ctx.filters.cities if a in names))


def _short(name: str, lang: str) -> str:
    return name.removesuffix("市")  # an English name has no 市


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
        name: ranked[name_col(lang)].map(lambda n: _short(str(n), lang)),
        header: ranked[key].map(lambda v: zone_label(v, lang)) if key == "zone"
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
    shown = styled(view, lang, {spec.title(lang): spec.decimals}).apply(
        lambda row: [bold if picked.loc[row.name] else ""] * len(row), axis=1)
    view = view.reset_index(drop=True)
    height = min(38 + 35 * len(view), 760)
    # the table over the chart, each the page's full width: side by side, the English
    # headers pushed the metric's column out of view
    st.dataframe(shown, hide_index=True, width="stretch", height=height,
                 placeholder=t("no_data", lang), column_config={
        t("rank", lang): st.column_config.NumberColumn(width="small"),
        spec.title(lang): st.column_config.NumberColumn(width="medium")})
    chart_data = view.assign(_picked=picked.to_numpy()).dropna(subset=[spec.title(lang)])
    chart = alt.Chart(chart_data).mark_bar().encode(
        # field= rather than "name:Q" shorthand: a title may hold a colon (Location quotient: …)
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
    names = dict(zip(table["adcode"], table[name_col(lang)], strict=True))
    picked = st.multiselect(t("compare", lang), list(names), key="compare",
                            format_func=names.__getitem__, max_selections=5,
                            label_visibility="collapsed", placeholder=t("pick_cities", lang))
    if not picked:
        return
    rows = table.set_index("adcode").loc[picked]
    specs = [m for m in METRICS.values() if not m.code.startswith(("lq_", "seg_"))]
    view = pd.DataFrame(
        {names[a]: [_fmt_value(rows.loc[a, m.column] * m.scale, m, lang) for m in specs]
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
        words = t("list_sep", lang).join(missing)
        st.write(f"{names[a]}{colon(lang)}{int(rows.loc[a, 'segments_present'])}/6 · "
                 f"{t('missing_segments', lang)}{colon(lang)}{words}" if missing
                 else f"{names[a]}{colon(lang)}6/6 · {t('none_missing', lang)}")


def _fmt_value(value: float, spec: MetricSpec, lang: str) -> str:
    """A metric's value in the language's grouping; "无数据"/"no data" when missing."""
    if value is None or pd.isna(value):
        return t("no_data", lang)
    return fmt_number(value, lang, spec.decimals)
