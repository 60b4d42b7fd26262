"""Shared page furniture: sidebar filters, language switch, sample badge, header, footer.

Every page has the same shape::

    ctx = shell.page("page_cities")       # header, sidebar, dataset, filters, badge
    ...                                  # the page's own content, calling geo via ui.data
    shell.footer(ctx)

so nothing here is pasted per page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import geopandas as gpd
import streamlit as st

from geo import registry
from geo.filters import Filters
from geo.layout import CITIES, PLAN_TITLE, SECTORS, SEGMENTS, TIER_UNKNOWN, TIERS, ZONES
from geo.metrics import METRICS
from geo.text import colon, fmt_number, pick, t
from ui import data, state, years
from ui.report import registry_report
from ui.text import error_text, plain


@dataclass(frozen=True)
class PageContext:
    """What a page needs after the furniture is drawn."""

    lang: str
    filters: Filters
    dataset: data.Dataset
    frame: gpd.GeoDataFrame  # the filtered enterprises
    present: bool

    @property
    def params(self) -> tuple[tuple[str, str], ...]:
        """The filters as a hashable cache key."""
        return tuple(sorted(self.filters.to_params().items()))

    @property
    def compare_filters(self) -> Filters:
        """The filters without the prefecture choice: what comparisons between areas use.

        Choosing 佛山 narrows the firm lists, points and headline figures; the choropleth
        and the ranking keep every city's value and emphasise the chosen one.
        """
        return self.filters.with_(cities=())


def _labels(vocab: dict, lang: str) -> dict[str, str]:
    return {code: term.label(lang) for code, term in vocab.items()}


def sidebar(lang: str) -> None:
    """Draw the language switch and the filters shared by every page."""
    sb = st.sidebar
    sb.radio(t("language", lang), ["zh", "en"], key="lang", horizontal=True,
             format_func=lambda c: t("language_name", c))  # each in its own language
    lang = state.lang()
    sb.subheader(t("filters", lang))
    city_names = {c.adcode: pick(lang, c.name_zh, c.name_en) for c in CITIES}
    sb.multiselect(t("cities", lang), list(city_names), key="f_cities",
                   format_func=city_names.__getitem__, placeholder=t("all", lang))
    zones = {"": t("all", lang), **_labels(ZONES, lang)}
    sb.selectbox(t("zone", lang), list(zones), key="f_zone", format_func=zones.__getitem__)
    segs = _labels(SEGMENTS, lang)
    sb.multiselect(t("segment", lang), list(segs), key="f_segments",
                   format_func=segs.__getitem__, placeholder=t("all", lang))
    secs = _labels(SECTORS, lang)
    sb.multiselect(t("sector", lang), list(secs), key="f_sectors",
                   format_func=secs.__getitem__, placeholder=t("all", lang))
    tiers = {**{k: v[0].label(lang) for k, v in TIERS.items()},
             TIER_UNKNOWN.code: TIER_UNKNOWN.label(lang)}
    sb.multiselect(t("tier", lang), list(tiers), key="f_tiers",
                   format_func=tiers.__getitem__, placeholder=t("all", lang))
    sb.checkbox(t("listed_only", lang), key="f_listed")
    samples = {"all": t("sample_all", lang), "real": t("sample_real", lang),
               "sample": t("sample_only", lang)}
    sb.radio(t("sample_filter", lang), list(samples), key="f_sample",
             format_func=samples.__getitem__)
    sb.text_input(t("search", lang), key="f_query")
    years.control(sb, lang)
    sb.divider()
    options = data.version_options(lang)
    _dataset_from_url(options)
    if state.dataset_choice("") not in options:
        state.use_dataset(data.default_choice())
    sb.selectbox(t("data_source", lang), list(options), key="dataset",
                 format_func=options.__getitem__)
    sb.toggle(t("presentation", lang), key="present", help=t("presentation_help", lang))


def _dataset_from_url(options: dict[str, str]) -> None:
    """Open the data version a link names; remember it if this viewer does not have it."""
    wanted = state.take_url_data()
    if wanted is None:
        return
    key = "bundled" if wanted in ("v0", "bundled") else wanted
    if key in options:
        state.use_dataset(key)
    else:
        state.set_missing_data(wanted)


def data_notice(dataset_key: str, lang: str) -> None:
    """Say plainly that the link was made on data this viewer does not have."""
    wanted = state.missing_data()
    if not wanted:
        return
    if wanted == dataset_key or (wanted == "v0" and dataset_key == "bundled"):
        state.set_missing_data(None)
        return
    key = "missing_upload" if wanted.startswith("upload:") else "missing_version"
    st.warning(plain(t(key, lang, version=wanted)), icon=":material/link_off:")


def presentation_css() -> None:
    """A clean slide: no app chrome, nothing but the map (its title block carries the title,
    the sample-data line and the data version), and the exit control hidden until the
    pointer reaches the top-right corner or the keyboard focuses it, so a screenshot shows
    the map alone; it sits left of the map's north arrow and layer control."""
    st.markdown(
        """<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
        header[data-testid="stHeader"], [data-testid="stToolbar"],
        [data-testid="stDecoration"], [data-testid="stStatusWidget"],
        .atlas-controls { display: none !important; }
        [data-testid="stMainBlockContainer"], .block-container {
          padding: 0 !important; max-width: 100% !important; }
        [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0; }
        [data-testid="stMainBlockContainer"]
          [data-testid="stElementContainer"]:not(:has(iframe)):not(.st-key-exit_present),
        [data-testid="stMainBlockContainer"] [data-testid="stHorizontalBlock"]:not(:has(iframe)),
        [data-testid="stMainBlockContainer"] [data-testid="stExpander"]:not(:has(iframe)) {
          display: none !important; }
        .st-key-exit_present { position: fixed; top: 0; right: 56px; z-index: 1000000;
          width: auto !important; padding: 10px; opacity: 0; transition: opacity .15s; }
        .st-key-exit_present:hover, .st-key-exit_present:focus-within { opacity: 1; }
        .st-key-exit_present button { background: #ffffff !important;
          box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }
        </style>""",
        unsafe_allow_html=True,
    )


def _leave_presentation() -> None:
    """Leave presentation mode (a callback: it runs before the toggle is drawn again)."""
    state.set_view("present", False)


def sample_badge(frame: gpd.GeoDataFrame, lang: str) -> None:
    """A visible badge whenever sample rows are in view."""
    n = int(frame["sample"].astype(bool).sum()) if len(frame) else 0
    if n:
        st.warning(t("sample_badge", lang, n=fmt_number(n, lang)), icon=":material/science:")


def page(title_key: str) -> PageContext:
    """Draw a page's shared furniture and return what the page needs."""
    state.init(set(METRICS))  # idempotent; also covers a page run on its own (AppTest)
    sidebar(state.lang())
    lang = state.lang()
    present = bool(state.view("present"))
    if present:
        presentation_css()
        st.button(t("presentation_exit", lang), key="exit_present",
                  on_click=_leave_presentation, icon=":material/close_fullscreen:")
    problems = state.take_url_problems()
    if problems:
        st.toast(plain(t("url_ignored", lang, what=t("list_sep", lang).join(problems))))
    st.title(t(title_key, lang))
    problem = data.store_problem(lang)
    if problem:
        st.warning(problem, icon=":material/database:")
    try:
        dataset = data.current_dataset(lang)
    except registry.RegistryError as exc:
        bundled_failure(exc, lang)
        st.stop()
    dataset = years.apply(dataset, lang)
    filters = state.filters()
    frame = data.filtered(dataset, filters)
    if not present:
        # the label holds file and author names, the description the search text
        st.caption(plain(f"{t('data_source', lang)}{colon(lang)}{dataset.label} · "
                         f"{filters.describe(lang)}"))
    data_notice(dataset.key, lang)
    sample_badge(frame, lang)
    return PageContext(lang, filters, dataset, frame, present)


def bundled_failure(exc: registry.RegistryError, lang: str) -> None:
    """The configured registry (``ATLAS_ENTERPRISES``) cannot be used: say which file, why
    and, row by row, what to fix — instead of the page."""
    path = data.bundled_path()
    st.error(t("bundled_unusable", lang, path=plain(path)))
    mtime = os.path.getmtime(path) if os.path.isfile(path) else 0.0
    result = data.bundled_report(path, mtime)
    if result is None or not result.problems:
        st.error(error_text(exc, lang))
    else:
        registry_report(result, lang)


def empty_notice(ctx: PageContext) -> bool:
    """Say so when no firm matches; return True if the page should stop."""
    if len(ctx.frame) == 0:
        st.info(t("no_match", ctx.lang))
        return True
    return False


def footer(ctx: PageContext) -> None:
    """Sources and data date, at the bottom of every page."""
    st.divider()
    st.caption(
        f"{t('footer', ctx.lang, plan=PLAN_TITLE.label(ctx.lang))}  "
        f"{t('data_date', ctx.lang)}{colon(ctx.lang)}{ctx.dataset.date}"
    )
    state.sync_url()
