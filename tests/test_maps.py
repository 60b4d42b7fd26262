"""Map builders rendered to HTML: legends, labels, escaping, datum, determinism, size."""

from __future__ import annotations

import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import maps
from geo.datum import wgs84_to_gcj02
from geo.layout import CITIES, CORRIDOR_LABEL, ZONES, tier_codes
from geo.maps._encode import encode_geometry, split_name_suffixes
from geo.maps._js import script_json
from geo.maps.layers import CORRIDOR_LABEL_OFFSET
from geo.offline import render_html
from geo.regions import DEFAULT_BOUNDS

HOSTILE = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def enterprises() -> gpd.GeoDataFrame:
    """Five firms in Shenzhen/Guangzhou, two with hostile names, one without revenue."""
    lon = np.array([113.9431, 113.3245, 114.0579, 113.2644, 113.95])
    lat = np.array([22.5405, 23.1291, 22.5431, 23.1291, 22.53])
    revenue = pd.Series([150_000.0, 12_000.0, 500.0, np.nan, 2_000.0])
    frame = pd.DataFrame({
        "id": ["F1", "F2", "F3", "F4", "F5"],
        "name_zh": ["大族激光科技产业集团股份有限公司", HOSTILE[0], HOSTILE[1],
                    "广州测试光电科技有限公司", "深圳&小企业"],
        "name_en": ["Han's Laser", "", "", "", ""],
        "city": ["深圳", "广州", "深圳", "广州", "深圳"],
        "district": ["南山区", "<b>天河区</b>", "福田区", "", "南山区"],
        "city_adcode": ["440300", "440100", "440300", "440100", "440300"],
        "district_adcode": ["", "", "", "", ""],
        "address": "", "lon": lon, "lat": lat, "coord_precision": "exact",
        "sector": ["laser", "additive", "laser", "both", "laser"],
        "segment": ["equipment", "components", "", "services", "design"],
        "revenue_10k_cny": revenue,
        "revenue_year": pd.array([2023, 2022, 2023, pd.NA, 2021], dtype="Int64"),
        "listed": "", "employees": pd.array([pd.NA] * 5, dtype="Int64"),
        "source": ["年报", "</script><script>alert(2)</script>", "", "", "协会"],
        "sample": True,
    })
    frame["tier"] = tier_codes(frame["revenue_10k_cny"])
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    lon = np.array([113.93, 113.45, 113.76])
    lat = np.array([22.52, 23.10, 22.82])
    frame = pd.DataFrame({
        "id": ["S1", "S2", "S3"],
        "name_zh": ["深圳湾激光产业园", HOSTILE[1], "松山湖材料实验室"],
        "name_en": ["Shenzhen Bay laser park", "", "Songshan Lake Materials Lab"],
        "kind": ["park", "platform", "facility"],
        "status": ["operating", "planned", "building"],
        "city_adcode": ["440300", "440100", "441900"],
        "district": ["南山区", "黄埔区", ""], "lon": lon, "lat": lat,
        "coord_precision": "exact", "source": ["https://example.org/a", "", ""],
        "note": ["", HOSTILE[0], ""],
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


# ---------------------------------------------------------------------------- helpers
def payloads(html: str, factory: str) -> list:
    """Every JSON first argument of ``L.atlas.<factory>(…)`` in ``html``."""
    decoder = json.JSONDecoder()
    out = []
    for m in re.finditer(rf"L\.atlas\.{factory}\(", html):
        value, _ = decoder.raw_decode(html, m.end())
        out.append(value)
    return out


def decode_points(data: dict) -> tuple[np.ndarray, np.ndarray]:
    q = data["q"]
    return np.cumsum(data["x"]) / q, np.asarray(data["y"]) / q


def decode_ring(ints: list[int], k: int) -> np.ndarray:
    return np.cumsum(np.asarray(ints).reshape(-1, 2), axis=0) / k


def render(*layers: folium.Element, regions: gpd.GeoDataFrame, **kwargs) -> str:
    m = maps.base_map(regions, **kwargs)
    for layer in layers:
        layer.add_to(m)
    return render_html(m)


def names_in(html: str) -> str:
    """The HTML with JSON escapes of <, > and & undone (what JS strings hold)."""
    return html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")


# ----------------------------------------------------------------------------- base map
def test_script_json_cannot_end_a_script_block():
    value = {"name": "</script><!--'x' & y\u2028z\u2029", "zh": "大族激光", "n": 1.5}
    text = script_json(value)
    for raw in ("<", ">", "&", "'", "\u2028", "\u2029"):
        assert raw not in text
    assert "大族激光" in text  # UTF-8, not \\uXXXX: half the bytes for Chinese names
    assert json.loads(text) == value
    assert type(text) is str  # not Markup: concatenation must not HTML-escape
    with pytest.raises(ValueError):
        script_json({"v": float("nan")})


def test_base_map_furniture(regions):
    html = render(regions=regions, title="广东激光<产业>", subtitle="一核一带一区",
                  source_note="行动计划 & 名录", data_date="2024-12")
    assert "广东激光&lt;产业&gt;" in names_in(html)  # escaped, not markup
    assert "广东激光<产业>" not in names_in(html)
    for text in ("示意图", "数据截至：2024-12", "行动计划 &amp; 名录", "回到全省视图"):
        assert text in names_in(html)
    assert "L.control.scale(" in html and "imperial:false" in html
    assert "L.control.fullscreen(" in html
    assert "L.control.layers(" in html
    assert "atlas-north" in html
    assert '"maxZoom": 18' in html and '"minZoom": 5' in html
    west, south, east, north = DEFAULT_BOUNDS
    assert f"[[{south}, {west}], [{north}, {east}]]" in html  # fitBounds to the mainland
    assert "L.tileLayer" not in html  # no basemap by default


def test_base_map_layer_control_renders_after_late_layers(regions):
    m = maps.base_map(regions)
    maps.layout_layer(regions).add_to(m)  # added after the control
    html = render_html(m)
    control = html.index("L.control.layers(")
    listed = re.findall(r'"[^"]+" : (feature_group_\d+)', html[control - 2000:control])
    assert len(listed) == 3  # boundaries, labels, layout
    for var in listed:  # every listed layer is defined before the control uses it
        assert html.index(f"var {var} = L.featureGroup") < control


def test_base_map_rejects_bad_input(regions):
    with pytest.raises(ValueError, match="unknown basemap 'google'"):
        maps.base_map(regions, basemap="google")
    with pytest.raises(ValueError, match="Tianditu"):
        maps.base_map(regions, basemap="tianditu")
    with pytest.raises(ValueError, match="lang 'fr'"):
        maps.base_map(regions, lang="fr")
    with pytest.raises(ValueError, match="bounds"):
        maps.base_map(regions, bounds=(117, 20, 109, 25))
    with pytest.raises(ValueError, match="EPSG:4326"):
        maps.base_map(regions.to_crs(3857))


def test_basemap_registry_keys_and_tiles(regions):
    assert maps.normalize_basemap("CartoDB Positron") == "carto_positron"
    assert maps.normalize_basemap("Gaode") == "amap"
    html = render(regions=regions, basemap="tianditu", tianditu_key="abcdef0123456789abcdef")
    assert "tk=abcdef0123456789abcdef" in html and "cva_w" in html
    with pytest.raises(ValueError, match="key"):
        maps.tile_layers("tianditu", tianditu_key='x" onerror="')
    assert "webrd0{s}.is.autonavi.com" in render(regions=regions, basemap="amap")


def test_boundary_payload_under_600_kb(regions):
    html = render_html(maps.base_map(regions, labels=False))
    (boundary,) = payloads(html, "areas")
    assert len(json.dumps(boundary, separators=(",", ":"))) < 600_000
    assert len(html.encode()) < 600_000


def test_polygon_encoding_round_trips_to_1e4_degrees():
    poly = shapely.Polygon([(113.12345, 22.5), (113.5, 22.5), (113.5, 22.9), (113.12345, 22.9)],
                           holes=[[(113.2, 22.6), (113.3, 22.6), (113.3, 22.7)]])
    (rings,) = encode_geometry(shapely.MultiPolygon([poly]))
    outer = decode_ring(rings[0], 10_000)
    np.testing.assert_allclose(outer, np.asarray(poly.exterior.coords)[:-1], atol=0.5e-4)
    hole = decode_ring(rings[1], 10_000)
    np.testing.assert_allclose(hole, np.asarray(poly.interiors[0].coords)[:-1], atol=0.5e-4)


# --------------------------------------------------------------------------- layout
def test_layout_layer_zh_legend_zones_corridor_carriers(regions):
    html = render(maps.layout_layer(regions, "zh"), regions=regions)
    legend = payloads(html, "legend")[0]
    for term in ZONES.values():
        assert term.zh in legend
    assert "一核" in legend and "一带" in legend and "一区" in legend
    assert CORRIDOR_LABEL.zh in legend and "制造业载体城市" in legend
    zones = next(p for p in payloads(html, "areas") if len(p["styles"]) == 4)
    by_code = dict(zip(zones["keys"], zones["si"], strict=True))
    order = list(ZONES)
    for city in CITIES:  # every city drawn in its own zone's style
        assert by_code[city.adcode] == order.index(city.zone)
    carriers = next(p for p in payloads(html, "areas") if "carriers" in json.dumps(p) or
                    set(p["keys"]) == {c.adcode for c in CITIES if c.carrier})
    assert set(carriers["keys"]) == {"441900", "441300", "440600", "440400", "442000", "440700"}
    assert CORRIDOR_LABEL.zh in names_in(html.split("L.atlas.band(")[1])
    # its name hangs from the Shenzhen end (the last vertex) by a pixel offset, under
    # Shenzhen's name and off the Delta's other names at any zoom (tests/e2e/test_map_labels)
    band = json.loads("[" + html.split("L.atlas.band(")[1].split(").addTo(")[0] + "]")
    vertices, _styles, _name, _cls, label_at, offset = band
    assert label_at == vertices[-1] and tuple(offset) == CORRIDOR_LABEL_OFFSET


def test_layout_layer_english(regions):
    html = render(maps.layout_layer(regions, "en"), regions=regions, lang="en")
    legend = payloads(html, "legend")[0]
    for term in ZONES.values():
        assert term.en in legend
    assert "Guangzhou–Shenzhen innovation corridor" in legend
    assert "珠三角核心区" not in legend


# ------------------------------------------------------------------------ choropleth
def _areas(regions: gpd.GeoDataFrame, values: list[float]) -> gpd.GeoDataFrame:
    out = regions.copy()
    out["metric"] = values
    return out


def test_choropleth_equal_interval_honest_labels_and_no_data(regions):
    # 21 cities: values 1..10 (twice) and one missing; equal interval, 3 classes:
    # width (10 - 1) / 3 = 3 -> classes [1, 4], (4, 7], (7, 10]: integers 1–4, 5–7, 8–10
    values = [*range(1, 11), *range(1, 11), np.nan]
    areas = _areas(regions, values)
    html = render(maps.choropleth_layer(areas, "metric", scheme="equal_interval", k=3,
                                        legend_title="企业数", unit="家"),
                  regions=regions)
    legend = payloads(html, "legend")[0]
    assert "企业数（家）" in legend
    for label in ("1 – 4（8）", "5 – 7（6）", "8 – 10（6）"):
        assert label in legend
    assert "无数据（1）" in legend and "atlas-swatch-nodata" in legend
    data = next(p for p in payloads(html, "areas") if p.get("hatch"))
    nodata = len(data["styles"]) - 1
    assert data["styles"][nodata]["className"] == "atlas-nodata"
    missing_city = regions["adcode"].iloc[-1]
    assert data["si"][data["keys"].index(missing_city)] == nodata
    assert sorted(set(data["si"]) - {nodata}) == [0, 1, 2]


def test_choropleth_zero_is_a_class_not_no_data(regions):
    values = [0.0] * 5 + list(range(1, 17))
    html = render(maps.choropleth_layer(_areas(regions, values), "metric",
                                        scheme="user_defined", breaks=[0, 5, 10]),
                  regions=regions)
    data = next(p for p in payloads(html, "areas") if "tips" in p and len(p["styles"]) > 2)
    zero_codes = regions["adcode"].iloc[:5].tolist()
    assert {data["si"][data["keys"].index(c)] for c in zero_codes} == {0}
    assert "atlas-nodata" not in json.dumps(data["si"])
    assert not data.get("hatch")
    legend = payloads(html, "legend")[0]
    assert "<span>0（5）" in legend and "11 – 16（6）" in legend  # last class up to the max
    assert "无数据" not in legend


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_choropleth_schemes_give_k_classes(regions, scheme):
    values = [float(v) ** 1.5 for v in range(21)]
    html = render(maps.choropleth_layer(_areas(regions, values), "metric", scheme=scheme, k=4),
                  regions=regions)
    legend = payloads(html, "legend")[0]
    assert legend.count("atlas-swatch-fill") == 4


def test_choropleth_rejects_bad_input(regions):
    areas = _areas(regions, list(range(21)))
    with pytest.raises(ValueError, match="unknown classification scheme 'jenkins'"):
        maps.choropleth_layer(areas, "metric", scheme="jenkins")
    with pytest.raises(ValueError, match="breaks"):
        maps.choropleth_layer(areas, "metric", scheme="user_defined")
    with pytest.raises(ValueError, match="lacks columns"):
        maps.choropleth_layer(areas, "nope")
    with pytest.raises(ValueError, match="k must be"):
        maps.choropleth_layer(areas, "metric", k=12)
    text = areas.assign(metric=["n/a"] * 21)
    with pytest.raises(ValueError, match="non-numeric"):
        maps.choropleth_layer(text, "metric")


def test_choropleth_all_missing_is_all_no_data(regions):
    html = render(maps.choropleth_layer(_areas(regions, [np.nan] * 21), "metric"),
                  regions=regions)
    legend = payloads(html, "legend")[0]
    assert "无数据（21）" in legend and "atlas-swatch-fill" not in legend


def test_choropleth_districts_escape_names(districts):
    sub = districts[districts["city_adcode"] == "440300"].copy()
    sub.loc[sub.index[0], "name_zh"] = HOSTILE[0]
    sub["v"] = np.arange(len(sub), dtype=float)
    html = render_html(maps.choropleth_layer(sub, "v", k=3).add_to(folium.Map(tiles=None)))
    assert "<script>alert(1)" not in names_in(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in names_in(html)


# ------------------------------------------------------------------------ labels
def test_city_labels_short_names_and_values(regions):
    values = pd.Series({c.adcode: 1234.5 for c in CITIES}).drop("440500")
    html = render(maps.city_labels(regions, "zh", values=values, unit="家"),
                  regions=regions, labels=False)
    (data,) = payloads(html, "labels")
    assert sorted(data["name"]) == sorted(c.name_zh.removesuffix("市") for c in CITIES)
    shantou = data["name"].index("汕头")
    assert data["value"][shantou] == "—"
    assert data["value"][data["name"].index("广州")] == "1,234 家" or \
        data["value"][data["name"].index("广州")] == "1,235 家"
    west, south, east, north = DEFAULT_BOUNDS
    assert all(west < x < east for x in data["lon"]) and all(south < y < north for y in
                                                             data["lat"])


def test_city_labels_english(regions):
    html = render_html(maps.city_labels(regions, "en").add_to(folium.Map(tiles=None)))
    (data,) = payloads(html, "labels")
    assert "Guangzhou" in data["name"] and "Shenzhen" in data["name"]


@pytest.mark.parametrize(("lang", "char_px"), [("zh", 12.0), ("en", 6.5)])
@pytest.mark.parametrize("with_values", [False, True])
def test_labels_do_not_overlap_at_province_view(regions, lang, char_px, with_values):
    # zoom 7 (a ~800 px wide map): label boxes (12 px per CJK character, ~6.5 px per Latin
    # one, 7 px per value digit, 15 px per line) must not overlap after the pixel offsets
    values = dict.fromkeys(regions["adcode"], 1234.5) if with_values else None
    html = render_html(maps.city_labels(regions, lang, values=values)
                       .add_to(folium.Map(tiles=None)))
    (data,) = payloads(html, "labels")
    scale = 256 * 2 ** 7
    x = (np.asarray(data["lon"]) + 180) / 360 * scale + np.asarray(data["dx"])
    lat = np.radians(data["lat"])
    y = (1 - np.log(np.tan(lat) + 1 / np.cos(lat)) / np.pi) / 2 * scale + np.asarray(data["dy"])
    shown = data.get("value", [""] * len(x))
    half_w = np.array([max(char_px * len(n), 7 * len(v)) + 4
                       for n, v in zip(data["name"], shown, strict=True)]) / 2
    height = 28 if with_values else 15
    for i in range(len(x)):
        for j in range(i + 1, len(x)):
            overlap = abs(x[i] - x[j]) < half_w[i] + half_w[j] and abs(y[i] - y[j]) < height
            assert not overlap, (data["name"][i], data["name"][j])


# ------------------------------------------------------------------------ enterprises
def test_enterprise_layer_payload_and_escaping(regions, enterprises):
    html = render(maps.enterprise_layer(enterprises, "zh"), regions=regions)
    text = names_in(html)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "</script><script>alert(2)" not in html
    assert "\\u003cscript\\u003ealert(1)" in html  # kept as data, set with textContent
    (data,) = payloads(html, "points")
    lon, lat = decode_points(data)
    order = np.lexsort((np.round(enterprises.lat * 1e5), np.round(enterprises.lon * 1e5)))
    np.testing.assert_allclose(lon, enterprises.lon.to_numpy()[order], atol=0.6e-5)
    np.testing.assert_allclose(lat, enterprises.lat.to_numpy()[order], atol=0.6e-5)
    names = [stem + data["nms"][i] for stem, i in zip(data["nm"], data["nmx"], strict=True)]
    assert sorted(names) == sorted(enterprises.name_zh)
    hans = names.index("大族激光科技产业集团股份有限公司")
    assert data["r"][hans] == 150_000 and data["yr"][hans] == 2023
    assert data["ss"][data["src"][hans]] == "年报"
    assert data["ds"][data["d"][hans]] == "南山区"
    assert data["cs"][data["c"][hans]] == "深圳市"
    no_revenue = names.index("广州测试光电科技有限公司")
    assert data["r"][no_revenue] == -1 and data["yr"][no_revenue] == 0
    assert data["t"][no_revenue] == 4  # unknown tier, never "small"
    legend = payloads(html, "legend")[-1]
    assert "5 家企业" in legend and "营收≥10亿元（1）" in legend and "营收未知（1）" in legend
    assert "深圳&小企业" in text


def test_enterprise_layer_segment_colours_and_heat(regions, enterprises):
    html = render(maps.enterprise_layer(enterprises, "en", color_by="segment"),
                  regions=regions, lang="en")
    legend = payloads(html, "legend")[-1]
    assert "High-end equipment &amp; systems (1)" in legend and "Segment unknown (1)" in legend
    assert '"colorBy":"s"' in html
    heat = render(maps.enterprise_layer(enterprises, mode="heat"), regions=regions)
    assert "L.atlas.heat(" in heat and "atlas-bundle.js" in heat  # Leaflet.heat is bundled
    assert "L.atlas.points(" not in heat


def test_enterprise_layer_rejects_bad_options(enterprises):
    with pytest.raises(ValueError, match="mode 'pins'"):
        maps.enterprise_layer(enterprises, mode="pins")
    with pytest.raises(ValueError, match="color_by 'size'"):
        maps.enterprise_layer(enterprises, color_by="size")
    with pytest.raises(TypeError, match="DataFrame"):
        maps.enterprise_layer([(113.0, 23.0)])


def test_enterprise_city_falls_back_to_the_city_as_written(enterprises):
    loose = enterprises.copy()
    loose["city_adcode"] = ["", "440100", "", "", ""]
    loose["city"] = ["<i>深圳</i>", "广州", "", "", ""]
    data = maps.encode_enterprises(loose)
    shown = sorted(data["cs"][c] if c >= 0 else "" for c in data["c"])
    assert shown == ["", "", "", "<i>深圳</i>", "广州市"]


def test_enterprise_layer_skips_rows_without_coordinates(enterprises):
    # positions come from geo.regions.point_lonlat, as for metrics: the geometry first
    broken = enterprises.copy()
    broken.loc[broken.index[0], "lon"] = np.nan
    broken = broken.set_geometry(gpd.points_from_xy(broken["lon"], broken["lat"],
                                                    crs="EPSG:4326"))
    data = maps.encode_enterprises(broken)
    assert len(data["y"]) == len(broken) - 1
    # a plain table is read from lon/lat, a GeoDataFrame without them from its points
    plain = pd.DataFrame(broken.drop(columns="geometry"))
    assert maps.encode_enterprises(plain)["y"] == data["y"]
    points_only = broken.drop(columns=["lon", "lat"])
    assert maps.encode_enterprises(points_only)["y"] == data["y"]


def test_city_precision_firms_are_a_symbol_at_the_city_label_not_points(regions, enterprises):
    """A firm located only to its city is never drawn inside a district it is not known to
    be in: it leaves the point payload and joins one dashed ring per city, at the city's
    label anchor, whose popup lists it (escaped)."""
    from geo.symbology import label_anchors

    coarse = enterprises.copy()
    coarse.loc[coarse.index[[0, 2]], "coord_precision"] = "city"  # 大族激光 + a hostile name
    data = maps.encode_enterprises(coarse)
    assert len(data["y"]) == len(coarse) - 2
    (entry,) = data["cp"]
    assert entry["city"] == "440300" and entry["name"] == "深圳市"
    assert sorted(entry["firms"]) == sorted(coarse.name_zh.iloc[[0, 2]])
    lon, lat = label_anchors(regions.geometry.to_numpy())
    i = list(regions["adcode"]).index("440300")
    assert (entry["lon"], entry["lat"]) == (round(lon[i], 5), round(lat[i], 5))
    html = render(maps.enterprise_layer(coarse, "zh"), regions=regions)
    icons = [json.loads(m) for m in re.findall(r'L\.divIcon\(\{\s*"html": ("(?:[^"\\]|\\.)*")',
                                               html)]
    assert len(icons) == 1
    shown = icons[0]
    # the ring hangs under Shenzhen's label where the label was nudged to (not under its
    # bare anchor, where it covered the name of a nudged label such as 珠海)
    dx, dy = maps.LABEL_OFFSETS["440300"]
    anchor = re.search(r'"iconAnchor": \[(-?\d+), (-?\d+)\]', html)
    assert anchor is not None and (int(anchor[1]), int(anchor[2])) == (11 - dx, 11 - dy - 20)
    assert shown.startswith('<div class="atlas-cityfirms" title="') and shown.endswith(">2</div>")
    assert "深圳市：2 家企业仅定位到市" in shown
    # the hostile name is escaped inside the title attribute, never markup
    assert '"><img src=x' not in shown and "&quot;&gt;&lt;img src=x" in shown
    assert "$(`" not in html  # no folium popup template (it would need jQuery)
    legend = payloads(html, "legend")[-1]
    assert "5 家企业" in legend and "仅定位到市的企业（2" in legend
    # the ring is not drawn where the stand-in coordinates were
    assert "L.atlas.points(" in html and '"cp"' not in html


def test_city_precision_without_a_known_city_stays_a_point(enterprises):
    loose = enterprises.copy()
    loose["coord_precision"] = "city"
    loose["city_adcode"] = ""
    data = maps.encode_enterprises(loose)
    assert len(data["y"]) == len(loose) and data["cp"] == []


def test_name_suffix_table_round_trips():
    names = pd.Series(["甲激光科技有限公司", "乙股份有限公司", "有限公司", "丙", ""])
    stems, codes = split_name_suffixes(names)
    from geo.maps._encode import NAME_SUFFIXES

    assert [s + NAME_SUFFIXES[c] for s, c in zip(stems, codes, strict=True)] == names.tolist()
    assert stems[0] == "甲" and stems[2] == "有限公司"  # a bare suffix stays a name


# ------------------------------------------------------------------------ datum
def test_gcj02_applied_only_with_amap(regions, enterprises, sites):
    def coords(basemap: str):
        html = render(maps.enterprise_layer(enterprises, basemap=basemap),
                      maps.site_layer(sites, basemap=basemap), regions=regions,
                      basemap=basemap)
        (points,) = payloads(html, "points")
        (site,) = payloads(html, "sites")
        (labels,) = payloads(html, "labels")
        boundary = payloads(html, "areas")[0]
        first = decode_ring(boundary["g"][0][0][0], boundary["k"])[0]
        return decode_points(points), site, labels, first

    (lon_w, lat_w), site_w, labels_w, ring_w = coords("osm")
    (lon_g, lat_g), site_g, labels_g, ring_g = coords("amap")
    exp_lon, exp_lat = wgs84_to_gcj02(lon_w, lat_w)
    np.testing.assert_allclose(lon_g, exp_lon, atol=1.1e-5)
    np.testing.assert_allclose(lat_g, exp_lat, atol=1.1e-5)
    assert np.all(np.abs(lon_g - lon_w) > 0.003)  # GCJ-02 shifts ~500 m here
    np.testing.assert_allclose(site_w["lon"], sites.lon, atol=1e-5)  # WGS-84 untouched
    exp_site = wgs84_to_gcj02(site_w["lon"], site_w["lat"])
    np.testing.assert_allclose(site_g["lon"], exp_site[0], atol=1.1e-5)
    exp_lab = wgs84_to_gcj02(labels_w["lon"], labels_w["lat"])
    np.testing.assert_allclose(labels_g["lat"], exp_lab[1], atol=1.1e-5)
    exp_ring = wgs84_to_gcj02(ring_w[0], ring_w[1])
    np.testing.assert_allclose(ring_g, exp_ring, atol=1.5e-4)
    assert abs(ring_g[0] - ring_w[0]) > 0.003


# ------------------------------------------------------------------------ sites
def test_site_layer_kinds_statuses_and_escaping(regions, sites):
    html = render(maps.site_layer(sites, "zh"), regions=regions)
    (data,) = payloads(html, "sites")
    assert [data["kinds"][k] for k in data["k"]] == ["park", "platform", "facility"]
    assert [data["statuses"][s] for s in data["st"]] == ["operating", "planned", "building"]
    assert "<img src=x" not in html and "<script>alert(1)" not in html
    legend = payloads(html, "legend")[-1]
    for label in ("产业园区", "创新平台", "大科学装置", "已运行", "在建", "规划"):
        assert label in legend
    assert data["place"][0] == "深圳市 · 南山区"


def test_site_layer_rejects_unknown_kind(sites):
    bad = sites.copy()
    bad.loc[bad.index[0], "kind"] = "mall"
    with pytest.raises(ValueError, match="unknown kinds"):
        maps.site_layer(bad)


# ------------------------------------------------------------------------ determinism
def test_atlas_js_puts_user_text_in_the_page_only_as_text():
    """Names reach the DOM through textContent or atlas.esc; innerHTML only takes HTML that
    Python escaped (boxes, legends) or constant SVG."""
    from geo.offline import STATIC_DIR

    js = (STATIC_DIR / "js" / "atlas.js").read_text(encoding="utf-8")
    sinks = [line.strip() for line in js.splitlines() if "innerHTML" in line
             and not line.strip().startswith(("*", "//", "/*"))]
    allowed = ("svg.innerHTML = '<defs>", "box.innerHTML = this.options.html;",
               "a.innerHTML = '<svg")
    assert sinks and all(line.startswith(allowed) for line in sinks), sinks
    assert "bindTooltip(atlas.esc(" in js and "setContent(atlas.esc(text))" in js


def test_same_inputs_give_same_html(regions, enterprises, sites):
    def build() -> str:
        m = maps.base_map(regions, title="T", data_date="2024")
        maps.layout_layer(regions).add_to(m)
        maps.enterprise_layer(enterprises).add_to(m)
        maps.site_layer(sites).add_to(m)
        return render_html(m)

    first, second = build(), build()
    assert first == second
    assert not re.search(r"_[0-9a-f]{32}", first)  # no random folium ids left


def test_point_order_does_not_depend_on_row_order(enterprises):
    shuffled = enterprises.sample(frac=1.0, random_state=3)
    assert maps.encode_enterprises(shuffled) == maps.encode_enterprises(enterprises)


def test_firm_focus_halo_is_centred_on_the_point_or_round_the_city_ring():
    from geo.maps.focus import firm_focus_layer

    def html(**kw):
        m = folium.Map(tiles=None)
        firm_focus_layer(113.5, 23.1, "en", static_url=None, **kw).add_to(m)
        return m.get_root().render()

    point, ring_html = html(), html(city_ring="440300")
    assert "atlas-focus" in point and '"iconAnchor": [17, 17]' in point
    # round Shenzhen's ring: under its (nudged) name, where the ring itself is drawn
    dx, dy = maps.LABEL_OFFSETS["440300"]
    assert maps.city_ring_offset("440300") == (dx, dy + 20)
    assert f'"iconAnchor": [{17 - dx}, {17 - dy - 20}]' in ring_html
    with pytest.raises(ValueError, match="no location"):
        firm_focus_layer(float("nan"), 23.1)
