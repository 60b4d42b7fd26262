"""Data page sections: import a firm-year panel (long or wide) or a key-project register,
see what is wrong by row and column, and use it for the session.

An uploaded panel replaces the bundled one for this session (Targets page growth views and
firm-count targets, the revenue year); ids are checked against the session's registry. An
uploaded project register replaces data/projects.csv on the Targets page's projects view.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from geo import export, panel, projects, registry, store
from geo.text import fmt_number, pick, t
from ui import state
from ui.report import problem_table
from ui.shell import PageContext
from ui.text import error_text, plain


def template(lang: str) -> pd.DataFrame:
    """A wide-form template: one revenue column per year, as planners keep it in Excel."""
    head = pick(lang, {"编号": ["E001"], "企业名称": ["示例企业"]},  # the file's headers
                {"id": ["E001"], "name_zh": ["示例企业"]})
    years = {f"{y}年营业收入(万元)": [""] for y in range(2019, 2026)}
    return pd.DataFrame({**head, **years, "数据来源": [""], "示例数据": ["否"]})


def section(ctx: PageContext) -> None:
    """Upload, row report and use-for-session of a firm-year panel."""
    if ctx.present:
        return
    lang = ctx.lang
    with st.expander(t("panel_import", lang), expanded=state.panel_upload() is not None):
        st.caption(t("panel_import_help", lang))
        st.download_button(t("panel_template", lang), export.to_xlsx_bytes(template(lang)),
                           "firm-years-template.xlsx", on_click="ignore", key="panel_tpl")
        current = state.panel_upload()
        if current is not None:
            st.caption(t("panel_in_use", lang, name=plain(current["name"]),
                         n=fmt_number(len(current['frame']), lang)))
            st.button(t("panel_use_bundled", lang), key="panel_bundled", on_click=state.use_panel,
                      args=(None,))
        file = st.file_uploader(t("panel_upload", lang), type=["csv", "xlsx", "txt"],
                                key="panel_file")
        if file is None:
            return
        content = file.getvalue()
        try:
            store.check_upload_size(len(content))
            result = panel.load_panel(content, name=file.name, registry=ctx.dataset.frame)
        except (store.UploadTooLarge, registry.RegistryError) as exc:
            st.error(error_text(exc, lang))
            return
        report(result, lang)
        if len(result.frame):
            key = hashlib.sha256(content).hexdigest()[:16]
            st.button(t("panel_use", lang), type="primary", key="panel_use",
                      on_click=state.use_panel,
                      args=({"key": key, "name": file.name, "frame": result.frame},))


def report(result: panel.PanelResult, lang: str) -> None:
    """The panel's row report: rows read, form, unmatched ids, every problem."""
    st.markdown(t("panel_rows", lang, valid=len(result.frame), rows=result.rows,
                  form=t(f"panel_form_{result.form}", lang)))
    if result.unmatched_ids:
        st.warning(t("panel_unmatched", lang, n=len(result.unmatched_ids),
                     ids=plain(", ".join(result.unmatched_ids[:20]))))
    problem_table(result.problems, lang)


def projects_section(ctx: PageContext) -> None:
    """Upload and use-for-session of a key-project register (columns of data/projects.csv)."""
    if ctx.present:
        return
    lang = ctx.lang
    with st.expander(t("projects_import", lang), expanded=state.projects_upload() is not None):
        st.caption(t("projects_import_help", lang))
        st.download_button(t("projects_template", lang),
                           projects.PROJECTS_PATH.read_bytes(), "projects.csv", "text/csv",
                           on_click="ignore", key="projects_tpl")
        current = state.projects_upload()
        if current is not None:
            st.caption(t("projects_in_use", lang, name=plain(current["name"]),
                         n=len(current["frame"])))
            st.button(t("projects_use_bundled", lang), key="projects_bundled",
                      on_click=state.use_projects, args=(None,))
        file = st.file_uploader(t("projects_upload", lang), type=["csv"], key="projects_file")
        if file is None:
            return
        content = file.getvalue()
        try:
            store.check_upload_size(len(content))
            frame = projects.load_projects(content, name=file.name)
        except projects.ProjectError as exc:
            if not exc.problems:
                st.error(error_text(exc, lang))
                return
            st.error(t("projects_bad", lang, name=plain(file.name), n=len(exc.problems)))
            problem_table(exc.problems, lang)
            return
        except store.UploadTooLarge as exc:
            st.error(error_text(exc, lang))
            return
        st.success(t("projects_read", lang, n=len(frame)))
        st.button(t("projects_use", lang), type="primary", key="projects_use",
                  on_click=state.use_projects,
                  args=({"name": file.name, "frame": frame, "content": content},))
