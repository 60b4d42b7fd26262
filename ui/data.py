"""Cached access to the library's data for the pages: registries, boundaries, sites, metrics,
the store and its versions, plan files, indicators, key projects, the firm-year panel and
the rendered maps. The only module that caches (``tests/test_ui_rooms.py``).

Immutable shared frames (boundaries, bundled registry, sites, published versions) are held
once per server with ``st.cache_resource`` — not copied per session, so 30 sessions cost
little memory. Callers must treat them as read-only. Small derived tables (metrics) use
``st.cache_data``. Cached functions read nothing but their arguments.

The shared store (:mod:`geo.store`) is opened once per server; a version's frame never
changes, so it is cached with no expiry. Several app processes (replicas behind a proxy, see
``deploy/``) share one store: each asks the store for its *generation* (newest version id,
default id: one small query) at most every :data:`GENERATION_TTL_S` seconds and keeps the
version list keyed by it, so a version published or made default through any replica is
seen by every other one within that time, without a restart, and the full list is read
again only when it changed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import chain, maps, metrics, provenance, regions, registry, store
from geo import filters as flt
from geo import indicators as ind
from geo import panel as pnl
from geo import plan as pln
from geo import projects as prj
from geo.text import t
from ui import state, stfolium
from ui.text import error_text, plain

BUNDLED = "bundled"


@st.cache_resource(show_spinner=False)
def load_regions() -> gpd.GeoDataFrame:
    """The 21 cities (shared, read-only)."""
    return regions.load_regions()


@st.cache_resource(show_spinner=False)
def load_districts() -> gpd.GeoDataFrame:
    """The 122 county-level units (shared, read-only)."""
    return regions.load_districts()


@st.cache_resource(show_spinner=False)
def load_district_units() -> gpd.GeoDataFrame:
    """Districts plus 东莞 and 中山 as their own units (shared, read-only)."""
    return regions.district_areas(load_districts(), load_regions())


@st.cache_resource(show_spinner=False)
def load_bundled(path: str) -> gpd.GeoDataFrame:
    """The bundled enterprise registry at ``path`` (shared, read-only)."""
    return registry.load_enterprises(path)


@st.cache_resource(show_spinner=False, max_entries=4)
def bundled_report(path: str, mtime: float) -> registry.RegistryResult | None:
    """The validation report of the registry at ``path`` (``None`` if unreadable): shown
    instead of the pages when the configured registry has problems."""
    try:
        return registry.load_registry(path)
    except registry.RegistryError:
        return None


def bundled_path() -> str:
    """The bundled registry; ``ATLAS_ENTERPRISES`` points the app at another file
    (benchmarks and deployments with a larger registry)."""
    return os.environ.get("ATLAS_ENTERPRISES", str(registry.ENTERPRISES_PATH))


@st.cache_resource(show_spinner=False)
def load_sites() -> gpd.GeoDataFrame:
    """Parks, platforms and facilities (shared, read-only)."""
    return registry.load_sites()


def parse_upload(
    data: bytes, datum: str, name: str, progress: Callable[[float], None] | None = None
) -> registry.RegistryResult:
    """Validate an uploaded registry once per session and (content, datum).

    Kept in the session, not a server cache: an upload is the session's own data.
    """
    key = upload_key(data, datum)
    parsed: registry.RegistryResult | None = state.parsed_upload(key)
    if parsed is not None:
        return parsed
    result = registry.load_registry(data, name=name, datum=datum, progress=progress)
    state.keep_parsed(key, result)
    return result


@dataclass(frozen=True)
class Dataset:
    """The enterprise registry a page works on, with a key that names its content."""

    key: str
    label: str
    frame: gpd.GeoDataFrame
    #: the revenue year chosen for the firm figures (:mod:`ui.years`); None = the snapshot
    year: int | None = None

    @property
    def date(self) -> str:
        """The years its revenue figures describe (computed once per dataset key)."""
        return _dataset_date(self.frame, self.key)


def upload_key(data: bytes, datum: str) -> str:
    """Content key of an upload: the same file and datum give the same key."""
    return "upload:" + hashlib.sha256(data + datum.encode()).hexdigest()[:16]


def current_dataset(lang: str) -> Dataset:
    """The registry chosen in this session: an upload, a published version or the bundle."""
    choice = state.dataset_choice(BUNDLED)
    upload = state.registry_upload()
    if choice.startswith("upload:") and upload and upload["key"] == choice:
        return Dataset(choice, f"{t('uploaded', lang)}: {upload['name']}", upload["frame"])
    if choice.startswith("v"):
        published = load_version(choice)
        if published is not None:
            return published
    return Dataset(BUNDLED, t("bundled", lang), load_bundled(bundled_path()))


# --------------------------------------------------------------------------- the store
#: how stale a replica's view of the store may be; one store round trip per period per
#: process (a PostgreSQL connection costs 10-20 ms, too much for every page run)
GENERATION_TTL_S = 2.0


@st.cache_resource(show_spinner=False)
def _open(url: str) -> tuple[store.Store | None, Exception | None]:
    try:
        return store.open_store(url), None
    except (store.StoreError, ValueError, OSError) as exc:
        return None, exc


def open_store(url: str) -> store.Store | None:
    """The shared store at ``url`` (``None`` if it cannot be opened: the app still runs)."""
    return _open(url)[0]


def store_problem(lang: str) -> str | None:
    """Markdown saying that the configured store cannot be read (``None`` if it can): the
    pages then run on the bundled data, and every page says so."""
    url = store.default_store_url()
    s, exc = _open(url)
    if s is not None and generation(url) is not None:
        return None
    error = (error_text(exc, lang) if exc is not None
             else plain(t("store_unreadable_now", lang)))
    return t("store_unreadable", lang, url=plain(store.redact_url(url)), error=error)


def default_store() -> store.Store | None:
    """The configured shared store (``None`` if it cannot be opened)."""
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
def _load(url: str, version_id: int) -> gpd.GeoDataFrame | None:
    s = open_store(url)
    return None if s is None else s.load(version_id)


def default_choice() -> str:
    """The shared default version as a dataset key (``bundled`` for version 0)."""
    for v in versions(store.default_store_url()):
        if v.is_default and not v.is_bundled:
            return f"v{v.id}"
    return BUNDLED


def load_version(choice: str) -> Dataset | None:
    """The Dataset for a ``v<N>`` choice, or ``None`` if there is no such version."""
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


@st.cache_resource(show_spinner=False, max_entries=16)
def _published_file(url: str, version_id: int, kind: str) -> tuple[pd.DataFrame, str] | None:
    s = open_store(url)
    if s is None:
        return None
    return s.load_panel(version_id) if kind == "panel" else s.load_projects(version_id)


def version_file(kind: str) -> tuple[int, tuple[pd.DataFrame, str] | None] | None:
    """The ``"panel"`` or ``"projects"`` file published with the session's chosen version.

    Returns ``(version id, (frame, file name))``, or ``(version id, None)`` when that
    version was published without one (or it cannot be read); ``None`` when the session
    is not on a published version (bundled data or an upload: the shipped files apply).
    """
    choice = state.dataset_choice(BUNDLED)
    if not choice.startswith("v") or not choice[1:].isdigit():
        return None
    vid = int(choice[1:])
    url = store.default_store_url()
    if not any(v.id == vid and not v.is_bundled for v in versions(url)):
        return None  # current_dataset falls back to the bundle too
    try:
        return vid, _published_file(url, vid, kind)
    except (store.StoreError, ValueError):
        return vid, None


def version_options(lang: str) -> dict[str, str]:
    """Dataset keys and labels for the sidebar picker."""
    options = {BUNDLED: f"v0 · {t('bundled', lang)}"}
    for v in versions(store.default_store_url()):
        if not v.is_bundled:
            options[f"v{v.id}"] = v.label() + (" ★" if v.is_default else "")
    upload = state.registry_upload()
    if upload:
        options[upload["key"]] = f"{t('uploaded', lang)}: {upload['name']}"
    return options


def filtered(dataset: Dataset, filters: flt.Filters) -> gpd.GeoDataFrame:
    """Apply the filters (vectorised masks; cheap enough to run on every rerun)."""
    return flt.apply(dataset.frame, filters)


@st.cache_data(show_spinner=False, max_entries=128)
def compute_metrics(
    _frame: gpd.GeoDataFrame,
    dataset_key: str,
    filter_params: tuple[tuple[str, str], ...],
    level: str = "city",
    radius_km: float = 10.0,
) -> metrics.MetricsResult:
    """Metrics of the filtered frame; ``dataset_key`` + ``filter_params`` name its content."""
    return metrics.compute(
        _frame, load_regions(), districts=load_districts(), sites=load_sites(),
        level=level, radius_km=radius_km,
    )


def metrics_for(
    dataset: Dataset, filters: flt.Filters, level: str = "city", radius_km: float = 10.0
) -> metrics.MetricsResult:
    """Cached metrics for the dataset under the filters."""
    frame = filtered(dataset, filters)
    params = tuple(sorted(filters.to_params().items()))
    return compute_metrics(frame, dataset.key, params, level, radius_km)


@st.cache_data(show_spinner=False, max_entries=32)
def chain_health(_frame: gpd.GeoDataFrame, dataset_key: str, filter_params: tuple
                 ) -> chain.ChainHealth:
    """Chain parts, statuses and the city x part matrix of the (filtered) data."""
    return chain.chain_health(_frame)


@st.cache_data(show_spinner=False, max_entries=64)
def city_chain(_frame: gpd.GeoDataFrame, dataset_key: str, filter_params: tuple, adcode: str,
               n_nearest: int = 5) -> chain.CityChain:
    """A city's parts, missing inputs and the nearest producers elsewhere."""
    return chain.city_chain(_frame, adcode, chain.origin_of(load_regions(), adcode),
                            n_nearest=n_nearest)


@st.cache_data(show_spinner=False, max_entries=32)
def _dataset_date(_frame: pd.DataFrame, dataset_key: str) -> str:
    return provenance.data_date(_frame)



# -- plan files, indicators, key projects, the firm-year panel -----------------------------
def file_mtime(path: str | Path) -> float:
    """``path``'s modification time (a cache key part); ``-1.0`` if it cannot be read."""
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return -1.0


@st.cache_resource(show_spinner=False)
def load_plan(path: str, mtime: float) -> pln.Plan:
    """A plan file (shared, read-only); ``mtime`` reloads it when the file changes."""
    return pln.load_plan(path)


@st.cache_resource(show_spinner=False)
def load_indicators(path: str, mtime: float) -> pd.DataFrame:
    """The official indicators table (shared, read-only)."""
    return ind.load_indicators(path)


@st.cache_resource(show_spinner=False)
def load_projects(path: str, mtime: float) -> pd.DataFrame:
    """The shipped key-project register (shared, read-only)."""
    return prj.load_projects(path)


@st.cache_data(show_spinner=False, max_entries=32)
def plan_assessment(_frame: pd.DataFrame, dataset_key: str, _panel: pd.DataFrame,
                    panel_key: str, path: str, mtime: float) -> pd.DataFrame:
    """:func:`geo.plan.assess` of the plan file ``path`` on the firms and their panel, once
    per (dataset, panel, plan file)."""
    plan = load_plan(path, mtime)
    indicators = load_indicators(str(ind.INDICATORS_PATH), file_mtime(ind.INDICATORS_PATH))
    return pln.assess(plan, indicators, pnl.firm_years(_panel, _frame))


@st.cache_resource(show_spinner=False)
def load_panel(path: str, mtime: float) -> pd.DataFrame:
    """The shipped firm-year panel (shared, read-only)."""
    return pnl.load_panel(path).frame


@st.cache_resource(show_spinner=False, max_entries=16)
def frame_for_year(_frame: gpd.GeoDataFrame, dataset_key: str, _panel: pd.DataFrame,
                   panel_name: str, year: int) -> gpd.GeoDataFrame:
    """:func:`geo.panel.frame_for_year`, once per (dataset, panel, year); read-only."""
    return pnl.frame_for_year(_frame, _panel, year)


# -- maps ------------------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=64)
def encoded_firms(_frame: pd.DataFrame, dataset_key: str, filter_params: tuple,
                  rows: str | None, lang: str, basemap: str) -> dict[str, Any]:
    """The firms' map payload, once per (dataset, filters, rows shown, language, basemap):
    every session viewing the same selection shares it (read-only)."""
    return maps.encode_enterprises(_frame, lang, basemap=basemap)


@st.cache_resource(show_spinner=False, max_entries=32)
def rendered_map(fingerprint: tuple, key: str,
                 _build: Callable[[], tuple[folium.Map, list[folium.FeatureGroup],
                                            folium.LayerControl]]) -> stfolium.Rendered:
    """The component arguments of one map, once per server for the same ``fingerprint``:
    reruns and other sessions showing the same map only send them (read-only)."""
    m, overlays, control = _build()
    return stfolium.render(m, key=key, overlays=overlays, layer_control=control)


# -- areas ---------------------------------------------------------------------------------
def areas_with_metrics(table: pd.DataFrame, level: str, cities: tuple[str, ...]
                       ) -> gpd.GeoDataFrame:
    """A metrics table on the cached geometries of its level: the county-level units of
    ``cities`` when drilling down, else the cities (:func:`geo.metrics.areas_with_metrics`)."""
    if level == "district":
        return metrics.areas_with_metrics(table, load_district_units(), cities)
    return metrics.areas_with_metrics(table, load_regions())
