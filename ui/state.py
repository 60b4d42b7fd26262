"""View state that follows the user: session state mirrored in the URL's query parameters.

The session state is the source of truth while a session lives; the URL carries it so a
planner can send a link that opens exactly the same view. Streamlit clears query parameters
when the user switches page, and forgets a widget's value when a page does not draw it:
:func:`init` (start of every run) keeps every key alive and :func:`sync_url` (end of every
run) writes the URL back.
"""

from __future__ import annotations

from typing import Any, Final

import streamlit as st

from geo.filters import SAMPLE_CHOICES, Filters
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
    "basemap": ("basemap", "none"),
    "present": ("present", False),
    "chain_part": ("part", ""),  # Chain page: the selected part and city (geo.chain codes)
    "chain_city": ("chain_city", ""),
    "year": ("year", ""),  # revenue year from the firm-year panel (ui/years.py)
}
FILTER_KEYS: Final = (
    "f_cities", "f_zone", "f_segments", "f_sectors", "f_tiers", "f_listed", "f_sample", "f_query",
)
#: keys other modules keep alive across pages (page-local choices worth keeping, and the
#: widgets of folded sections, which a run does not draw while they are closed)
EXTRA_KEYS: Final = ("compare", "drill", "radius_km", "dataset", "point_mode", "point_color",
                     "tianditu_key", "map_options", "firm_list")


def _parse_view(params: dict[str, str], metrics: set[str]) -> tuple[dict[str, Any], list[str]]:
    out: dict[str, Any] = {}
    problems: list[str] = []
    for key, (param, default) in VIEW_KEYS.items():
        raw = params.get(param)
        if raw is None:
            out[key] = default
            continue
        value: Any = raw
        ok = True
        if key == "lang":
            ok = raw in ("zh", "en")
        elif key == "metric":
            ok = raw in metrics
        elif key == "scheme":
            ok = raw in SCHEMES
        elif key == "basemap":
            ok = raw in BASEMAPS
        elif key == "k":
            ok = raw.isdigit() and 2 <= int(raw) <= 9
            value = int(raw) if ok else default
        elif key == "present":
            value = raw in ("1", "true")
        elif key == "chain_part":
            from geo.chain import PARTS

            ok = raw in PARTS
        elif key == "year":
            ok = raw.isdigit() and 1990 <= int(raw) <= 2100
        elif key == "chain_city":
            from geo.layout import CITY_BY_ADCODE

            ok = raw in CITY_BY_ADCODE
        if not ok:
            problems.append(f"{param}: ignored unknown value {raw!r}")
            value = default
        out[key] = value
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
        ss.setdefault("radius_km", 10)
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


def view(key: str) -> Any:
    """A view setting (metric, scheme, k, basemap, present)."""
    return st.session_state.get(key, VIEW_KEYS[key][1])


def url_params() -> dict[str, str]:
    """The query parameters that reproduce the current view."""
    params = filters().to_params()
    for key, (param, default) in VIEW_KEYS.items():
        value = st.session_state.get(key, default)
        if value != default:
            params[param] = "1" if value is True else str(value)
    return params


def sync_url() -> None:
    """Write the current view into the URL (after a page switch cleared it, too)."""
    params = url_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
