"""The editor's two store forms: publish a validated registry, switch the shared default.

The store and its versions are read through the caches in :mod:`ui.data`.
"""

from __future__ import annotations

import streamlit as st

from geo import auth, registry, store
from ui.data import default_store, generation, versions
from ui.i18n import t
from ui.text import plain


def publish_form(result: registry.RegistryResult, content: bytes, file_name: str,
                 datum: str, lang: str) -> None:
    """Publish controls, shown only when an editor token is configured."""
    if not auth.editor_token_configured():
        return
    s = default_store()
    if s is None:
        st.warning("store unavailable" if lang == "en" else "数据存储不可用")
        return
    with st.form("publish"):
        st.markdown(f"**{t('publish', lang)}**")
        author = st.text_input("author" if lang == "en" else "发布人", max_chars=80)
        token = st.text_input(t("editor_token", lang), type="password")
        if st.form_submit_button(t("publish", lang)):
            try:
                version = s.publish(result, original=content, file_name=file_name,
                                    author=author or "editor", token=token, datum=datum)
            except (auth.PublishRefused, store.UploadTooLarge, store.StoreError) as exc:
                st.error(plain(exc))
                return
            generation.clear()
            st.success(plain(version.label()))  # author and file name are user text


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
                st.error(plain(exc))
                return
            generation.clear()
            st.success(plain(options[vid]))
