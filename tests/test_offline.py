"""Offline: every asset a map loads is served by the app; no http(s) asset URL is left."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from branca.colormap import ColorMap

from geo import maps
from geo.offline import (
    BUNDLE,
    BUNDLED,
    DROPPED,
    STATIC_DIR,
    VENDORED,
    asset_links,
    asset_urls,
    bundle_text,
    inline_html,
    localize,
    remote_urls,
    render_html,
    static_base_url,
)

ROOT = Path(__file__).resolve().parents[1]
BASEMAP_KEYS = {"none": {}, "osm": {}, "carto_positron": {}, "amap": {},
                "tianditu": {"tianditu_key": "0123456789abcdef0123456789abcdef"}}


@pytest.fixture(scope="module")
def firms() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    lon = rng.uniform(113.0, 114.3, 300)
    lat = rng.uniform(22.5, 23.4, 300)
    frame = pd.DataFrame({"name_zh": [f"企业{i}有限公司" for i in range(300)],
                          "lon": lon, "lat": lat, "city_adcode": "440300",
                          "segment": "equipment", "revenue_10k_cny": rng.uniform(0, 2e5, 300)})
    frame["tier"] = "small"
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@pytest.fixture(scope="module")
def site_table() -> pd.DataFrame:
    return pd.DataFrame({"name_zh": ["园区"], "kind": ["park"], "status": ["planned"],
                         "lon": [113.9], "lat": [22.6]})


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def local_files(html: str, base: str = "/app/static") -> list[Path]:
    """The static files an HTML page references (under ``base``)."""
    return [STATIC_DIR / u[len(base) + 1:] for u in asset_urls(html) if u.startswith(base + "/")]


def _layers(name, regions, districts, firms, site_table, basemap):
    sub = districts[districts["city_adcode"] == "440300"].copy()
    sub["v"] = np.arange(len(sub), dtype=float)
    areas = regions.copy()
    areas["v"] = np.arange(21, dtype=float)
    return {
        "layout": lambda: maps.layout_layer(regions, basemap=basemap),
        "choropleth": lambda: maps.choropleth_layer(areas, "v", basemap=basemap),
        "districts": lambda: maps.choropleth_layer(sub, "v", basemap=basemap),
        "labels": lambda: maps.city_labels(regions, values=areas.set_index("adcode")["v"],
                                           basemap=basemap),
        "dots": lambda: maps.enterprise_layer(firms, mode="dots", basemap=basemap),
        "cluster": lambda: maps.enterprise_layer(firms, mode="cluster", basemap=basemap),
        "heat": lambda: maps.enterprise_layer(firms, mode="heat", basemap=basemap),
        "sites": lambda: maps.site_layer(site_table, basemap=basemap),
    }[name]()


LAYERS = ["layout", "choropleth", "districts", "labels", "dots", "cluster", "heat", "sites"]


@pytest.mark.parametrize("basemap", list(BASEMAP_KEYS))
@pytest.mark.parametrize("layer", LAYERS)
def test_every_map_and_layer_renders_offline(regions, districts, firms, site_table, basemap,
                                             layer):
    m = maps.base_map(regions, basemap=basemap, title="t", **BASEMAP_KEYS[basemap])
    _layers(layer, regions, districts, firms, site_table, basemap).add_to(m)
    assert not any(isinstance(e, ColorMap) for e in _walk(m))  # st_folium adds d3 CDN links
    html = render_html(m)
    assert remote_urls(html) == []
    files = local_files(html)
    # Leaflet, its plugins and atlas.js arrive as one script (geo.offline.BUNDLE)
    assert [f.name for f in files if f.suffix == ".js"] == ["atlas-bundle.js"]
    missing = [str(f) for f in files if not f.is_file()]
    assert missing == []
    # nothing else that fetches: every http(s) string left is a tile template or attribution
    plain = (html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
             .replace('\\"', '"'))  # undo JSON escapes in tile options and attributions
    leftovers = set(re.findall(r"https?://[^\s\"'<>)\\]+", plain))
    allowed = {u for u in leftovers if "{z}" in u or "{x}" in u or "tk=" in u}
    anchors = set(re.findall(r'<a href="(https?://[^"]+)"', plain))
    assert leftovers - allowed - anchors - {"http://www.w3.org/2000/svg"} == set()
    if basemap == "none":
        assert leftovers <= {"http://www.w3.org/2000/svg"}


def test_overlays_for_st_folium_are_offline(regions, firms):
    """What streamlit-folium sends: links walked from the map + added feature groups."""
    m = maps.base_map(regions, layer_control=False)
    overlay = maps.enterprise_layer(firms)
    overlay.add_to(m)  # st_folium adds feature_group_to_add to the map before collecting
    js, css = asset_links(m)
    assert js == [f"/app/static/{BUNDLE}"]  # Leaflet, plugins and atlas.js: one round trip
    assert all(u.startswith("/app/static/") for u in js + css)
    assert all((STATIC_DIR / u[len("/app/static/"):]).is_file() for u in js + css)


def test_st_folium_generated_strings_are_offline(regions, firms):
    sf = pytest.importorskip("streamlit_folium")
    m = maps.base_map(regions, layer_control=False)
    m.get_root().render()
    header = sf._get_header(m)
    leaflet = sf._get_map_string(m)
    fg = sf._get_feature_group_string(maps.enterprise_layer(firms), m)
    control = sf._get_layer_control_string(maps.layer_control(), m)
    for text in (header, leaflet, fg, control):
        assert not re.search(r"https?://", text.replace("http://www.w3.org/2000/svg", ""))
    assert "L.atlas.points(" in fg and "feature_group_feature_group_0" in fg


def test_localize_maps_every_folium_default_link():
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    folium.plugins.Fullscreen().add_to(m)
    folium.plugins.HeatMap([[23.0, 113.0]]).add_to(m)
    folium.Marker([23, 113], icon=folium.Icon(icon="info-sign")).add_to(m)
    html = render_html(localize(m))
    assert remote_urls(html) == []
    assert all(f.is_file() for f in local_files(html))
    for dropped in DROPPED:
        assert dropped not in html


def test_localize_does_not_touch_folium_class_lists():
    before = list(folium.Map.default_js)
    localize(folium.Map(tiles=None), "/x/app/static")
    assert folium.Map.default_js == before
    assert folium.Map.default_js[0][1].startswith("https://")


def test_localize_is_idempotent_and_honours_base_url():
    m = localize(folium.Map(tiles=None), static_base_url("/atlas/"))
    localize(m, static_base_url("/atlas/"))
    html = render_html(m)
    assert f'<script src="/atlas/app/static/{BUNDLE}">' in html
    localize(m)  # re-based to the default
    assert "/atlas/app/static" not in render_html(m)


def test_localize_fails_loudly_on_an_unvendored_asset():
    m = folium.Map(tiles=None)
    folium.plugins.Draw().add_to(m)
    with pytest.raises(ValueError, match=r"leaflet\.draw"):
        localize(m)


def test_remote_urls_finds_assets_not_tile_templates():
    html = (
        '<link rel="stylesheet" href="https://cdn.example/a.css"/>'
        '<script src="//cdn.example/b.js"></script>'
        '<style>.x{background:url("http://img.example/c.png")}</style>'
        '<script>L.tileLayer("https://{s}.tile.example/{z}/{x}/{y}.png").addTo(m);</script>'
        '<a href="https://www.openstreetmap.org/copyright">OSM</a>'
        '<script src="/app/static/js/atlas.js"></script>'
    )
    assert remote_urls(html) == ["https://cdn.example/a.css", "//cdn.example/b.js",
                                 "http://img.example/c.png"]


def test_static_base_url():
    assert static_base_url("") == "/app/static"
    assert static_base_url("atlas") == "/atlas/app/static"
    with pytest.raises(ValueError, match="baseUrlPath"):
        static_base_url('x"><script>')
    with pytest.raises(ValueError, match="same-origin"):
        localize(folium.Map(tiles=None), "//evil.example/static")


def test_inline_html_is_self_contained(regions, firms):
    m = maps.base_map(regions, title="离线")
    maps.enterprise_layer(firms).add_to(m)
    html = inline_html(m)
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert remote_urls(html) == []
    assert "/app/static/" not in html
    assert "L.atlas.points(" in html and "Leaflet" in html
    assert re.search(r"data:image/png;base64,", html)  # leaflet.css images inlined
    # the bundled CJK face, regular and bold, travels inside the file (~3.8 MB of it)
    assert len(html.encode()) < 6_500_000


def test_inline_html_embeds_the_bundled_cjk_face_and_no_other(regions, firms):
    """Opened from disk on a laptop without a Chinese font, the export still draws its
    labels with the bundled face: every @font-face left is a data: URL of a bundled WOFF2
    file (regular and bold, byte for byte), none points anywhere else."""
    import base64

    from geo.fonts import BUNDLED_FAMILY

    m = maps.base_map(regions, title="离线")
    maps.enterprise_layer(firms).add_to(m)
    html = inline_html(m)
    faces = re.findall(r"@font-face\s*\{[^}]*\}", html)
    embedded = {}
    for face in faces:
        assert BUNDLED_FAMILY in face, face[:200]
        srcs = re.findall(r"url\(\s*[\"']?([^\"')\s]+)", face)
        assert len(srcs) == 1 and srcs[0].startswith("data:font/woff2;base64,"), face[:200]
        weight = re.search(r"font-weight:\s*(\d+)", face)
        assert weight is not None
        embedded[weight.group(1)] = base64.b64decode(srcs[0].split(",", 1)[1])
    fonts = STATIC_DIR / "fonts"
    assert embedded == {"400": (fonts / "NotoSansCJKsc-Regular.woff2").read_bytes(),
                        "700": (fonts / "NotoSansCJKsc-Bold.woff2").read_bytes()}
    # no font, tile, style or script fetched from the network: no http(s) URL in a url(),
    # a src= or a <link href=> (links in the attribution are anchors, never fetched)
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", html)
    assert not re.search(r"""\bsrc\s*=\s*["'](?:https?:)?//""", html)
    assert not re.search(r"""<link\b[^>]*\bhref\s*=\s*["'](?:https?:)?//""", html)


def test_vendored_files_match_manifest(monkeypatch):
    spec = importlib.util.spec_from_file_location("vendor_assets",
                                                  ROOT / "scripts" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "vendor_assets", module)  # dataclasses need it
    spec.loader.exec_module(module)
    assert module.check() == []
    for directory in {p.split("/")[1] for p in VENDORED.values()}:
        licences = list((STATIC_DIR / "vendor" / directory).glob("*LICEN[CS]E*"))
        assert licences, f"no licence file in static/vendor/{directory}"


def test_bundle_is_current_and_in_load_order():
    """static/js/atlas-bundle.js is exactly the BUNDLED files (run
    ``scripts/vendor_assets.py --bundle`` after editing static/js/atlas.js)."""
    text = (STATIC_DIR / BUNDLE).read_text(encoding="utf-8")
    assert text == bundle_text()
    starts = [text.index(f"/* ---- {rel} ---- */") for rel in BUNDLED]
    assert starts == sorted(starts) and BUNDLED[0].endswith("/leaflet.js")
    assert "@preserve" in text and "sourceMappingURL" not in text  # licence kept, no dead map


def test_bundle_links_share_one_name_so_a_page_has_one_script(regions, firms):
    m = maps.base_map(regions, title="t")
    maps.enterprise_layer(firms, mode="heat").add_to(m)
    html = render_html(m)
    assert html.count(f'<script src="/app/static/{BUNDLE}">') == 1
    assert "leaflet.js" not in html and "/js/atlas.js" not in html
    assert inline_html(maps.base_map(regions)).count("Leaflet 1.9.3, a JS library") == 1
