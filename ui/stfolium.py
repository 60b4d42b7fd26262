"""``st_folium`` in two halves: render a map once, send the result on every run.

streamlit-folium's ``st_folium`` renders the whole folium tree on every script run (the
figure, the map again, then every element's script for the component), dedents and hashes
the result: about half of a page run's CPU, paid again by every session that shows the
same map. :func:`render` does exactly that work, with streamlit-folium's own helpers, and
returns the component's arguments as an immutable :class:`Rendered`; :func:`send` hands a
``Rendered`` to the component. ``ui.mapview`` keeps ``Rendered`` values in a server-wide
cache keyed by everything the map is built from, so a rerun or another session showing the
same map only sends it.

The helpers are streamlit-folium 0.27's (``pyproject.toml`` pins ``<0.28``);
``tests/test_stfolium.py`` checks that :func:`render` + :func:`send` give the component
the same arguments as ``st_folium`` for the same map.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import streamlit_folium as sf

from geo.offline import asset_links
from ui import state


@dataclass(frozen=True)
class Rendered:
    """The arguments ``st_folium`` computes from a map (read-only, shareable)."""

    script: str
    header: str
    html: str
    map_id: str
    hash_key: str
    default: tuple[tuple[str, Any], ...]
    feature_group: str | None
    layer_control: str | None
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]

    @property
    def nbytes(self) -> int:
        """UTF-8 size of the strings (what the cache holds)."""
        parts = (self.script, self.header, self.html, self.feature_group or "",
                 self.layer_control or "")
        return sum(len(p.encode("utf-8")) for p in parts)


def _bounds(m: folium.Map) -> dict[str, dict[str, float | None]]:
    try:
        (south, west), (north, east) = m.get_bounds()
    except (AttributeError, TypeError, ValueError):
        south = west = north = east = None
    return {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}


def render(m: folium.Map, *, key: str, overlays: Sequence[folium.FeatureGroup] = (),
           layer_control: folium.LayerControl | None = None,
           returned_objects: Sequence[str] = ("last_clicked",),
           return_on_hover: bool = False) -> Rendered:
    """Render ``m`` (and the overlays, added as ``feature_group_to_add``) like ``st_folium``.

    Mutates ``m`` and the overlays (as ``st_folium`` does): build a fresh map per call.

    Parameters
    ----------
    m : folium.Map
        The base map.
    key : str
        The component's Streamlit key (part of the component identity hash).
    overlays : sequence of folium.FeatureGroup
        Layers redrawn on a change without resetting the view.
    layer_control : folium.LayerControl, optional
        The layer switcher for the overlays.
    returned_objects : sequence of str
        What a map interaction returns (only those trigger a rerun).
    return_on_hover : bool
        Passed through to the component.
    """
    if not isinstance(m, folium.Map):
        raise TypeError(f"render() takes a folium.Map, got {type(m).__name__}")
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    map_id = sf.get_full_id(m)
    defaults = {"last_clicked": None, "last_object_clicked": None,
                "last_object_clicked_count": None, "last_object_clicked_tooltip": None,
                "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None, "bounds": _bounds(m),
                "zoom": m.options.get("zoom"), "last_circle_radius": None,
                "last_circle_polygon": None, "selected_layers": None, "selected_tags": None,
                "last_geocoder_result": None}
    default = tuple((k, v) for k, v in defaults.items() if k in returned_objects)
    groups = None
    if overlays:
        groups = "".join(sf._get_feature_group_string(g, map=m, idx=i)
                         for i, g in enumerate(overlays))
    control = sf._get_layer_control_string(layer_control, m) if layer_control else None
    js, css = asset_links(m)  # the overlays were added to ``m`` above
    return Rendered(
        script=script, header=header, html=html, map_id=map_id,
        hash_key=sf.generate_js_hash(script, key, return_on_hover), default=default,
        feature_group=groups, layer_control=control,
        css_links=tuple(css), js_links=tuple(js))


def send(r: Rendered, *, key: str, height: int, width: int | None = None,
         returned_objects: Sequence[str] = ("last_clicked",), return_on_hover: bool = False,
         zoom: int | None = None, center: tuple[float, float] | None = None,
         on_change: Callable[[], None] | None = None) -> Any:
    """Show ``r`` in the streamlit-folium component; return what the map returned."""

    def _on_change() -> None:
        state.put(key, state.returned(r.hash_key))
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=r.script, header=r.header, html=r.html, id=r.map_id, key=r.hash_key,
        height=height, width=width, returned_objects=list(returned_objects),
        default=dict(r.default), zoom=zoom, center=center, feature_group=r.feature_group,
        return_on_hover=return_on_hover, layer_control=r.layer_control, pixelated=False,
        css_links=list(r.css_links), js_links=list(r.js_links), on_change=_on_change,
        wrap_longitude=False)
