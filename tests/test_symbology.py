"""One symbology, two renderers: the web map and the figure show the same classes.

The map half runs anywhere; the figure half needs the CJK font (issue 13), like
tests/test_figures.py.
"""

from __future__ import annotations

import html as htmllib
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import maps
from geo import symbology as sym
from geo.figures import render_figure
from geo.offline import render_html
from geo.regions import district_areas, label_points

SCHEMES = ["quantiles", "natural_breaks", "equal_interval", "user_defined"]
BREAKS = {"city": [5.0, 20.0, 60.0], "district": [2.0, 8.0, 30.0]}


def _values(areas: gpd.GeoDataFrame, seed: int) -> pd.Series:
    """Skewed counts like firms per area, some areas without data."""
    rng = np.random.default_rng(seed)
    v = np.floor(rng.lognormal(1.6, 1.2, len(areas)))
    v[rng.choice(len(areas), 2, replace=False)] = np.nan
    return pd.Series(v, index=areas["adcode"].astype(str).to_numpy())


@pytest.fixture(scope="module")
def views(regions, districts) -> dict[str, tuple[gpd.GeoDataFrame, pd.Series]]:
    units = district_areas(districts, regions)
    return {"city": (regions, _values(regions, 1)), "district": (units, _values(units, 2))}


def _map_legend(areas: gpd.GeoDataFrame, values: pd.Series, scheme: str, level: str
                ) -> list[tuple[str, str]]:
    """(colour, label) of every legend row of the web map's choropleth."""
    frame = areas.assign(v=areas["adcode"].astype(str).map(values).to_numpy())
    layer = maps.choropleth_layer(frame, "v", scheme=scheme, k=5, breaks=BREAKS[level],
                                  legend_title="企业数", unit="家")
    legend = _legend_payload(_render(layer))
    rows = re.findall(r'--c:(#[0-9a-fA-F]{6});"></i><span>([^<]*)</span>', legend)
    return [(c.lower(), htmllib.unescape(label)) for c, label in rows]


def _render(layer: folium.Element) -> str:
    m = folium.Map(tiles=None)
    layer.add_to(m)
    return render_html(m)


def _legend_payload(html: str) -> str:
    m = re.search(r"L\.atlas\.legend\(", html)
    assert m, "no legend on the map"
    value, _ = json.JSONDecoder().raw_decode(html, m.end())
    return value


@pytest.mark.parametrize("level", ["city", "district"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_map_legend_is_the_symbology(views, level, scheme):
    areas, values = views[level]
    classes = sym.classify(values, scheme, 5, BREAKS[level])
    expected = [(r.color.lower(), r.label) for r in sym.legend_rows(classes, "zh")]
    assert _map_legend(areas, values, scheme, level) == expected
    assert classes.n_missing == 2 and expected[-1][1] == "无数据（2）"


@pytest.mark.parametrize("level", ["city", "district"])
@pytest.mark.parametrize("scheme", SCHEMES)
def test_map_and_figure_carry_the_same_breaks_labels_and_colours(views, regions, level,
                                                                 scheme):
    areas, values = views[level]
    map_rows = _map_legend(areas, values, scheme, level)
    svg = render_figure(areas, regions=regions, values=values, metric_label="企业数",
                        unit="家", scheme=scheme, k=5, breaks=BREAKS[level], fmt="svg",
                        width_px=800).decode("utf-8")
    texts = [htmllib.unescape(t) for t in re.findall(r">([^<>]+)</text>", svg)]
    fills = {c.lower() for c in re.findall(r"fill(?::\s*|=\")(#[0-9a-fA-F]{6})", svg)}
    for colour, label in map_rows:
        assert label in texts, label
        assert colour in fills, (label, colour)


def test_two_renders_of_the_same_view_are_identical(views, regions):
    areas, values = views["district"]
    for scheme in SCHEMES:
        assert _map_legend(areas, values, scheme, "district") == \
            _map_legend(areas, values, scheme, "district")
    kwargs = {"regions": regions, "values": values, "scheme": "natural_breaks",
              "fmt": "svg", "width_px": 800}
    assert render_figure(areas, **kwargs) == render_figure(areas, **kwargs)


def test_natural_breaks_are_the_same_on_every_run(views):
    _, values = views["district"]
    runs = {sym.classify(values, "natural_breaks", 6).upper for _ in range(10)}
    assert len(runs) == 1


@pytest.mark.parametrize(("breaks", "match"), [
    (None, "needs breaks"), ([], "needs breaks"), ([5, 3], "ascending"),
    ([1, float("nan")], "finite"), (["a", 2], "numbers"),
])
def test_bad_user_breaks_raise_breaks_error(breaks, match):
    with pytest.raises(sym.BreaksError, match=match):
        sym.classify(pd.Series([1.0, 2.0, 3.0]), "user_defined", breaks=breaks)
    assert issubclass(sym.BreaksError, ValueError)


def test_parse_breaks_accepts_full_width_commas_and_names_bad_text():
    assert sym.parse_breaks(" 10，50, 100 ") == (10.0, 50.0, 100.0)
    with pytest.raises(sym.BreaksError, match="'10, x'"):
        sym.parse_breaks("10, x")


def test_all_missing_is_no_classes_and_one_no_data_row():
    c = sym.classify(pd.Series([np.nan, np.nan]), "quantiles")
    assert c.k == 0 and [r.kind for r in sym.legend_rows(c, "en")] == ["nodata"]


def test_label_anchors_are_inside_and_shared_with_the_registry(regions):
    lon, lat = sym.label_anchors(regions.geometry.to_numpy())
    assert all(g.contains(shapely.Point(x, y))
               for g, x, y in zip(regions.geometry, lon, lat, strict=True))
    pts = label_points(regions)  # where firms known only to their city are placed
    np.testing.assert_array_equal(pts["lon"].to_numpy(), lon)
    html = _render(maps.city_labels(regions, "zh"))
    m = re.search(r"L\.atlas\.labels\(", html)
    data, _ = json.JSONDecoder().raw_decode(html, m.end())
    np.testing.assert_allclose(data["lon"], lon, atol=1e-5)
    assert data["name"][0] == "广州" and sym.area_names(regions, "en")[0] == "Guangzhou"


def test_layout_legend_rows_on_the_map_are_the_symbology(regions):
    html = _render(maps.layout_layer(regions, "zh"))
    legend = json.dumps(html, ensure_ascii=False)
    for row in sym.layout_rows("zh"):
        assert row.label in htmllib.unescape(legend)
        assert row.color in html
