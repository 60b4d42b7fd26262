"""ui.stfolium renders a map once and sends exactly what st_folium would send."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit_folium

from geo import maps
from geo.offline import normalize_ids
from ui import stfolium


@pytest.fixture(scope="module")
def firms() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(113.0, 114.3, 200), rng.uniform(22.5, 23.4, 200)
    frame = pd.DataFrame({"name_zh": [f"企业{i}" for i in range(200)], "lon": lon, "lat": lat,
                          "city_adcode": "440300", "segment": "equipment", "tier": "small",
                          "revenue_10k_cny": rng.uniform(0, 2e5, 200)})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _map(regions, firms, lang="en"):
    m = maps.base_map(regions, lang=lang, title="T", subtitle="S", layer_control=False)
    maps.layout_layer(regions, lang).add_to(m)
    return m, [maps.enterprise_layer(firms, lang)], maps.layer_control(lang)


def _recorded(monkeypatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kwargs: calls.append(kwargs))
    return calls


def _comparable(args: dict) -> dict:
    out = {k: v for k, v in args.items() if k != "on_change"}
    for k, v in out.items():
        if isinstance(v, str):
            out[k] = normalize_ids(v)  # two builds of a map differ only in folium's uuids
    return out


def test_render_and_send_give_st_folium_arguments(regions, firms, monkeypatch):
    calls = _recorded(monkeypatch)
    m, overlays, control = _map(regions, firms)
    streamlit_folium.st_folium(m, key="map_x", height=620, use_container_width=True,
                               returned_objects=["last_clicked"], feature_group_to_add=overlays,
                               layer_control=control, zoom=11, center=(23.1, 113.3))
    m2, overlays2, control2 = _map(regions, firms)
    rendered = stfolium.render(m2, key="map_x", overlays=overlays2, layer_control=control2)
    stfolium.send(rendered, key="map_x", height=620, zoom=11, center=(23.1, 113.3))
    expected, got = (_comparable(c) for c in calls)
    assert got == expected
    assert "L.atlas.points(" in got["feature_group"]
    assert got["js_links"] == ["/app/static/js/atlas-bundle.js"]


def test_rendered_is_immutable_and_hashes_the_map(regions, firms):
    m, overlays, control = _map(regions, firms)
    r = stfolium.render(m, key="k", overlays=overlays, layer_control=control)
    with pytest.raises(AttributeError):
        r.script = ""  # type: ignore[misc]
    assert r.nbytes > len(r.script)
    m_zh, overlays_zh, control_zh = _map(regions, firms, lang="zh")
    other = stfolium.render(m_zh, key="k", overlays=overlays_zh, layer_control=control_zh)
    assert other.hash_key != r.hash_key  # a different map is a different component
    m3, overlays3, control3 = _map(regions, firms)
    same = stfolium.render(m3, key="k", overlays=overlays3, layer_control=control3)
    assert same.hash_key == r.hash_key  # same map, same component: the view is kept


def test_render_rejects_a_non_map():
    with pytest.raises(TypeError, match=r"folium\.Map"):
        stfolium.render("not a map", key="k")  # type: ignore[arg-type]
