"""Focus on a selection: outline the selected areas and fit the view to what is selected.

Both are overlays (``st_folium(feature_group_to_add=…)``), so the base map stays the same
while the selection changes. The fit runs in the browser (``L.atlas.fit`` in
``static/js/atlas.js``) only when its ``key`` differs from the last fit of that map: the
overlays are redrawn on every filter change, and a fit must not undo the user's own
panning unless the selection itself changed.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from geo.maps._common import check_frame, display_geoms, display_xy, feature_group, finish
from geo.maps._encode import encode_geometries
from geo.maps._js import JsCall, js_layer, script_json
from geo.maps.points import city_ring_offset
from geo.offline import DEFAULT_BASE_URL
from geo.regions import DEFAULT_BOUNDS
from geo.text import check_lang, t

#: The outline of a selected area: a white halo under a dark line, legible on any fill.
HIGHLIGHT_STYLES = (
    {"color": "#ffffff", "weight": 7, "opacity": 0.95, "fill": False, "interactive": False},
    {"color": "#1a1a1a", "weight": 3, "opacity": 1.0, "fill": False, "interactive": False},
)


def highlight_layer(areas: gpd.GeoDataFrame, lang: str = "zh", *, basemap: str = "none",
                    static_url: str | None = DEFAULT_BASE_URL) -> folium.FeatureGroup:
    """Outline ``areas`` (the selected cities or districts) above the choropleth.

    Parameters
    ----------
    areas : GeoDataFrame
        The selected areas (EPSG:4326) with ``adcode``.
    """
    check_lang(lang)
    check_frame(areas, ["adcode"], "areas")
    group = feature_group(t("map.selection", lang), control=False)
    geoms = encode_geometries(display_geoms(areas, basemap))
    keys = areas["adcode"].astype(str).tolist()
    for i, style in enumerate(HIGHLIGHT_STYLES):
        js_layer("areas", {"k": 10_000, "g": geoms, "styles": [style],
                           "si": [0] * len(keys), "keys": keys},
                 name=f"atlas_highlight_{i}").add_to(group)
    return finish(group, static_url)


#: The picked firm's halo: a ring wider than any firm symbol, white-edged to read on any fill.
FOCUS_COLOR = "#d7301f"
_HALO = 34  # px, the halo's outer diameter


def firm_focus_layer(lon: float, lat: float, lang: str = "zh", *, city_ring: str | None = None,
                     basemap: str = "none",
                     static_url: str | None = DEFAULT_BASE_URL) -> folium.FeatureGroup:
    """A halo round the picked firm, above every other layer (it takes no clicks).

    Parameters
    ----------
    lon, lat : float
        The firm's point (WGS-84); for a firm located only to its city, the city's label
        anchor (pass ``city_ring``).
    city_ring : str, optional
        The adcode of that city: the halo goes round the city's ring of city-precision
        firms (under its name, :func:`geo.maps.points.city_ring_offset`) instead of
        being centred on the point.
    """
    check_lang(lang)
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise ValueError(f"the picked firm has no location: lon={lon!r}, lat={lat!r}")
    x, y = display_xy([lon], [lat], basemap)
    half = _HALO // 2
    dx, dy = city_ring_offset(city_ring) if city_ring else (0, 0)
    anchor = (half - dx, half - dy)
    html = (f'<div class="atlas-focus" style="width:{_HALO - 6}px;height:{_HALO - 6}px;'
            f"border:3px solid {FOCUS_COLOR};border-radius:50%;"
            'box-shadow:0 0 0 2px #fff,inset 0 0 0 2px #fff;pointer-events:none"></div>')
    group = feature_group(t("map.selection", lang), control=False)
    folium.Marker([round(float(y[0]), 5), round(float(x[0]), 5)], interactive=False,
                  icon=folium.DivIcon(html=html, icon_size=(_HALO, _HALO), icon_anchor=anchor,
                                      class_name="atlas-focus-icon"),
                  z_index_offset=10_000).add_to(group)
    return finish(group, static_url)


def bounds_of(frame: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a frame's geometries (EPSG:4326)."""
    check_frame(frame, [], "frame")
    if len(frame) == 0:
        raise ValueError("cannot fit the view to an empty selection")
    west, south, east, north = (float(v) for v in frame.total_bounds)
    return west, south, east, north


def point_bounds(lon: float, lat: float, radius_km: float) -> tuple[float, float, float, float]:
    """The box around a point that holds a circle of ``radius_km``."""
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    dlat = radius_km / 111.32
    dlon = radius_km / (111.32 * max(np.cos(np.radians(lat)), 1e-6))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def fit_layer(bounds: tuple[float, float, float, float] | None, key: str, *,
              basemap: str = "none", max_zoom: float = 12,
              static_url: str | None = DEFAULT_BASE_URL) -> folium.FeatureGroup:
    """Fit the view to ``bounds`` (``None``: the province) once per ``key`` and map.

    Parameters
    ----------
    bounds : (west, south, east, north) or None
        The extent to show (WGS-84); ``None`` for the province.
    key : str
        Names the selection: the view is fitted again only when it changes.
    max_zoom : float
        Do not zoom closer than this (a single firm or a small district).
    """
    west, south, east, north = DEFAULT_BOUNDS if bounds is None else bounds
    if not (west < east and south < north) and bounds is not None:
        west, south, east, north = point_bounds((west + east) / 2, (south + north) / 2, 2.0)
    x, y = display_xy([west, east], [south, north], basemap)
    latlngs = [[round(float(y[0]), 5), round(float(x[0]), 5)],
               [round(float(y[1]), 5), round(float(x[1]), 5)]]
    group = feature_group("fit", control=False)
    JsCall(f"L.atlas.fit({script_json(latlngs)},{script_json(key)},"
           f"{script_json({'maxZoom': max_zoom})}).addTo({{parent}})",
           name="atlas_fit").add_to(group)
    return finish(group, static_url)
