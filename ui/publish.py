"""The editor's two store forms: publish a validated registry, switch the shared default.

A version is published with the session's firm-year panel and key-project register when
the editor ticks them (imported on the Data page, :mod:`ui.panel_upload`); the panel keeps
only the firms of the registry being published. The store and its versions are read
through the caches in :mod:`ui.data`.
"""

from __future__ import annotations

import streamlit as st

from geo import auth, registry, store
from geo import panel as pnl
from geo.text import fmt_number, t
from ui import state
from ui.data import default_store, generation, versions
from ui.text import error_text, plain


def publish_form(result: registry.RegistryResult, content: bytes, file_name: str,
                 datum: str, lang: str) -> None:
    """Publish controls, shown only when an editor token is configured."""
    if not auth.editor_token_configured():
        return
    s = default_store()
    if s is None:
        st.warning(t("store_unavailable", lang))
        return
    with st.form("publish"):
        st.markdown(f"**{t('publish', lang)}**")
        author = st.text_input(t("author", lang), max_chars=80)
        token = st.text_input(t("editor_token", lang), type="password")
        files = _session_files(result, lang)
        chosen = [a for a, label in files if st.checkbox(label, value=True,
                                                         key=f"publish_{a.kind}")]
        if not files:
            st.caption(t("publish_files_hint", lang))
        if st.form_submit_button(t("publish", lang)):
            try:
                version = s.publish(result, original=content, file_name=file_name,
                                    author=author or "editor", token=token, datum=datum,
                                    attachments=chosen)
            except (auth.PublishRefused, store.UploadTooLarge, store.StoreError) as exc:
                st.error(error_text(exc, lang))
                return
            generation.clear()
            st.success(plain(version.label()))  # author and file name are user text


def _session_files(result: registry.RegistryResult, lang: str
                   ) -> list[tuple[store.Attachment, str]]:
    """The session's panel (its firms in ``result`` only) and project register, with labels."""
    files = []
    panel = state.panel_upload()
    if panel is not None:
        frame = panel["frame"]
        frame = frame[frame["id"].isin(set(result.frame["id"].astype(str)))]
        if len(frame):
            files.append((store.Attachment("panel", panel["name"], pnl.to_csv_bytes(frame)),
                          plain(t("publish_with_panel", lang, name=panel["name"],
                                  n=fmt_number(len(frame), lang)))))
    projects = state.projects_upload()
    if projects is not None and "content" in projects:
        files.append((store.Attachment("projects", projects["name"], projects["content"]),
                      plain(t("publish_with_projects", lang, name=projects["name"],
                              n=len(projects["frame"])))))
    return files


def default_form(lang: str) -> None:
    """Switch the shared default version (editors only; every colleague opens with it)."""
    if not auth.editor_token_configured():
        return
    s = default_store()
    url = store.default_store_url()
    options = {v.id: v.label() + (" ★" if v.is_default else "") for v in versions(url)}
    if s is None or len(options) < 2:
        return
    with st.form("set_default"):
        st.markdown(f"**{t('set_default', lang)}**")
        vid = st.selectbox(t("versions", lang), list(options), format_func=options.__getitem__)
        token = st.text_input(t("editor_token", lang), type="password")
        if st.form_submit_button(t("set_default", lang)):
            try:
                s.set_default(int(vid), token)
            except (auth.PublishRefused, store.StoreError, ValueError) as exc:
                st.error(error_text(exc, lang))
                return
            generation.clear()
            st.success(plain(options[vid]))
