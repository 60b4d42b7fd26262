"""Published registry versions in the UI: the version picker and the editor's publish form.

The store is opened once per server; a version's frame never changes, so it is cached with
no expiry. Several app processes (replicas behind a proxy, see ``deploy/``) share one store:
each asks the store for its *generation* (newest version id, default id: one small query)
at most every :data:`GENERATION_TTL_S` seconds and keeps the version list keyed by it, so a
version published or made default through any replica is seen by every other one within
that time, without a restart, and the full list is read again only when it changed.
"""

from __future__ import annotations

import streamlit as st

from geo import auth, registry, store
from ui.i18n import t
from ui.text import plain

#: how stale a replica's view of the store may be; one store round trip per period per
#: process (a PostgreSQL connection costs 10-20 ms, too much for every page run)
GENERATION_TTL_S = 2.0


@st.cache_resource(show_spinner=False)
def _open(url: str) -> tuple[store.Store | None, str]:
    try:
        return store.open_store(url), ""
    except (store.StoreError, ValueError, OSError) as exc:
        return None, str(exc)


def open_store(url: str) -> store.Store | None:
    """The shared store at ``url`` (``None`` if it cannot be opened: the app still runs)."""
    return _open(url)[0]


def store_problem(lang: str) -> str | None:
    """Markdown saying that the configured store cannot be read (``None`` if it can): the
    pages then run on the bundled data, and every page says so."""
    url = store.default_store_url()
    s, error = _open(url)
    if s is not None and generation(url) is None:
        error = t("store_unreadable_now", lang)
    if s is not None and not error:
        return None
    return t("store_unreadable", lang, url=plain(store.redact_url(url)), error=plain(error))


def _store() -> store.Store | None:
    return open_store(store.default_store_url())


@st.cache_data(show_spinner=False, ttl=GENERATION_TTL_S)
def generation(url: str) -> tuple[int, int] | None:
    """The store's ``(newest version, default version)``; ``None`` if it cannot be read."""
    s = open_store(url)
    if s is None:
        return None
    try:
        return s.generation()
    except store.StoreError:
        return None


@st.cache_data(show_spinner=False, max_entries=4)
def _versions(url: str, generation: tuple[int, int] | None) -> list[store.Version]:
    s = open_store(url)
    return [] if s is None or generation is None else s.versions()


def versions(url: str) -> list[store.Version]:
    """Versions newest first (version 0 = bundled data last), as of the store's generation;
    none while the store cannot be read (the app runs on the bundled data meanwhile)."""
    try:
        return _versions(url, generation(url))
    except store.StoreError:
        return []  # not cached: asked again on the next run


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(url: str, version_id: int):
    s = open_store(url)
    return None if s is None else s.load(version_id)


def default_choice() -> str:
    """The shared default version as a dataset key (``bundled`` for version 0)."""
    for v in versions(store.default_store_url()):
        if v.is_default and not v.is_bundled:
            return f"v{v.id}"
    return "bundled"


def load_version(choice: str):
    """The Dataset for a ``v<N>`` choice, or ``None`` if there is no such version."""
    from ui.data import Dataset

    try:
        vid = int(choice[1:])
    except ValueError:
        return None
    url = store.default_store_url()
    match = [v for v in versions(url) if v.id == vid]
    if not match or match[0].is_bundled:
        return None
    frame = _load(url, vid)
    return None if frame is None else Dataset(choice, match[0].label(), frame)


def version_options(lang: str) -> dict[str, str]:
    """Dataset keys and labels for the sidebar picker."""
    options = {"bundled": f"v0 · {t('bundled', lang)}"}
    for v in versions(store.default_store_url()):
        if not v.is_bundled:
            options[f"v{v.id}"] = v.label() + (" ★" if v.is_default else "")
    upload = st.session_state.get("upload")
    if upload:
        options[upload["key"]] = f"{t('uploaded', lang)}: {upload['name']}"
    return options


def publish_form(result: registry.RegistryResult, content: bytes, file_name: str,
                 datum: str, lang: str) -> None:
    """Publish controls, shown only when an editor token is configured."""
    if not auth.editor_token_configured():
        return
    s = _store()
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
    s = _store()
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
