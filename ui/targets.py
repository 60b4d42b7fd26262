"""Targets page widgets: every target of the plan file, its trajectory, and the end-of-plan view.

Everything shown comes from :mod:`geo.plan` (the plan file, the indicators and the
firm-year panel); a plan file with other targets drives the page without code changes.
Text read from files (titles, quotes, definitions, sources) goes into tables or is escaped,
never rendered as Markdown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from geo import indicators as ind
from geo import panel as pnl
from geo import plan as pln
from geo import projects as prj
from geo import units
from geo.layout import CITY_BY_ADCODE, NAME_COLUMNS, SITE_KINDS
from geo.text import colon, fmt_100m_cny, fmt_number, msg, pick, t
from ui import columns, data, mapview, rankings, state, years
from ui.shell import PageContext
from ui.text import error_text, plain, source_column

#: (Chinese, English) columns of the plan and indicator tables and of the project register
_DEFINITION_COLUMNS = ("definition", "definition_en")
_DISTRICT_COLUMNS = ("district", "district_en")

#: Environment variable naming another plan file (deployments, tests).
PLAN_ENV = "ATLAS_PLAN"


def plan_paths() -> list[str]:
    """The plan files to choose from: ``ATLAS_PLAN`` if set, else ``data/plans/*.toml``."""
    override = os.environ.get(PLAN_ENV)
    if override:
        return [override]
    return sorted(str(p) for p in pln.PLAN_PATH.parent.glob("*.toml"))


def _fmt(value: float, row: pd.Series | pln.Target, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return t("no_data", lang)
    scale = row["scale"] if isinstance(row, pd.Series) else row.scale
    unit = pick(lang, row["unit_zh"], row["unit_en"]) if isinstance(row, pd.Series) \
        else row.unit(lang)
    shown = float(value) * float(scale)
    unit_code = row["unit_zh"] if isinstance(row, pd.Series) else row.unit_zh
    if unit_code == "亿元":  # in English ¥ bn, never "1,000 ¥100 m"
        return fmt_100m_cny(shown, lang, trim=True)
    decimals = 1 if abs(shown) < 100 and shown != round(shown) else 0
    return f"{fmt_number(shown, lang, decimals)} {unit}"


#: a plan file's comparison as the sign a reader expects (the file may write ASCII ">=")
_SIGNS = {">=": "≥", "<=": "≤"}


def _sign(comparison: str) -> str:
    return _SIGNS.get(comparison, comparison)


def _status(code: str, lang: str) -> str:
    return t(f"status_{code}", lang)


def _progress_table(table: pd.DataFrame, plan: pln.Plan, lang: str) -> pd.DataFrame:
    def year(v: float | None) -> str:
        return "" if pd.isna(v) else str(int(v))

    return pd.DataFrame({
        t("target_name", lang): table[lang],
        t("baseline_col", lang): [
            "" if pd.isna(r["baseline_year"]) else
            t("aside", lang, text="–" if r["kind"] == "growth" else _fmt(r["baseline"], r, lang),
              aside=year(r["baseline_year"]))
            for _, r in table.iterrows()],
        t("latest", lang): [
            _fmt(r["value"], r, lang) if pd.isna(r["value"]) else
            t("aside", lang, text=_fmt(r["value"], r, lang), aside=year(r["year"]))
            for _, r in table.iterrows()],
        f"{plan.end_year} {t('target', lang)}": [
            f"{_sign(r['comparison'])} {_fmt(r['target'], r, lang)}" for _, r in table.iterrows()],
        t("status", lang): [_status(s, lang) for s in table["status"]],
        t("reason", lang): [t(f"reason_{_reason_key(r)}", lang) if r else ""
                            for r in table["reason"]],
        t("definition", lang): table[_definition(lang)],
        t("source_col", lang): table["source"].map(lambda s: _source(s, lang)),
        t("sample_col", lang): table["sample"].map(lambda v: t("sample_flag", lang) if v
                                                   else ""),
    })


def _definition(lang: str) -> str:
    """The column holding a definition in ``lang`` (tables of :mod:`geo.plan`/indicators)."""
    return pick(lang, *_DEFINITION_COLUMNS)


def _source(source: str, lang: str) -> str:
    return t("firms_series_source", lang) if source == pln.FIRMS_SOURCE else source


def _reason_key(reason: str) -> str:
    keys = {"no value in the data": "none", "no value after the baseline year": "after_base",
            "no value in the baseline year to grow from": "no_base_value",
            "no baseline to draw the required path from": "no_path",
            "period ended below the target": "ended", "growth below the target rate": "slow",
            "below the required path": "below"}
    return keys.get(reason, "none")


def _chart(traj: pd.DataFrame, target: pln.Target, unit: str, lang: str
           ) -> alt.LayerChart | alt.FacetChart:
    names = {s: t(f"series_{s}", lang) for s in ("actual", "required", "target", "other")}
    data = traj.assign(series=traj["series"].map(names), definition=traj[_definition(lang)])
    x = alt.X("year:O", title=t("year", lang), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=unit)
    color = alt.Color("series:N", title=t("series", lang),
                      scale=alt.Scale(domain=list(names.values()),
                                      range=["#1f77b4", "#ff7f0e", "#d62728", "#999999"]))
    tips = [alt.Tooltip("year:O", title=t("year", lang)),
            alt.Tooltip("value:Q", title=unit, format=",.4~g"),
            alt.Tooltip("definition:N", title=t("definition", lang))]
    base = alt.Chart(data).encode(x=x, y=y, color=color, tooltip=tips)
    actual = base.transform_filter(alt.datum.series == names["actual"]).mark_line(point=True)
    path = base.transform_filter(alt.datum.series == names["required"]).mark_line(
        strokeDash=[6, 4])
    goal = base.transform_filter(alt.datum.series == names["target"]).mark_point(
        size=200, shape="diamond", filled=True)
    other = base.transform_filter(alt.datum.series == names["other"]).mark_point(
        size=80, shape="triangle", filled=False)
    return alt.layer(path, actual, goal, other)


def _unit_of_series(target: pln.Target, indicators: pd.DataFrame, lang: str) -> str:
    if target.measure == "firms":
        return units.label("家", lang)
    codes = indicators.loc[indicators["indicator"] == target.indicator, "unit"]
    unit = units.label(codes.iloc[0], lang) if len(codes) else target.unit(lang)
    return unit if target.kind == "level" else t("aside", lang, text=unit,
                                                 aside=t("growth_series", lang))


def _end_view(table: pd.DataFrame, plan: pln.Plan, lang: str) -> pd.DataFrame:
    """The 'plan period ended' view: the end-year value vs the target, per target."""
    rows = []
    for _, r in table.iterrows():
        at_end = not pd.isna(r["year"]) and int(r["year"]) >= plan.end_year
        if pd.isna(r["value"]) or not at_end:
            verdict = t("end_no_value", lang, year=plan.end_year)
        else:
            verdict = _status("met" if r["status"] == "met" else "behind", lang)
        rows.append({
            t("target_name", lang): r[lang],
            f"{plan.end_year} {t('target', lang)}":
                f"{_sign(r['comparison'])} {_fmt(r['target'], r, lang)}",
            f"{plan.end_year} {t('value', lang)}": _fmt(r["value"], r, lang) if at_end
            else t("no_data", lang),
            t("latest", lang): "" if pd.isna(r["year"]) else
            t("aside", lang, text=_fmt(r["value"], r, lang), aside=int(r["year"])),
            t("verdict", lang): verdict,
        })
    return pd.DataFrame(rows)


def _change(ctx: PageContext, panel: pd.DataFrame, plan: pln.Plan) -> None:
    """Change between two chosen years: a change map and the per-city table."""
    lang = ctx.lang
    years = sorted(int(y) for y in set(panel["year"]))
    if len(years) < 2:
        st.info(t("no_panel_years", lang))
        return
    start = plan.baseline_year if plan.baseline_year in years else years[0]
    end = max((y for y in years if y <= plan.end_year), default=years[-1])
    specs = pnl.GROWTH_METRICS
    c1, c2, c3 = st.columns([1, 1, 2])
    y0 = c1.selectbox(t("year_from", lang), years, index=years.index(start), key="chg_from")
    y1 = c2.selectbox(t("year_to", lang), years, index=years.index(end), key="chg_to")
    code = c3.selectbox(t("change_metric", lang), list(specs), key="chg_metric",
                        format_func=lambda c: specs[c].title(lang))
    if not y0 < y1:
        st.info(t("years_order", lang))
        return
    g = pnl.growth(panel, ctx.frame, y0, y1)
    spec = dataclasses.replace(specs[code], name=msg("metric.between_years",
                                                     metric=specs[code].message(),
                                                     start=y0, end=y1))
    areas = data.areas_with_metrics(g, "city", ())
    st.markdown(f"**{t('city_contributions', lang, start=y0, end=y1)}**")
    mapview.show(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec, "city")),
                 key="change", table=rankings.metric_table(g, spec, lang).assign(
                     year_from=y0, year_to=y1, sample_firm_years=g["sample_rows"]))
    name = pick(lang, *NAME_COLUMNS)
    total = g["change_100m_cny"].sum(min_count=1)
    view = pd.DataFrame({
        t("cities", lang): g[name],
        t("aside", lang, text=y0, aside=units.label("亿元", lang)):
            g["revenue_from_100m_cny"].round(2),
        t("aside", lang, text=y1, aside=units.label("亿元", lang)):
            g["revenue_to_100m_cny"].round(2),
        t("change_col", lang): g["change_100m_cny"].round(2),
        t("share_of_change", lang): (g["change_100m_cny"] / total * 100).round(1),
        t("cagr_col", lang): (g["cagr"] * 100).round(1),
        t("crossed_100m", lang): g["crossed_100m"],
        t("crossed_1bn", lang): g["crossed_1bn"],
        t("entries", lang): g["entries"], t("exits", lang): g["exits"],
    }).sort_values(t("change_col", lang), ascending=False, na_position="last")
    decimals = {t("share_of_change", lang): 1, t("cagr_col", lang): 1}
    st.dataframe(view, hide_index=True, width="stretch", placeholder=t("no_data", lang),
                 column_config=columns.fixed_decimals(view, lang, decimals))
    n_sample = int(g["sample_rows"].sum())
    if n_sample:
        st.caption(t("panel_sample_note", lang, n=fmt_number(n_sample, lang)))


def show(ctx: PageContext) -> None:
    """The Targets page body."""
    lang = ctx.lang
    paths = plan_paths()
    if len(paths) > 1:
        st.selectbox(t("plan_file", lang), paths, key="plan_file",
                     format_func=lambda p: Path(p).stem)
    try:
        plan, table, panel, panel_name = assessment(ctx.frame, ctx.dataset.key, lang)
        indicators = data.load_indicators(str(ind.INDICATORS_PATH),
                                          data.file_mtime(ind.INDICATORS_PATH))
    except (pln.PlanError, ind.IndicatorError, ValueError) as exc:
        st.error(t("targets_input_error", lang, error=error_text(exc, lang)))
        return
    firm_years = pnl.firm_years(panel, ctx.frame)
    st.subheader(t("targets_title_plan", lang, start=plan.start_year, end=plan.end_year))
    st.caption(plain(" · ".join(p for p in (plan.title(lang), plan.issue(lang), plan.source,
                                             t("panel_source", lang, name=panel_name)) if p)))
    views = {"progress": t("tab_progress", lang),
             "ended": t("tab_ended", lang, end=plan.end_year),
             "projects": t("tab_projects", lang)}
    view = st.radio(t("targets_view", lang), list(views), key="targets_view", horizontal=True,
                    format_func=views.__getitem__, label_visibility="collapsed")
    if view == "ended":
        st.dataframe(_end_view(table, plan, lang), hide_index=True, width="stretch")
        _change(ctx, panel, plan)
        return
    if view == "projects":
        _project_tracking(ctx)
        return
    st.dataframe(_progress_table(table, plan, lang), hide_index=True, width="stretch")
    st.caption(t("status_help", lang))
    if table["sample"].any():
        st.warning(t("targets_sample", lang), icon=":material/science:")
    codes = [tg.code for tg in plan.targets]
    by_code = {tg.code: tg for tg in plan.targets}
    code = st.selectbox(t("trajectory_of", lang), codes, key="target_pick",
                        format_func=lambda c: by_code[c].label(lang))
    target = by_code[code]
    traj = pln.trajectory(plan, target, indicators, firm_years)
    st.markdown(f"**{t('trajectory', lang)}**")
    st.altair_chart(_chart(traj, target, _unit_of_series(target, indicators, lang), lang),
                    width="stretch")
    st.caption(t("trajectory_help", lang))
    if target.measure == "indicator":
        others = ind.other_definitions(indicators, target.indicator, target.definition)
        if len(others):
            st.markdown(f"**{t('other_definitions', lang)}**")
            shown, config = _other_definitions(others, lang)
            value = t("value", lang)
            columns.show(shown, lang, decimals={value: _decimals(shown[value])},
                         years={t("year", lang)}, hide_index=True, width="stretch",
                         column_config=config)
    quote = table.set_index("code").loc[code, "quote"]
    st.caption(plain(f"{t('plan_says', lang)}{colon(lang)}"
                     f"{t('plan_quote', lang, quote=str(quote))}"))


def _other_definitions(others: pd.DataFrame, lang: str
                       ) -> tuple[pd.DataFrame, dict[str, ColumnConfig]]:
    """The indicator's values under other definitions (a table and its ``column_config``):
    values grouped ("1,300"), sources as links; a cell of the file is never Markdown."""
    source = t("source_col", lang)
    view = pd.DataFrame({
        t("year", lang): others["year"],
        t("value", lang): pd.to_numeric(others["value"], errors="coerce"),
        t("unit", lang): others["unit"].map(lambda u: units.label(u, lang)),
        t("definition", lang): others[_definition(lang)],
        t("note_col", lang): others[f"note_{lang}"],
        source: others["source"]})
    return (view, source_column(source, bool(others["source"].astype(str).str.fullmatch(
                r"https?://\S+").all())))


def _decimals(values: pd.Series) -> int:
    """0 when every value is whole, else 1 (a table column shows one number of decimals)."""
    known = values.dropna()
    return 0 if (known == known.round()).all() else 1


def _plan_path() -> str:
    paths = plan_paths()
    chosen = state.text("plan_file")
    return chosen if chosen in paths else paths[0]


def assessment(frame: pd.DataFrame, dataset_key: str, lang: str
               ) -> tuple[pln.Plan, pd.DataFrame, pd.DataFrame, str]:
    """The session's plan file assessed on ``frame`` (:func:`geo.plan.assess`), cached by
    ``dataset_key`` and the panel: ``(plan, table, panel of frame's firms, panel name)``.

    Raises
    ------
    geo.plan.PlanError, geo.indicators.IndicatorError, ValueError
        A plan or indicators file that cannot be used.
    """
    path = _plan_path()
    plan = data.load_plan(path, data.file_mtime(path))
    panel, panel_name = years.panel(lang)
    panel = panel[panel["id"].isin(set(frame["id"].astype(str)))]
    upload = state.panel_upload() or {}
    panel_key = f"{panel_name}|{upload.get('key', '')}|{len(panel)}"
    table = data.plan_assessment(frame, dataset_key, panel, panel_key, path, data.file_mtime(path))
    return plan, table, panel, panel_name


def status_line(ctx: PageContext) -> None:
    """One caption: where each target of the plan file stands (met / on track / behind /
    no data, with the value's year), for the whole province; details on the Targets page."""
    lang = ctx.lang
    try:
        plan, table, _, _ = assessment(ctx.dataset.frame, ctx.dataset.key, lang)
    except (pln.PlanError, ind.IndicatorError, ValueError) as exc:
        st.caption(t("targets_input_error", lang, error=error_text(exc, lang)))
        return
    items = []
    for _, r in table.iterrows():
        status = _status(r["status"], lang)
        if r["status"] != "no_data" and not pd.isna(r["year"]):
            status = t("aside", lang, text=status, aside=int(r["year"]))
        items.append(f"{r[lang]} {_sign(r['comparison'])} {_fmt(r['target'], r, lang)}"
                     f"{colon(lang)}{status}")
    st.caption(plain(t("plan_status_line", lang, plan=plan.title(lang), end=plan.end_year,
                       items=" · ".join(items))))


_SITE_STATUS = {"done": "operating", "building": "building", "planned": "planned"}


def _project_tracking(ctx: PageContext) -> None:
    """Key projects: reported status, tracking status on a chosen date, and a map."""
    lang = ctx.lang
    upload = state.projects_upload()
    published = data.version_file("projects") if upload is None else None
    try:
        if upload is not None:
            register, name = upload["frame"], upload["name"]
        elif published is not None and published[1] is not None:
            register, name = published[1][0], f"v{published[0]} · {published[1][1]}"
        else:
            register = data.load_projects(str(prj.PROJECTS_PATH),
                                          data.file_mtime(prj.PROJECTS_PATH))
            name = prj.PROJECTS_PATH.name if published is None else t(
                "projects_not_published", lang, v=published[0], name=prj.PROJECTS_PATH.name)
    except prj.ProjectError as exc:
        st.error(t("targets_input_error", lang, error=error_text(exc, lang)))
        return
    st.caption(plain(t("projects_source", lang, name=name)))
    as_of = st.date_input(t("as_of", lang), value=dt.date.today(), key="projects_as_of")
    tracked = prj.track(register, as_of)
    name = pick(lang, *NAME_COLUMNS)
    city = {c.adcode: pick(lang, c.name_zh, c.name_en) for c in CITY_BY_ADCODE.values()}
    view = pd.DataFrame({
        t("project", lang): tracked[name],
        t("kind", lang): tracked["kind"].map(lambda k: t(f"project_kind_{k}", lang)),
        t("cities", lang): tracked["city_adcode"].map(city) + " "
        + tracked[pick(lang, *_DISTRICT_COLUMNS)],
        t("investment", lang): pd.to_numeric(tracked["investment_100m_cny"], errors="coerce"),
        t("start_year", lang): pd.to_numeric(tracked["start_year"]).astype("Int64"),
        t("completion_year", lang): pd.to_numeric(
            tracked["planned_completion_year"]).astype("Int64"),
        t("reported", lang): [t("aside", lang, text=t("project_status_" + s, lang),
                                aside=d.isoformat())
                              for s, d in zip(tracked["status"], tracked["status_as_of"],
                                              strict=True)],
        t("tracking", lang): tracked["tracking"].map(lambda s: t(f"tracking_{s}", lang)),
        t("note_col", lang): tracked[f"note_{lang}"],
        t("source_col", lang): tracked["source"],
    })
    investment = t("investment", lang)
    columns.show(view, lang, decimals={investment: _decimals(view[investment])},
                 years={t("start_year", lang), t("completion_year", lang)},
                 hide_index=True, width="stretch")
    st.caption(t("tracking_help", lang, days=prj.STALE_DAYS))
    on_map = tracked[tracked["kind"].isin(SITE_KINDS) & tracked["lon"].notna()]
    sites = on_map.assign(
        status=on_map["status"].map(_SITE_STATUS),
        note=[f"{t('tracking', lang)}: {t('tracking_' + s, lang)}. {n}"
              for s, n in zip(on_map["tracking"], on_map[f"note_{lang}"], strict=True)])
    mapview.show(ctx, mapview.MapSpec(sites=sites), key="projects")
