"""The base map: plain background (or an optional online basemap), boundaries, labels and
furniture (title, scale bar, north arrow, notes, layer control, full screen, reset view).

The base map does not change with the sidebar filters; filtered layers are separate
FeatureGroups (``geo.maps.layers`` / ``geo.maps.points``) that a page passes to
``st_folium(feature_group_to_add=…)`` so the view is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import folium
import geopandas as gpd
from folium.plugins import Fullscreen

from geo.maps._common import check_frame, display_xy, finish
from geo.maps._js import FULLSCREEN_CSS, FULLSCREEN_JS, HEAT_JS, JsCall, js_control, js_layer
from geo.maps._style import LAND_FILL, esc
from geo.maps.basemaps import normalize_basemap, tile_layers
from geo.maps.layers import boundary_layer, city_labels
from geo.offline import DEFAULT_BASE_URL
from geo.provenance import SAMPLE_MARK
from geo.regions import DEFAULT_BOUNDS
from geo.text import check_lang, t

MIN_ZOOM: Final = 5
MAX_ZOOM: Final = 18

_NORTH_ARROW: Final = (
    '<svg viewBox="0 0 24 34" width="22" height="31" role="img" aria-hidden="true">'
    '<path d="M12 2 20 26 12 21 4 26Z" fill="#fff" stroke="#333" stroke-width="1.2"/>'
    '<path d="M12 2 12 21 4 26Z" fill="#333"/></svg>'
)


class AtlasMap(folium.Map):
    """A ``folium.Map`` that renders its layer switcher last.

    folium's ``LayerControl`` must come after every layer it lists, but pages add overlays
    to the base map after it was built; moving the control to the end at render time keeps
    ``base_map(...)`` + ``layer.add_to(m)`` working in any order.

    It loads Leaflet alone: folium's other defaults (jQuery, Bootstrap, Font Awesome,
    awesome-markers, ~600 KB) serve ``folium.Icon`` markers, which the atlas never draws,
    and every page load fetched them into the map iframe.
    """

    # folium declares these as (annotated) attributes, not ClassVar: same declaration here
    default_js = [folium.Map.default_js[0]]  # noqa: RUF012
    default_css = [folium.Map.default_css[0]]  # noqa: RUF012

    # branca types Element.render -> str; the MacroElement.render we extend returns None
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        for key, child in list(self._children.items()):
            if isinstance(child, folium.LayerControl):
                self._children.move_to_end(key)
        super().render(**kwargs)


def _check_bounds(bounds: tuple[float, float, float, float]) -> tuple[float, ...]:
    try:
        west, south, east, north = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be (west, south, east, north), got {bounds!r}") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ValueError(f"bounds must be (west, south, east, north) in degrees, got {bounds!r}")
    return west, south, east, north


def _latlng_bounds(bounds: tuple[float, ...], basemap: str) -> list[list[float]]:
    west, south, east, north = bounds
    x, y = display_xy([west, east], [south, north], basemap)
    return [[round(float(y[0]), 5), round(float(x[0]), 5)],
            [round(float(y[1]), 5), round(float(x[1]), 5)]]


def title_html(title: str | None, subtitle: str | None, notes: Sequence[str] = ()) -> str:
    """Escaped HTML of the title block; ``notes`` (:func:`geo.provenance.export_notes`)
    under it, the sample-data line marked so it stands out."""
    parts = []
    if title:
        parts.append(f'<div class="atlas-title-main">{esc(title)}</div>')
    if subtitle:
        parts.append(f'<div class="atlas-title-sub">{esc(subtitle)}</div>')
    for note in notes:
        sample = note.startswith(tuple(SAMPLE_MARK.values()))
        cls = "atlas-title-note atlas-sample" if sample else "atlas-title-note"
        parts.append(f'<div class="{cls}">{esc(note)}</div>')
    return "".join(parts)


def title_layer(title: str | None, subtitle: str | None, *, notes: Sequence[str] = (),
                static_url: str | None = DEFAULT_BASE_URL) -> folium.FeatureGroup:
    """The title block as an overlay (not in the layer switcher).

    A page whose title or subtitle follows the filters passes this to
    ``st_folium(feature_group_to_add=…)`` instead of giving ``base_map`` the title: the base
    map then stays the same across filter changes, so the component keeps its Leaflet map
    and the user's view, and only the overlays are redrawn. ``notes`` (the sample-data line
    and the data version) follow the data in view, so they travel with the title: into the
    full-screen map and the offline HTML too.
    """
    group = folium.FeatureGroup(name="atlas_title", control=False)
    box = {"position": "topcenter", "className": "atlas-title"}
    js_layer("legend", title_html(title, subtitle, notes), box,
             name="atlas_title").add_to(group)
    return finish(group, static_url)


def notes_html(lang: str, source_note: str | None, data_date: str | None) -> str:
    """Escaped HTML of the notes block: schematic note, data date, source."""
    parts = [f'<div class="atlas-note-schematic">{esc(t("map.schematic", lang))}'
             f'<span> · {esc(t("map.boundary_note", lang))}</span></div>']
    if data_date:
        parts.append(f"<div>{esc(t('map.data_date', lang))}{esc(data_date)}</div>")
    if source_note:
        parts.append(f"<div>{esc(t('map.source', lang))}{esc(source_note)}</div>")
    return "".join(parts)


def layer_control(lang: str = "zh", *, collapsed: bool = True) -> folium.LayerControl:
    """The layer switcher; pass it to ``st_folium(layer_control=…)`` when overlays are added
    with ``feature_group_to_add`` (then build the base map with ``layer_control=False``)."""
    check_lang(lang)
    return folium.LayerControl(position="topright", collapsed=collapsed)


_layer_control = layer_control  # base_map's parameter of the same name shadows it


def base_map(
    regions: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    basemap: str = "none",
    tianditu_key: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source_note: str | None = None,
    data_date: str | None = None,
    bounds: tuple[float, float, float, float] = DEFAULT_BOUNDS,
    boundaries: bool = True,
    labels: bool = True,
    layer_control: bool = True,
    fold_legends: bool = True,
    static_url: str | None = DEFAULT_BASE_URL,
) -> folium.Map:
    """Return the province base map with its furniture, assets served locally.

    Parameters
    ----------
    regions : GeoDataFrame
        The cities (``geo.regions.load_regions()``), EPSG:4326.
    lang : {"zh", "en"}
        Language of every text on the map.
    basemap : str
        ``none`` (default: polygons on a plain background, fully offline), ``osm``,
        ``carto_positron``, ``amap`` (all layers in GCJ-02) or ``tianditu`` (needs
        ``tianditu_key``).
    title, subtitle, source_note, data_date : str, optional
        Title block and notes (escaped).
    bounds : (west, south, east, north)
        Default extent (and the reset-view target); :data:`geo.regions.DEFAULT_BOUNDS`
        fits the mainland and near islands, not 东沙群岛.
    boundaries, labels : bool
        Draw the city boundaries / the permanent city-name labels. Turn ``labels`` off when
        a page adds :func:`city_labels` with values as an overlay.
    layer_control : bool
        Add the layer switcher. With ``st_folium(feature_group_to_add=…)`` pass ``False``
        here and ``layer_control=geo.maps.layer_control(lang)`` to ``st_folium``.
    fold_legends : bool
        Let legends start folded on a small map; ``False`` keeps them open (presentation
        mode: a slide shows every legend).
    static_url : str or None
        Where ``./static`` is served (``geo.offline.static_base_url(baseUrlPath)``);
        ``None`` leaves folium's CDN links (not offline).

    Raises
    ------
    ValueError
        Unknown ``lang`` or ``basemap``, Tianditu without a key, bad ``bounds``.
    """
    check_lang(lang)
    check_frame(regions, ["adcode", "name_zh"], "regions")
    key = normalize_basemap(basemap)
    latlng = _latlng_bounds(_check_bounds(bounds), key)
    tiles = tile_layers(key, lang=lang, tianditu_key=tianditu_key)
    center = [(latlng[0][0] + latlng[1][0]) / 2, (latlng[0][1] + latlng[1][1]) / 2]
    m = AtlasMap(location=center, zoom_start=7, tiles=None, control_scale=False,
                   maxZoom=MAX_ZOOM, minZoom=MIN_ZOOM, zoomSnap=0.25, zoomDelta=0.5)
    for layer in tiles:
        layer.add_to(m)
    if boundaries:
        boundary_layer(regions, lang, basemap=key, fill=None if tiles else LAND_FILL,
                       static_url=None).add_to(m)
    if labels:
        city_labels(regions, lang, basemap=key, static_url=None).add_to(m)
    _furniture(m, lang, latlng, title, subtitle, source_note, data_date, fold_legends)
    if layer_control:
        _layer_control(lang).add_to(m)
    return finish(m, static_url)


def _furniture(m: folium.Map, lang: str, latlng: list[list[float]], title: str | None,
               subtitle: str | None, source_note: str | None, data_date: str | None,
               fold_legends: bool = True) -> None:
    m.fit_bounds(latlng)
    # Also loads what overlays need (Leaflet.heat): streamlit-folium loads scripts only when
    # the component mounts, so a heat layer added later through feature_group_to_add would
    # otherwise find no L.heatLayer.
    classes = "'atlas-map'" if fold_legends else "'atlas-map','atlas-unfolded'"
    JsCall(f"{{parent}}.getContainer().classList.add({classes})", name="atlas_container",
           js=[HEAT_JS]).add_to(m)
    fullscreen = Fullscreen(position="topleft", title=t("map.fullscreen", lang),
                            title_cancel=t("map.exit_fullscreen", lang))
    fullscreen.default_js = [FULLSCREEN_JS]
    fullscreen.default_css = [FULLSCREEN_CSS]
    fullscreen.add_to(m)
    js_control("resetView", latlng, t("map.reset", lang), name="atlas_reset").add_to(m)
    JsCall("L.control.scale({imperial:false,maxWidth:140,position:'bottomleft'}).addTo({parent})",
           name="atlas_scale").add_to(m)
    north = f'{_NORTH_ARROW}<div class="atlas-north-n">{esc(t("map.north", lang))}</div>'
    js_control("addBox", north, {"position": "topright", "className": "atlas-north"},
               name="atlas_north").add_to(m)
    if title or subtitle:
        js_control("addBox", title_html(title, subtitle),
                   {"position": "topcenter", "className": "atlas-title"},
                   name="atlas_title").add_to(m)
    js_control("addBox", notes_html(lang, source_note, data_date),
               {"position": "bottomleft", "className": "atlas-notes"},
               name="atlas_notes").add_to(m)
