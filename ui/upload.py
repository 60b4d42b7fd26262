"""The Data page's widgets: upload and validate a registry, template, provenance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import areas, export, registry, store
from geo.datum import DATUMS
from geo.layout import CITY_BY_ADCODE, PLAN_DATES, PLAN_TITLE, city_name
from geo.regions import boundary_metadata
from geo.text import fmt_number, pick, t
from ui import data, publish, state
from ui.columns import column_label, localized, precision_label, show
from ui.report import registry_report
from ui.shell import PageContext
from ui.siteview import site_view
from ui.text import error_text, source_column

DATUM_LABELS = {"wgs84": "WGS-84 (GPS)", "gcj02": "GCJ-02 (高德/腾讯 AMap/Tencent)",
                "bd09": "BD-09 (百度 Baidu)"}


def panel(ctx: PageContext) -> None:
    """Upload, validation report, use-for-session and template download."""
    if ctx.present:
        return
    lang = ctx.lang
    left, right = st.columns([3, 2])
    with left:
        _uploader_text(lang)
        file = st.file_uploader(t("upload", lang), type=["csv", "xlsx", "txt"], key="upload_file")
        datum = st.selectbox(t("datum", lang), DATUMS, key="upload_datum",
                             format_func=DATUM_LABELS.__getitem__)
    with right:
        st.markdown(f"**{t('template', lang)}**")
        tpl = registry.template_frame(lang)
        st.download_button("CSV", export.to_csv_bytes(tpl), "registry-template.csv",
                           "text/csv", on_click="ignore", key="tpl_csv")
        st.download_button("XLSX", export.to_xlsx_bytes(tpl), "registry-template.xlsx",
                           on_click="ignore", key="tpl_xlsx")
        publish.default_form(lang)
        if state.dataset_choice(data.BUNDLED) != data.BUNDLED:
            st.button(t("use_bundled", lang), key="use_bundled", on_click=_use,
                      args=(data.BUNDLED, None))
    if file is None:
        return
    content = file.getvalue()
    try:
        store.check_upload_size(len(content))
    except store.UploadTooLarge as exc:
        st.error(error_text(exc, lang))
        return
    bar = st.progress(0.0, text=t("validating", lang))

    def progress(share: float) -> None:
        bar.progress(min(max(share, 0.0), 1.0))

    try:
        result = data.parse_upload(content, datum, file.name, progress=progress)
    except registry.RegistryError as exc:
        bar.empty()
        st.error(error_text(exc, lang))  # quotes the file name and its header
        return
    bar.empty()
    registry_report(result, lang)
    publish.publish_form(result, content, file.name, datum, lang)
    key = data.upload_key(content, datum)
    if result.valid_rows:
        st.button(t("use_upload", lang), type="primary", key="use_upload", on_click=_use,
                  args=(key, {"key": key, "frame": result.frame, "name": file.name}))


def _uploader_text(lang: str) -> None:
    """The upload box's own texts in ``lang`` (Streamlit prints them in English only)."""
    limit = int(st.get_option("server.maxUploadSize"))
    button, note = t("uploader_button", lang), t("uploader_note", lang, limit=limit)
    box = "[data-testid='stFileUploaderDropzone']"  # every upload box of the page
    st.html(f"""<style>
    {box} button [data-testid='stMarkdownContainer'] {{ display: none; }}
    {box} button span[style]::after {{ content: "{button}"; }}
    {box} [data-testid='stFileUploaderDropzoneInstructions'] span {{ display: none; }}
    {box} [data-testid='stFileUploaderDropzoneInstructions'] div::after {{ content: "{note}"; }}
    </style>""")


def _use(dataset: str, upload: dict | None) -> None:
    """Switch the session's dataset (a callback: runs before the widgets are drawn)."""
    state.use_dataset(dataset, upload)


def provenance_table(ctx: PageContext) -> pd.DataFrame:
    """Where each bundled (non-sample) figure comes from."""
    frame = ctx.dataset.frame
    real = frame[~frame["sample"].astype(bool)]
    cols = ["id", "name_zh", "city", "district", "revenue_10k_cny", "revenue_year", "listed",
            "coord_precision", "source"]
    return pd.DataFrame(real[[c for c in cols if c in real.columns]])


def provenance(ctx: PageContext) -> None:
    """Sources of the bundled boundaries, firms and sites."""
    lang = ctx.lang
    st.subheader(t("provenance", lang))
    st.markdown(f"- {t('boundary_source', lang)}")
    record = pick(lang, None, boundary_metadata())  # the build record is in English only;
    if record:  # in Chinese the line above says it
        st.caption(record)
    st.caption(t("plan_dated", lang, title=PLAN_TITLE.label(lang), dates=PLAN_DATES.label(lang)))
    n_sample = int(ctx.dataset.frame["sample"].astype(bool).sum())
    n_real = len(ctx.dataset.frame) - n_sample
    st.markdown("- " + t("firms_provenance", lang, real=fmt_number(n_real, lang),
                         sample=fmt_number(n_sample, lang)))
    st.caption(t("sample_definition", lang))
    source = localized(pd.DataFrame(columns=["source"]), lang).columns[0]
    # numbers stay numbers (a "–" string in a float column broke Arrow's serialisation);
    # a missing value reads "无数据"/"no data", never 0
    table = provenance_table(ctx)
    table["coord_precision"] = table["coord_precision"].map(lambda c: precision_label(c, lang))
    show(localized(table, lang), lang, hide_index=True, width="stretch",
         column_config=source_column(source, ctx.dataset.key == data.BUNDLED))
    st.dataframe(site_view(data.load_sites(), lang), hide_index=True, width="stretch",
                 column_config={source: st.column_config.LinkColumn(source)})
    land_areas(lang)


def land_area_view(lang: str) -> pd.DataFrame:
    """The official land areas next to the polygons' (:func:`geo.areas.area_comparison`) for
    people: city names in ``lang``, headers in ``lang``, the numbers kept numeric."""
    table = areas.area_comparison(data.load_regions())
    return localized(table.assign(
        name_zh=[city_name(a, lang) if a in CITY_BY_ADCODE else t("province_sum", lang)
                 for a in table["adcode"].astype(str)],
        official_km2=table["official_km2"].round(2), polygon_km2=table["polygon_km2"].round(1),
        difference_pct=table["difference_pct"].round(2),
    ).rename(columns={"name_zh": "city_adcode", "year": "area_year"}), lang)


def land_areas(lang: str) -> None:
    """Official land areas (density denominators) next to the boundary polygons' areas."""
    st.markdown(f"**{t('land_areas', lang)}**")
    st.caption(t("land_areas_note", lang))
    view = land_area_view(lang)
    # the file leaves the year blank where its source does not state one (the only blanks)
    show(view, lang, decimals={"official_km2": 2, "polygon_km2": 1, "difference_pct": 2},
         missing=t("area_year_unknown", lang), hide_index=True, width="stretch",
         column_config=source_column(column_label("source", lang), False))
