"""Map builders: pure functions returning folium objects, offline by default.

Pages only call these. ``base_map`` is the stable map (boundaries, labels, furniture); the
layer builders return FeatureGroups to add to it directly or through
``st_folium(feature_group_to_add=…)``.

Examples
--------
>>> from geo.regions import load_regions
>>> regions = load_regions()
>>> m = base_map(regions, title="广东激光与增材制造产业集群")
>>> layout_layer(regions).add_to(m)  # doctest: +ELLIPSIS
<folium.map.FeatureGroup object at ...>
>>> remote_urls(render_html(m))
[]
"""

from geo.maps.base import MAX_ZOOM, MIN_ZOOM, base_map, layer_control, title_layer
from geo.maps.basemaps import BASEMAPS, basemap_datum, normalize_basemap, tile_layers
from geo.maps.focus import (
    bounds_of,
    firm_focus_layer,
    fit_layer,
    highlight_layer,
    point_bounds,
)
from geo.maps.layers import (
    LABEL_OFFSETS,
    boundary_layer,
    choropleth_layer,
    city_labels,
    layout_layer,
)
from geo.maps.points import city_ring_offset, encode_enterprises, enterprise_layer, site_layer
from geo.offline import (
    DEFAULT_BASE_URL,
    inline_html,
    localize,
    remote_urls,
    render_html,
    static_base_url,
)

__all__ = [
    "BASEMAPS",
    "DEFAULT_BASE_URL",
    "LABEL_OFFSETS",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "base_map",
    "basemap_datum",
    "boundary_layer",
    "bounds_of",
    "choropleth_layer",
    "city_labels",
    "city_ring_offset",
    "encode_enterprises",
    "enterprise_layer",
    "firm_focus_layer",
    "fit_layer",
    "highlight_layer",
    "inline_html",
    "layer_control",
    "layout_layer",
    "localize",
    "normalize_basemap",
    "point_bounds",
    "remote_urls",
    "render_html",
    "site_layer",
    "static_base_url",
    "tile_layers",
    "title_layer",
]
