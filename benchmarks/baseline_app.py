"""The naive way to put a firm registry on a Streamlit map: the benchmark's baseline.

One ``folium.Marker`` (with a popup) per firm inside a ``folium.plugins.MarkerCluster``, the
21 city polygons as ``folium.GeoJson``, shown with ``st_folium`` — what most tutorials do.
Only the marker approach differs from the atlas: the same boundaries, the same registry file
(``ATLAS_ENTERPRISES``, read once and cached), the same zone filter in the sidebar, and the
same vendored Leaflet/MarkerCluster assets (``geo.offline.localize``), because this machine
has no internet and CDN scripts would leave the map blank.

Streamlit serves ``static/`` next to the *script as named on the command line*, so
``benchmarks/bench_browser.py`` runs it from a temporary folder holding two symlinks,
``baseline_app.py`` (this file) and ``static`` (the repo's), with static serving on.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.layout import CITIES, ZONES
from geo.offline import localize
from geo.regions import load_regions

IMAGES = "/app/static/vendor/leaflet-1.9.3/dist/images/"
ZONE_OF = {c.name_zh: c.zone for c in CITIES}


@st.cache_data(show_spinner=False)
def firms(path: str) -> pd.DataFrame:
    """The registry's name, coordinates and zone."""
    frame = pd.read_csv(path, usecols=["name_zh", "city", "lon", "lat"], dtype={"city": str})
    frame["zone"] = frame["city"].map(ZONE_OF).fillna("")
    return frame


@st.cache_data(show_spinner=False)
def cities_geojson() -> str:
    """The 21 city polygons as GeoJSON text."""
    return load_regions()[["adcode", "name_zh", "geometry"]].to_json()


st.set_page_config(page_title="baseline", layout="wide")
zone = st.sidebar.selectbox("zone", ["", *ZONES], key="zone",
                            format_func=lambda z: "all" if z == "" else z)
table = firms(os.environ["ATLAS_ENTERPRISES"])
if zone:
    table = table[table["zone"] == zone]
st.title(f"Baseline: {len(table):,} markers")

fmap = folium.Map(location=[23.1, 113.4], zoom_start=7, tiles=None, maxZoom=18, minZoom=5)
# Leaflet 1.9.3 guesses the default marker image folder from its CSS link and gets it wrong
# inside the component ("…/distmarker-icon.png", 404): name the vendored folder.
icons = MacroElement()
icons._template = Template(
    f"{{% macro script(this, kwargs) %}}L.Icon.Default.imagePath = {json.dumps(IMAGES)};"
    "{% endmacro %}")
fmap.add_child(icons)
folium.GeoJson(cities_geojson(), name="cities",
               style_function=lambda _: {"color": "#8a8f98", "weight": 1,
                                         "fillColor": "#fbfaf6", "fillOpacity": 1}).add_to(fmap)
cluster = MarkerCluster(name="firms").add_to(fmap)
for name, lon, lat in zip(table["name_zh"], table["lon"], table["lat"], strict=True):
    folium.Marker([lat, lon], popup=name).add_to(cluster)
localize(fmap)
st_folium(fmap, key="baseline", height=620, use_container_width=True, returned_objects=[])
