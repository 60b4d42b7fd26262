"""The Chain page's widgets: the chain diagram, a part's producers, the city x part heat
table and a city's gaps with the nearest producers elsewhere (numbers from geo.chain)."""

from __future__ import annotations

import unicodedata
from typing import Final, Literal

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from geo import chain, provenance, units
from geo.layout import CITIES, CITY_BY_ADCODE, SEGMENTS, city_name
from geo.metrics import MetricSpec
from geo.text import colon, fmt_100m_cny, fmt_number, fmt_share, msg, pick, t
from ui import columns, data, firmview, mapview, state
from ui.shell import PageContext

PART_KEY, CITY_KEY, CLICK_KEY, DIAGRAM_KEY = "chain_part", "chain_city", "chain_click", \
    "chain_diagram"
BOX_HEIGHT = 66
#: the widest line of a box's name and of a column's heading, in narrow characters (a wide
#: CJK character counts two): what fits a column of the six-column diagram at a 1280 px
#: wide window (~130 px; bold 11 px / 12 px text, ~6 px a character)
NAME_WIDTH, HEAD_WIDTH = 20, 21
#: the height of a line of a two-line name or heading (px)
LINE_HEIGHT = 13
#: one click selection per layer of the diagram (box, name, producers, revenue): the text
#: covers most of a box, and a selection belongs to the one layer it is added to
PICKS = ("pick", "pick_label", "pick_line2", "pick_line3")
#: the three text lines of a box: field, offset, font size, weight
TEXT_LINES: Final[tuple[tuple[str, int, int, Literal["bold", "normal"]], ...]] = (
    ("label", -14, 11, "bold"), ("line2", 3, 10, "normal"), ("line3", 18, 10, "normal"))


def part_label(code: str, lang: str) -> str:
    """A part's label in ``lang``."""
    return chain.PARTS[code].label(lang)


def text_width(text: str) -> int:
    """The width of ``text`` in narrow characters: a wide East Asian character counts two.

    >>> text_width("Galvo scanner"), text_width("扫描振镜")
    (13, 8)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def two_lines(text: str, width: int) -> list[str]:
    """``text`` on one line if it fits ``width`` (:func:`text_width`), else broken at the
    space that makes the longer of two lines the shortest (which may still be wider).

    >>> two_lines("Galvo scanner", 20), two_lines("High-performance metal powder", 20)
    (['Galvo scanner'], ['High-performance', 'metal powder'])
    """
    breaks = [i for i, c in enumerate(text) if c == " "]
    if text_width(text) <= width or not breaks:
        return [text]
    return min(([text[:i], text[i + 1:]] for i in breaks),
               key=lambda lines: max(map(text_width, lines)))


def box_name(part: chain.Part, lang: str) -> list[str]:
    """The lines of a part's name in its diagram box: the name in up to two lines of
    :data:`NAME_WIDTH`, or the vocabulary's short name where the full one does not fit
    (the tooltip shows the full name).

    >>> box_name(chain.PARTS["am_equipment"], "en"), box_name(chain.PARTS["am_equipment"], "zh")
    (['AM equipment'], ['增材制造装备'])
    """
    lines = two_lines(part.label(lang), NAME_WIDTH)
    if max(map(text_width, lines)) <= NAME_WIDTH:
        return lines
    return two_lines(part.short_label(lang), NAME_WIDTH)


def has_tags(ctx: PageContext) -> bool:
    """Say what to do when the data carries no product tags; True if the page can go on."""
    if "products" in ctx.frame.columns and (ctx.frame["products"].fillna("") != "").any():
        return True
    st.info(t("chain_no_tags", ctx.lang))
    return False


# -- the diagram -------------------------------------------------------------------------
def _on_pick() -> None:
    """Diagram click -> the part picker (runs before the rerun, so the widget may change)."""
    selection = state.returned(DIAGRAM_KEY).get("selection") or {}
    for name in PICKS:  # the box or one of its lines of text
        picked = selection.get(name) or []
        if picked and picked[0].get("code") in chain.PARTS:
            state.set_view(PART_KEY, picked[0]["code"])
            return


def _heading(segment: str, lang: str) -> str:
    """A column's heading: the segment's name in up to two lines (``\\n`` between)."""
    return "\n".join(two_lines(SEGMENTS[segment].label(lang), HEAD_WIDTH))


def _diagram_frame(health: chain.ChainHealth, lang: str) -> pd.DataFrame:
    parts = health.parts.copy()
    parts["seg"] = parts["segment"].map(lambda s: _heading(s, lang))
    parts["row"] = parts.groupby("segment").cumcount()
    parts["label"] = parts["code"].map(lambda c: "\n".join(box_name(chain.PARTS[c], lang)))
    parts["name"] = parts["code"].map(lambda c: part_label(c, lang))
    unit, sample = units.label("家", lang), t("sample_flag", lang)
    counts = [f"{fmt_number(n, lang)} {unit}" for n in parts["producers"]]
    parts["line2"] = [t("aside", lang, text=c, aside=f"{fmt_number(s, lang)} {sample}") if s
                      else c for c, s in zip(counts, parts["sample_producers"], strict=True)]
    parts["line3"] = [fmt_100m_cny(v, lang) for v in parts["revenue_100m_cny"]]
    parts["status_label"] = parts["status"].map(lambda s: chain.STATUSES[s].label(lang))
    return parts


def diagram(ctx: PageContext, health: chain.ChainHealth) -> None:
    """Segments as columns, parts as boxes coloured by status; a click picks the part."""
    lang = ctx.lang
    st.subheader(t("chain_diagram", lang))
    parts = _diagram_frame(health, lang)
    order = [_heading(s, lang) for s in SEGMENTS]
    statuses = [chain.STATUSES[s].label(lang) for s in chain.STATUSES]
    # two-line names make every box a line taller; a one-line name sits mid-slot (Vega
    # draws a multi-line text's first line where a one-line text would be)
    lines = parts["label"].str.count("\n")
    extra = LINE_HEIGHT * int(lines.max())
    parts["name_dy"] = (extra - LINE_HEIGHT * lines) / 2
    column = f"width / {len(order)} - 6"  # a box's inner width: text longer is cut with …
    base = alt.Chart(parts).encode(
        x=alt.X("seg:N", sort=order, title=None,
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=alt.expr(column),
                              labelFontSize=12, labelOverlap=False, labelLineHeight=LINE_HEIGHT,
                              labelExpr="split(datum.label, '\\n')")),
        y=alt.Y("row:O", axis=None),
        tooltip=[alt.Tooltip("name:N", title=t("chain_part", lang)),
                 alt.Tooltip("line2:N", title=t("firms", lang)),
                 alt.Tooltip("line3:N", title=t("revenue", lang)),
                 alt.Tooltip("status_label:N", title="")])
    selected = str(state.view(PART_KEY))
    boxes = base.mark_rect(cornerRadius=5, stroke="#1b1b1b").encode(
        color=alt.Color("status_label:N", title=None,
                        scale=alt.Scale(domain=statuses, range=list(chain.STATUS_COLOURS.values())),
                        legend=alt.Legend(orient="bottom")),
        strokeWidth=alt.condition(alt.datum.code == selected, alt.value(4), alt.value(0.5)),
    ).add_params(alt.selection_point(name=PICKS[0], fields=["code"], on="click"))
    text = [base.mark_text(dy=alt.expr(f"{dy - extra / 2} + datum.name_dy") if field == "label"
                           else dy + extra / 2, color="white",
                           fontSize=size, fontWeight=weight, limit=alt.expr(column),
                           lineBreak="\n", lineHeight=LINE_HEIGHT)
            .encode(text=f"{field}:N")
            .add_params(alt.selection_point(name=f"pick_{field}", fields=["code"], on="click"))
            for field, dy, size, weight in TEXT_LINES]
    rows = int(parts["row"].max()) + 1
    chart = alt.layer(boxes, *text).properties(height=rows * (BOX_HEIGHT + extra))
    if ctx.present:
        st.altair_chart(chart, width="stretch")
    else:
        st.altair_chart(chart, width="stretch", key=DIAGRAM_KEY, on_select=_on_pick,
                        selection_mode=list(PICKS))
    st.caption(t("chain_legend", lang, thin=chain.THIN_PRODUCERS,
                 share=round(chain.THIN_TOP_SHARE * 100)) + " · "
               + t("chain_tagged", lang, tagged=fmt_number(health.tagged, lang),
                   firms=fmt_number(health.firms, lang)))
    if not ctx.present:
        figure_download(ctx, health)


def _figure(ctx: PageContext, health: chain.ChainHealth, fmt: str) -> bytes:
    from geo.figures import render_chain_figure  # matplotlib: on the first download

    adcode = str(state.view(CITY_KEY))
    city = data.city_chain(ctx.frame, ctx.dataset.key, ctx.params, adcode) if adcode else None
    return render_chain_figure(health, lang=ctx.lang, city=city, fmt=fmt,
                               subtitle=ctx.filters.describe(ctx.lang),
                               data_date=ctx.dataset.date, data_version=ctx.dataset.label,
                               sample_rows=provenance.sample_rows(ctx.frame))


def figure_download(ctx: PageContext, health: chain.ChainHealth) -> None:
    """The chain as a briefing figure (PNG/SVG/PDF), for the province or the picked city."""
    lang = ctx.lang
    left, right = st.columns([2, 3])
    fmt = mapview.figure_format(left, lang, key="chain_fig_fmt")
    view = str(state.view(CITY_KEY)) or "province"
    right.download_button(
        t("chain_figure", lang), lambda: _figure(ctx, health, fmt),
        provenance.export_name("chain", view, lang, fmt),
        mime={"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}[fmt],
        on_click="ignore", key="chain_fig")


def part_picker(ctx: PageContext) -> str:
    """The selected part (a selectbox that the diagram also sets); ``""`` for none."""
    options = ["", *chain.PARTS]
    if ctx.present:
        return str(state.view(PART_KEY))
    label = {"": t("chain_pick_part", ctx.lang),
             **{c: f"{SEGMENTS[p.segment].label(ctx.lang)} · {p.label(ctx.lang)}"
                for c, p in chain.PARTS.items()}}
    return str(st.selectbox(t("chain_part", ctx.lang), options, key=PART_KEY,
                            format_func=label.__getitem__))


# -- a part's producers --------------------------------------------------------------------
def producers(frame: pd.DataFrame, part: str) -> pd.DataFrame:
    """The firms of ``frame`` that make ``part``."""
    if not part:
        return frame.iloc[:0]
    column = list(chain.PARTS).index(part)
    return frame[chain.products_of(frame)[:, column]]


def _part_spec(part: str) -> MetricSpec:
    return MetricSpec(f"part_{part}", "part_firms", "家", 0,
                      name=msg("metric.part_firms", part=chain.PARTS[part]))


def part_map(ctx: PageContext, health: chain.ChainHealth, part: str) -> None:
    """Producers of the part on the map, over a choropleth of their number per city."""
    if not part:
        mapview.show(ctx, mapview.MapSpec(enterprises=ctx.frame, click_target=CLICK_KEY),
                     key="chain", table=health.records())
        return
    counts = health.matrix[part].rename("part_firms").rename_axis("adcode").reset_index()
    areas = data.areas_with_metrics(counts, "city", ())
    made = producers(ctx.frame, part)
    spec = mapview.MapSpec(choropleth=mapview.Choropleth(areas, _part_spec(part), "city"),
                           enterprises=made, click_target=CLICK_KEY)
    mapview.show(ctx, spec, key="chain", table=firmview.enterprise_export(made, ctx.lang))


def part_detail(ctx: PageContext, health: chain.ChainHealth, part: str) -> None:
    """The part's producers by city (bar chart) and listed (table)."""
    if not part or ctx.present:
        return
    lang = ctx.lang
    made = producers(ctx.frame, part)
    st.markdown(f"**{t('chain_part_firms', lang, part=part_label(part, lang), n=len(made))}**")
    if made.empty:
        return
    by_city = health.matrix[part]
    by_city = by_city[by_city > 0].rename(index=lambda a: city_name(a, lang))
    left, right = st.columns([2, 3])
    with left:
        st.caption(t("chain_by_city", lang))
        view = by_city.rename_axis("city").reset_index(name="n")
        st.altair_chart(alt.Chart(view).mark_bar().encode(
            x=alt.X("n:Q", title=t("firms", lang)), y=alt.Y("city:N", sort="-x", title=None)),
            width="stretch")
    with right:
        st.caption(t("chain_firms_of", lang, part=part_label(part, lang)))
        view = firmview.enterprise_export(made, lang)
        view["products"] = view["products"].map(lambda v: chain.labels(v, lang))
        view["city_adcode"] = view["city_adcode"].map(
            lambda a: city_name(a, lang) if a in CITY_BY_ADCODE else "")
        view["applications"] = view["applications"].map(
            lambda v: chain.labels(v, lang, "applications"))
        columns.show(columns.localized(view, lang), lang, hide_index=True, width="stretch",
                     height=300)


# -- the heat table ------------------------------------------------------------------------
def _heat(values: pd.DataFrame) -> pd.DataFrame:
    """CSS backgrounds from white to blue by value (no matplotlib on page load)."""
    top = max(float(np.nanmax(values.to_numpy(float))), 1.0)

    def css(v: float) -> str:
        share = 0.0 if pd.isna(v) else float(v) / top
        r, g, b = (int(255 + (c - 255) * share) for c in (8, 81, 156))
        ink = "white" if share > 0.55 else "black"
        return f"background-color: rgb({r},{g},{b}); color: {ink}"

    return values.map(css)


def heat_table(ctx: PageContext, health: chain.ChainHealth) -> None:
    """City x part: how many firms make each part in each city."""
    if ctx.present:
        return
    lang = ctx.lang
    st.subheader(t("chain_heat", lang))
    matrix = health.matrix.rename(index=lambda a: city_name(a, lang),
                                  columns=lambda c: part_label(c, lang)
                                  ).rename_axis(t("cities", lang))
    st.dataframe(matrix.style.apply(_heat, axis=None), width="stretch", height=560)


# -- a city's gaps -------------------------------------------------------------------------
def take_map_click() -> None:
    """A city clicked on the map becomes the selected city (before the picker is drawn)."""
    clicked = state.codes(CLICK_KEY)
    if clicked:
        state.set_view(CITY_KEY, clicked[-1])
        state.put(CLICK_KEY, [])


def city_gaps(ctx: PageContext) -> None:
    """A city's parts, the inputs its firms need but lack, and the nearest producers."""
    lang = ctx.lang
    st.subheader(t("chain_city_title", lang))
    names = {"": t("chain_pick_city", lang), **{c.adcode: city_name(c.adcode, lang)
                                                for c in CITIES}}
    if ctx.present:
        adcode = str(state.view(CITY_KEY))
    else:
        adcode = str(st.selectbox(t("chain_city_pick", lang), list(names), key=CITY_KEY,
                                  format_func=names.__getitem__))
    if not adcode:
        return
    gaps = data.city_chain(ctx.frame, ctx.dataset.key, ctx.params, adcode)
    if not gaps.has:
        st.info(t("chain_no_firms", lang))
        return
    supply = data.metrics_for(ctx.dataset, ctx.filters).table.set_index("adcode")
    share = (supply["supply_share"].astype(float)[adcode] if "supply_share" in supply.columns
             else np.nan)
    c1, c2 = st.columns([3, 1])
    sep = colon(lang)
    c1.markdown(f"**{t('chain_has', lang)}**{sep}" + chain.labels(";".join(gaps.has), lang))
    c2.metric(t("chain_supply", lang), fmt_share(share, lang), help=t("chain_supply_help", lang))
    if not gaps.missing:
        st.success(t("chain_none_missing", lang))
        return
    st.markdown(f"**{t('chain_missing', lang)}**{sep}"
                + chain.labels(";".join(gaps.missing), lang))
    st.markdown(f"**{t('chain_short_list', lang)}**")
    short = _short_list(gaps, lang)
    columns.show(short, lang, decimals={t("distance_km", lang): 1, "#": 0}, hide_index=True,
                 width="stretch", height=360)
    st.caption(t("chain_distance_note", lang))


def _short_list(gaps: chain.CityChain, lang: str) -> pd.DataFrame:
    near = gaps.nearest
    rows: list[dict[str, object]] = []
    for code in gaps.missing:
        hits = near[near["product"] == code]
        if hits.empty:
            rows.append({"product": part_label(code, lang), "rank": None, "name": "",
                         "city": t("chain_nobody", lang), "distance_km": np.nan,
                         "sample": None})
        for _, h in hits.iterrows():
            rows.append({"product": part_label(code, lang), "rank": int(h["rank"]),
                         "name": pick(lang, h["name_zh"], h.get("name_en") or h["name_zh"]),
                         "city": city_name(h["city_adcode"], lang)
                         if h["city_adcode"] in CITY_BY_ADCODE else "",
                         "distance_km": round(float(h["distance_km"]), 1),
                         "sample": bool(h.get("sample", False))})
    heads = {"product": t("chain_part", lang), "rank": "#",
             "name": t("firm_col", lang),
             "city": t("cities", lang), "distance_km": t("distance_km", lang),
             "sample": columns.column_label("sample", lang)}
    return pd.DataFrame(rows, columns=list(heads)).rename(columns=heads)
