"""View state that follows the user: session state mirrored in the URL's query parameters.

The session state is the source of truth while a session lives; the URL carries it so a
planner can send a link that opens exactly the same view. Streamlit clears query parameters
when the user switches page, and forgets a widget's value when a page does not draw it:
:func:`init` (start of every run) keeps every key alive and :func:`sync_url` (end of every
run) writes the URL back.

The only module that touches ``st.session_state`` (``tests/test_ui_rooms.py``): pages and
the other ``ui`` modules read and change the session through the accessors below.
"""

from __future__ import annotations

import re
from typing import Any, Final

import streamlit as st

from geo.filters import SAMPLE_CHOICES, Filters, city_code
from geo.layout import CITY_BY_ADCODE
from geo.maps.basemaps import BASEMAPS as _BASEMAPS
from geo.symbology import SCHEMES as _SCHEMES

SCHEMES: Final = tuple(_SCHEMES)
BASEMAPS: Final = tuple(_BASEMAPS)
DEFAULT_METRIC: Final = "density_per_1000km2"

#: session key -> (query parameter, default). Filter keys are handled by geo.filters.
VIEW_KEYS: Final[dict[str, tuple[str, Any]]] = {
    "lang": ("lang", "zh"),
    "metric": ("metric", DEFAULT_METRIC),
    "scheme": ("scheme", "quantiles"),
    "k": ("k", 5),
    "breaks": ("breaks", ""),
    "basemap": ("basemap", "none"),
    "point_mode": ("mode", "auto"),
    "point_color": ("color", "tier"),
    "drill": ("drill", []),
    "compare": ("compare", []),
    "site": ("site", ""),
    "radius_km": ("radius", 10),
    "firm": ("firm", ""),
    "present": ("present", False),
    "chain_part": ("part", ""),  # Chain page: the selected part and city (geo.chain codes)
    "chain_city": ("chain_city", ""),
    "year": ("year", ""),  # revenue year from the firm-year panel (ui/years.py)
}
POINT_MODES: Final = ("auto", "cluster", "dots", "heat")
POINT_COLORS: Final = ("tier", "segment")
#: the URL parameter naming the data version (``v0`` = the bundled data, ``vN``, ``upload:…``)
DATA_PARAM: Final = "data"
FILTER_KEYS: Final = (
    "f_cities", "f_zone", "f_segments", "f_sectors", "f_tiers", "f_listed", "f_sample", "f_query",
)
#: keys other modules keep alive across pages (page-local choices worth keeping, and the
#: widgets of folded sections, which a run does not draw while they are closed)
EXTRA_KEYS: Final = ("dataset", "tianditu_key", "map_options", "firm_list")
_ID: Final = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _cities(raw: str) -> tuple[list[str], list[str]]:
    """Prefecture adcodes from ``a,b`` (adcodes or names); and what was not understood."""
    parts = [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]
    codes = [city_code(p) for p in parts]
    return (list(dict.fromkeys(c for c in codes if c)),
            [p for p, c in zip(parts, codes, strict=True) if c is None])


def _chain_part(raw: str) -> bool:
    from geo.chain import PARTS

    return raw in PARTS


def _parse_one(key: str, raw: str, metrics: set[str], default: Any) -> tuple[Any, list[str]]:
    """The session value of one view parameter, and the parts of it that were ignored."""
    checks: dict[str, Any] = {
        "lang": lambda r: r in ("zh", "en"), "metric": lambda r: r in metrics,
        "scheme": lambda r: r in SCHEMES, "basemap": lambda r: r in BASEMAPS,
        "point_mode": lambda r: r in POINT_MODES, "point_color": lambda r: r in POINT_COLORS,
        "site": _ID.fullmatch, "firm": _ID.fullmatch,
        "breaks": lambda r: len(r) <= 200,
        "chain_part": _chain_part, "chain_city": lambda r: r in CITY_BY_ADCODE,
        "year": lambda r: r.isdigit() and 1990 <= int(r) <= 2100,
    }
    if key in ("drill", "compare"):
        codes, bad = _cities(raw)
        return (codes[:5] if key == "compare" else codes), bad
    if key == "k":
        ok = raw.isdigit() and 2 <= int(raw) <= 9
        return (int(raw) if ok else default), ([] if ok else [raw])
    if key == "radius_km":
        ok = raw.isdigit() and 1 <= int(raw) <= 50
        return (int(raw) if ok else default), ([] if ok else [raw])
    if key == "present":
        return raw in ("1", "true"), []
    return (raw, []) if checks[key](raw) else (default, [raw])


def _parse_view(params: dict[str, str], metrics: set[str]) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    problems: list[str] = []
    for key, (param, default) in VIEW_KEYS.items():
        raw = params.get(param)
        if raw is None:
            out[key] = list(default) if isinstance(default, list) else default
            continue
        out[key], bad = _parse_one(key, str(raw), metrics, default)
        problems.extend(f"{param}={b}" for b in bad)
    return out, problems


def _filters_to_state(filters: Filters) -> dict[str, Any]:
    return {
        "f_cities": list(filters.cities), "f_zone": filters.zone,
        "f_segments": list(filters.segments), "f_sectors": list(filters.sectors),
        "f_tiers": list(filters.tiers), "f_listed": filters.listed_only,
        "f_sample": filters.sample, "f_query": filters.query,
    }


def init(metrics: set[str]) -> None:
    """Boot the session from the URL once, then keep every state key alive across pages."""
    ss = st.session_state
    if not ss.get("_booted"):
        params = st.query_params.to_dict()
        filters, problems = Filters.from_params(params)
        view, view_problems = _parse_view(params, metrics)
        if view["basemap"] != "none":  # a link must not make the browser call a tile server
            ss["_basemap_ask"], view["basemap"] = view["basemap"], "none"
        for key, value in {**view, **_filters_to_state(filters)}.items():
            ss[key] = value
        if params.get(DATA_PARAM):
            ss["_url_data"] = str(params[DATA_PARAM])[:80]
        ss["_url_problems"] = problems + view_problems
        ss["_booted"] = True
        return
    for key in (*VIEW_KEYS, *FILTER_KEYS, *EXTRA_KEYS):
        if key in ss:
            ss[key] = ss[key]  # re-assigning keeps a widget's value when a page hides it


def lang() -> str:
    """The UI language ("zh" or "en")."""
    return str(st.session_state.get("lang", "zh"))


def filters() -> Filters:
    """The current filters, from session state."""
    ss = st.session_state
    sample = ss.get("f_sample", "all")
    return Filters(
        cities=tuple(ss.get("f_cities", [])),
        zone=ss.get("f_zone", "") or "",
        segments=tuple(ss.get("f_segments", [])),
        sectors=tuple(ss.get("f_sectors", [])),
        tiers=tuple(ss.get("f_tiers", [])),
        listed_only=bool(ss.get("f_listed", False)),
        sample=sample if sample in SAMPLE_CHOICES else "all",
        query=str(ss.get("f_query", "")).strip(),
    )


def dataset_choice(default: str) -> str:
    """The data source picked in the sidebar (a :class:`ui.data.Dataset` key)."""
    return str(st.session_state.get("dataset", default))


def registry_upload() -> dict[str, Any] | None:
    """The registry uploaded in this session (``key``, ``name``, ``frame``), if any."""
    return st.session_state.get("upload")


def use_dataset(key: str, upload: dict[str, Any] | None = None) -> None:
    """Switch the session's data source; ``upload`` is kept for an upload's key."""
    if upload is not None:
        st.session_state["upload"] = upload
    st.session_state["dataset"] = key


def view(key: str) -> Any:
    """A view setting (a key of :data:`VIEW_KEYS`)."""
    return st.session_state.get(key, VIEW_KEYS[key][1])


def set_view(key: str, value: Any) -> None:
    """Change a view setting (a key of :data:`VIEW_KEYS`); a callback may change a widget's."""
    if key not in VIEW_KEYS:
        raise KeyError(key)
    st.session_state[key] = value


# -- widget values by key (page-local widgets, components' returned values) --------------
def text(key: str) -> str:
    """The text value of the widget ``key`` (``""`` when it holds none)."""
    return str(st.session_state.get(key, "") or "")


def codes(key: str) -> list[str]:
    """The list value of the widget ``key`` (e.g. a multiselect's adcodes); ``[]`` if none."""
    return list(st.session_state.get(key) or [])


def put(key: str, value: Any) -> None:
    """Set the widget ``key`` (from a callback, or before the widget is drawn)."""
    st.session_state[key] = value


def returned(key: str) -> dict[str, Any]:
    """What the component or selectable element ``key`` returned (a dict; ``{}`` if none)."""
    value = st.session_state.get(key)
    return value if isinstance(value, dict) else {}


# -- the session's own data: uploads, and what a link asked for ---------------------------
def panel_upload() -> dict[str, Any] | None:
    """The firm-year panel uploaded in this session (``key``, ``name``, ``frame``), if any."""
    return st.session_state.get("panel_upload")


def use_panel(upload: dict[str, Any] | None) -> None:
    """Use ``upload`` as the session's firm-year panel (``None``: the published one)."""
    _keep("panel_upload", upload)


def projects_upload() -> dict[str, Any] | None:
    """The project register uploaded in this session (``name``, ``frame``, ``content``)."""
    return st.session_state.get("projects_upload")


def use_projects(upload: dict[str, Any] | None) -> None:
    """Use ``upload`` as the session's project register (``None``: the published one)."""
    _keep("projects_upload", upload)


def parsed_upload(key: str) -> Any | None:
    """The validated registry of the upload ``key`` (see :func:`keep_parsed`), if kept."""
    parsed = st.session_state.get("_parsed")
    return parsed[1] if parsed is not None and parsed[0] == key else None


def keep_parsed(key: str, result: Any) -> None:
    """Keep the validated registry of one upload (the session's own data, not a cache)."""
    st.session_state["_parsed"] = (key, result)


def _keep(key: str, value: Any | None) -> None:
    if value is None:
        st.session_state.pop(key, None)
    else:
        st.session_state[key] = value


def take_url_data() -> str | None:
    """The data version the link named (once: a second call returns ``None``)."""
    return st.session_state.pop("_url_data", None)


def take_url_problems() -> list[str]:
    """The link's parameters that were not understood (once)."""
    return list(st.session_state.pop("_url_problems", []))


def missing_data() -> str | None:
    """The data version a link named that this viewer does not have, if any."""
    return st.session_state.get("_missing_data")


def set_missing_data(version: str | None) -> None:
    """Remember (or, with ``None``, forget) a data version the viewer does not have."""
    _keep("_missing_data", version)


def basemap_asked() -> str | None:
    """The online basemap a link asked for and the viewer has not yet answered."""
    return st.session_state.get("_basemap_ask")


def answer_basemap(choice: str | None) -> None:
    """The viewer's answer to :func:`basemap_asked`: load ``choice``, or keep none."""
    st.session_state.pop("_basemap_ask", None)
    if choice is not None:
        st.session_state["basemap"] = choice


def url_params() -> dict[str, str]:
    """The query parameters that reproduce the current view."""
    params = filters().to_params()
    for key, (param, default) in VIEW_KEYS.items():
        value = st.session_state.get(key, default)
        if key == "breaks" and st.session_state.get("scheme") != "user_defined":
            continue
        if isinstance(value, list | tuple):
            value = ",".join(map(str, value))
            default = ",".join(default)
        if value != default and value is not None:
            params[param] = "1" if value is True else str(value)
    dataset = str(st.session_state.get("dataset", "bundled"))
    params[DATA_PARAM] = "v0" if dataset == "bundled" else dataset
    return params


def sync_url() -> None:
    """Write the current view into the URL (after a page switch cleared it, too)."""
    params = url_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
