"""Briefing figures: size, content, fonts, layout, classification and the render CLI."""

from __future__ import annotations

import io
import re
import threading
import warnings

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image
from pyproj import Transformer

from geo import figures, fonts
from geo.cli.render import cli
from geo.figures import (
    FigureError,
    build_figure,
    figure_rc,
    render_figure,
)
from geo.layout import CITIES
from geo.regions import DEFAULT_BOUNDS, DONGSHA_BOX, EQUAL_AREA_CRS, district_areas
from geo.symbology import classify

CJK = re.compile(r"[\u4e00-\u9fff]")
TITLE = "广东省测试专题图"
WIDTH = 800


@pytest.fixture(scope="module")
def firms() -> gpd.GeoDataFrame:
    """Eight firms in four cities, one per tier and some without revenue."""
    rows = [
        ("f1", 113.93, 22.55, "440300", 150_000.0),  # 深圳, ≥ 10 亿
        ("f2", 113.88, 22.60, "440300", 20_000.0),
        ("f3", 113.30, 23.12, "440100", 5_000.0),
        ("f4", 113.25, 23.15, "440100", 500.0),
        ("f5", 113.75, 23.02, "441900", np.nan),
        ("f6", 116.68, 23.36, "440500", 1_200.0),
        ("f7", 113.12, 23.02, "440600", 80.0),
        ("f8", np.nan, np.nan, "", 100.0),  # no coordinates: skipped, not drawn
    ]
    df = pd.DataFrame(rows, columns=["id", "lon", "lat", "city_adcode", "revenue_10k_cny"])
    df["name_zh"] = [f"企业{i}" for i in range(len(df))]
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")


@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    df = pd.DataFrame({
        "id": ["s1", "s2", "s3"], "kind": ["park", "platform", "facility"],
        "status": ["operating", "planned", "building"],
        "lon": [113.45, 113.88, 113.92], "lat": [23.15, 22.90, 22.78],
    })
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df.lon, df.lat), crs="EPSG:4326")


@pytest.fixture(scope="module")
def land(regions: gpd.GeoDataFrame) -> pd.Series:
    """A metric known without the code under test: land area per city (km²)."""
    return regions.set_index("adcode")["land_area_km2"]


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def _svg_texts(svg: str) -> list[str]:
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _figure(regions: gpd.GeoDataFrame, **kwargs: object) -> mpl.figure.Figure:
    with mpl.rc_context(figure_rc()):
        fig = build_figure(regions, width_px=WIDTH, **kwargs)
        fig.canvas.draw()
    return fig


# ---------------------------------------------------------------------------------------
# PNG: size and content
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("width", "aspect", "height"), [
    (WIDTH, "16:9", 450), (WIDTH, "4:3", 600), (1001, "16:9", 563), (777, "4:3", 583),
])
def test_png_has_the_requested_size(regions, land, width, aspect, height):
    data = render_figure(regions, values=land, width_px=width, aspect=aspect)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(data)).size == (width, height)


def test_png_default_width_is_3000_px(regions, land):
    data = render_figure(regions, values=land)
    assert Image.open(io.BytesIO(data)).size == (3000, 1688)  # 3000 × 9 / 16 = 1687.5


def test_png_is_a_map_not_a_blank_page(regions, land, firms, sites):
    data = render_figure(regions, values=land, enterprises=firms, sites=sites, width_px=WIDTH)
    px = _png(data)
    non_white = (px < 245).any(axis=2).mean()
    colours = len(np.unique(px.reshape(-1, 3), axis=0))
    assert px.std() > 30
    assert colours > 200
    # The province fills a good part of the page, but not all of it (margins, legend).
    assert 0.2 < non_white < 0.75


def test_png_shows_every_class_colour(regions, land):
    data = render_figure(regions, values=land, scheme="quantiles", k=5, width_px=WIDTH)
    px = _png(data).reshape(-1, 3)
    classes = classify(land, "quantiles", 5)
    for colour in classes.colors:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(px.astype(int) - rgb).sum(axis=1) <= 3).sum() > 100, colour


def test_rendering_is_deterministic(regions, land, firms):
    a = render_figure(regions, values=land, enterprises=firms, width_px=300)
    b = render_figure(regions, values=land, enterprises=firms, width_px=300)
    assert a == b


def test_concurrent_renders_do_not_interfere(regions, land):
    """rcParams are global: renders from threads (as Streamlit runs them) stay correct."""
    serial = {fmt: render_figure(regions, values=land, fmt=fmt, width_px=300, title=TITLE)
              for fmt in ("png", "svg")}
    out: dict[str, bytes] = {}

    def run(fmt: str) -> None:
        out[fmt] = render_figure(regions, values=land, fmt=fmt, width_px=300, title=TITLE)

    threads = [threading.Thread(target=run, args=(f,)) for f in ("png", "svg")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == serial


# ---------------------------------------------------------------------------------------
# SVG / PDF: title, legend entries, fonts
# ---------------------------------------------------------------------------------------
def _expected_labels(values: pd.Series, upper: list[float], decimals: int) -> list[str]:
    lower = [float(values.min()), *upper[:-1]]
    return [f"{lo:,.{decimals}f} – {hi:,.{decimals}f}" for lo, hi in zip(lower, upper,
                                                                         strict=True)]


def test_svg_has_title_and_one_legend_entry_per_class(regions, land):
    svg = render_figure(regions, values=land, metric_label="土地面积", unit="平方公里",
                        scheme="user_defined", breaks=[2_000, 5_000, 10_000], title=TITLE,
                        fmt="svg", width_px=WIDTH).decode("utf-8")
    texts = _svg_texts(svg)
    assert TITLE in texts
    # Limits computed here from the data: min, the breaks, and the max as the last class.
    upper = [2_000, 5_000, 10_000, float(land.max())]
    counts = np.bincount(np.searchsorted(upper, land.to_numpy(), side="left"), minlength=4)
    expected = _expected_labels(land, upper, 1)
    for label, n in zip(expected, counts, strict=True):
        assert texts.count(f"{label}（{n}）") == 1, label
    assert "土地面积（平方公里）" in texts


def test_svg_quantile_legend_matches_numpy_quantiles(regions, land):
    svg = render_figure(regions, values=land, scheme="quantiles", k=4, fmt="svg",
                        width_px=WIDTH).decode("utf-8")
    upper = np.quantile(land.to_numpy(), [0.25, 0.5, 0.75, 1.0]).tolist()
    texts = _svg_texts(svg)
    for label in _expected_labels(land, upper, 1):
        assert any(t.startswith(label + "（") for t in texts), label


def test_svg_keeps_text_as_text_in_the_cjk_family(regions, land):
    svg = render_figure(regions, values=land, title=TITLE, fmt="svg",
                        width_px=WIDTH).decode("utf-8")
    cjk_styles = re.findall(r'<text[^>]*style="([^"]*)"[^>]*>[^<]*[\u4e00-\u9fff]', svg)
    assert cjk_styles
    assert all("Noto Sans CJK" in style for style in cjk_styles)
    # City labels stay text too (their halo is drawn separately).
    texts = _svg_texts(svg)
    assert {c.name_zh.removesuffix("市") for c in CITIES} <= set(texts)


def test_pdf_embeds_the_cjk_font(regions, land):
    pdf = render_figure(regions, values=land, title=TITLE, fmt="pdf", width_px=WIDTH)
    assert pdf.startswith(b"%PDF")
    base_fonts = set(re.findall(rb"/BaseFont /([A-Za-z0-9+_-]+)", pdf))
    assert any(b"NotoSansCJK" in f for f in base_fonts), base_fonts
    assert b"/FontFile" in pdf or b"/CharProcs" in pdf  # embedded (Type 42 or Type 3)


def test_chinese_text_is_drawn_with_a_font_that_has_its_glyphs(regions, land, firms):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = _figure(regions, values=land, enterprises=firms, metric_label="土地面积",
                      unit="平方公里", subtitle="全省；示例")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    texts = [t for t in fig.findobj(Text) if CJK.search(t.get_text())]
    assert len(texts) > 25  # title, legend, 21 city labels, furniture
    for text in texts:
        path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
        assert "NotoSansCJK" in str(path) or "NotoSerifCJK" in str(path), path
        cmap = FT2Font(path, face_index=getattr(path, "face_index", 0)).get_charmap()
        missing = [ch for ch in text.get_text() if CJK.match(ch) and ord(ch) not in cmap]
        assert not missing, (text.get_text(), missing)


def test_cjk_font_path_points_to_a_font_file():
    path = fonts.cjk_font_path()
    assert path.is_file()
    assert path.suffix.lower() in {".ttc", ".otf", ".ttf"}


# ---------------------------------------------------------------------------------------
# Layout: extent, inset, labels, legend
# ---------------------------------------------------------------------------------------
def _proj_bounds() -> tuple[float, float, float, float]:
    tr = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    return tr.transform_bounds(*DEFAULT_BOUNDS, densify_pts=41)


def test_main_extent_is_the_mainland_and_dongsha_is_an_inset(regions, land):
    fig = _figure(regions, values=land)
    main, inset = fig.axes
    x0, y0, x1, y1 = _proj_bounds()
    assert main.get_xlim() == pytest.approx((x0, x1))
    assert main.get_ylim() == pytest.approx((y0, y1))
    tr = Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
    ix, iy = inset.get_xlim(), inset.get_ylim()
    # 东沙岛 and its atoll, and the 北卫滩 / 南卫滩 banks west of it, are all in the inset.
    for lon, lat in [(116.72, 20.70), (116.85, 20.69), (115.96, 20.96), (116.00, 21.08)]:
        x, y = tr.transform(lon, lat)
        assert ix[0] < x < ix[1] and iy[0] < y < iy[1], (lon, lat)
    # The inset is a zoom: a much smaller span than the main map, and labelled.
    assert (ix[1] - ix[0]) < (x1 - x0) / 4
    assert "东沙群岛" in [t.get_text() for t in inset.texts]


def _city_labels(fig: mpl.figure.Figure, names: set[str]) -> list[Text]:
    main = fig.axes[0]
    return [t for t in main.texts if t.get_text() in names and t.get_color() != "white"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_labels_do_not_collide(regions, land, lang):
    fig = _figure(regions, values=land, lang=lang)
    names = {c.name_en for c in CITIES} if lang == "en" else {
        c.name_zh.removesuffix("市") for c in CITIES}
    labels = _city_labels(fig, names)
    assert len(labels) == 21
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
def test_legend_does_not_cover_the_land(regions, land, firms, sites, aspect):
    fig = _figure(regions, values=land, enterprises=firms, sites=sites, aspect=aspect,
                  metric_label="土地面积", unit="平方公里")
    main = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    legends = [a for a in fig.artists if isinstance(a, mpl.offsetbox.AnchoredOffsetbox)]
    assert len(legends) == 1
    box = legends[0].get_window_extent(renderer)
    (x0, y0), (x1, y1) = main.transData.inverted().transform([[box.x0, box.y0],
                                                               [box.x1, box.y1]])
    land_poly = shapely.union_all(regions.to_crs(EQUAL_AREA_CRS).geometry.to_numpy())
    assert shapely.box(x0, y0, x1, y1).intersection(land_poly).area == 0.0
    # Nor does the 东沙 inset cover the mainland (it sits in the sea, over 东沙 itself).
    inset = fig.axes[1].get_window_extent(renderer)
    (x0, y0), (x1, y1) = main.transData.inverted().transform([[inset.x0, inset.y0],
                                                               [inset.x1, inset.y1]])
    mainland = land_poly.difference(
        shapely.box(*Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
                    .transform_bounds(*DONGSHA_BOX)))
    assert shapely.box(x0, y0, x1, y1).intersection(mainland).area == 0.0


def test_district_level_uses_city_outlines_and_labels(regions, districts):
    areas = district_areas(districts, regions)
    assert len(areas) == len(districts) + 2  # 东莞 and 中山 as their own units
    values = pd.Series(np.arange(len(areas), dtype=float), index=areas["adcode"])
    svg = render_figure(areas, regions=regions, values=values, metric_label="测试",
                        fmt="svg", width_px=WIDTH).decode("utf-8")
    texts = _svg_texts(svg)
    assert "县级行政区界" in texts
    assert "广州" in texts and "天河区" not in texts  # labels are the cities'


# ---------------------------------------------------------------------------------------
# Classification and validation
# ---------------------------------------------------------------------------------------
def test_integer_classes_are_labelled_with_the_integers_they_hold():
    values = pd.Series([0, 1, 2, 3, 4, 10, 20, 30])
    c = classify(values, "user_defined", breaks=[3, 10])
    # 0..3, then 4..10 (not "3 – 10": 3 is in the first class), then 11..30.
    assert c.labels == ("0 – 3", "4 – 10", "11 – 30")
    assert c.index.tolist() == [0, 0, 0, 0, 1, 1, 2, 2]


def test_missing_values_are_no_data(regions, land):
    values = land.copy()
    values.iloc[:3] = np.nan
    c = classify(values, "equal_interval", k=3)
    assert (c.index.iloc[:3] == -1).all() and (c.index.iloc[3:] >= 0).all()
    svg = render_figure(regions, values=values, fmt="svg", width_px=WIDTH).decode("utf-8")
    assert "无数据（3）" in _svg_texts(svg)


def test_natural_breaks_are_deterministic(land):
    a = classify(land, "natural_breaks", k=4)
    b = classify(land, "natural_breaks", k=4)
    assert a.upper == b.upper and len(a.upper) == 4


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"scheme": "jenkins"}, "unknown classification scheme"),
    ({"k": 1}, "k must be"),
    ({"k": 12}, "k must be"),
    ({"scheme": "user_defined"}, "needs breaks"),
    ({"scheme": "user_defined", "breaks": [5, 3]}, "ascending"),
    ({"lang": "fr"}, "unknown lang"),
    ({"aspect": "1:1"}, "unknown aspect"),
    ({"fmt": "jpg"}, "unknown format"),
    ({"width_px": 50}, "width_px"),
])
def test_bad_arguments_are_named(regions, land, kwargs, match):
    with pytest.raises(ValueError, match=match):
        render_figure(regions, values=land, **{"width_px": 400, **kwargs})


def test_values_for_another_level_are_rejected(regions):
    values = pd.Series([1.0, 2.0], index=["440103", "440104"])  # district adcodes
    with pytest.raises(FigureError, match="match none"):
        render_figure(regions, values=values, width_px=400)


def test_areas_without_crs_are_rejected(regions, land):
    naked = gpd.GeoDataFrame(regions.drop(columns="geometry"), geometry=regions.geometry.values)
    naked = naked.set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="no CRS"):
        render_figure(naked, values=land, width_px=400)


def test_user_text_is_escaped_and_never_parsed_as_math(regions, land):
    title = "<script>alert(1)</script> 营收 $5$ & 10%"
    svg = render_figure(regions, values=land, title=title, subtitle="a_b^c", fmt="svg",
                        width_px=WIDTH).decode("utf-8")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 营收 $5$ &amp; 10%" in svg
    assert "a_b^c" in _svg_texts(svg)


def test_figure_without_values_has_no_class_legend(regions, firms):
    svg = render_figure(regions, enterprises=firms, fmt="svg", width_px=WIDTH,
                        lang="en").decode("utf-8")
    texts = _svg_texts(svg)
    assert "Enterprises by revenue" in texts
    assert not any(t.startswith("Classes:") for t in texts)
    assert "7 firms" in texts  # the firm without coordinates is not drawn


# ---------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------
def test_cli_writes_a_figure(tmp_path, capsys):
    out = tmp_path / "brief.png"
    assert cli(["--width", "600", "--out", str(out)]) == 0
    assert Image.open(out).size == (600, 338)
    assert "wrote" in capsys.readouterr().out


def test_cli_writes_svg_for_district_level(tmp_path):
    out = tmp_path / "brief.svg"
    code = cli(["--level", "district", "--metric", "enterprises", "--lang", "en",
                "--title", "Briefing map", "--out", str(out)])
    assert code == 0
    assert "Briefing map" in _svg_texts(out.read_text(encoding="utf-8"))


def test_cli_footer_dates_the_data_from_the_registry(tmp_path):
    # without --data-date the footer names the years of the registry's revenue figures
    # (the dashboard's own data date), never "not stated"
    from geo.provenance import data_date
    from geo.registry import load_enterprises

    years = data_date(load_enterprises())
    assert years != "–"
    out = tmp_path / "brief.svg"
    assert cli(["--metric", "enterprises", "--lang", "en", "--out", str(out)]) == 0
    footer = " ".join(_svg_texts(out.read_text(encoding="utf-8")))
    assert years in footer and "not stated" not in footer
    assert cli(["--metric", "enterprises", "--lang", "en", "--data-date", "2024-06",
                "--out", str(out)]) == 0
    assert "2024-06" in " ".join(_svg_texts(out.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("argv", "message"), [
    (["--metric", "nope", "--out", "{tmp}/a.png"], "unknown metric 'nope'; valid metrics:"),
    (["--out", "{tmp}/a.jpg"], "unknown output format '.jpg'"),
    (["--out", "{tmp}/missing/a.png"], "output directory does not exist"),
    (["--enterprises", "{tmp}/none.csv", "--out", "{tmp}/a.png"], "file not found"),
    (["--scheme", "user_defined", "--out", "{tmp}/a.png"], "needs --breaks"),
    ([], "--out"),
])
def test_cli_usage_errors_exit_2_with_one_line(tmp_path, capsys, argv, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert cli(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not list(tmp_path.glob("a.*"))


def test_cli_lists_valid_metrics(tmp_path, capsys):
    cli(["--metric", "nope", "--out", str(tmp_path / "a.png")])
    assert "enterprises" in capsys.readouterr().err


def test_cli_bad_registry_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "firms.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert cli(["--enterprises", str(bad), "--out", str(tmp_path / "a.png")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_symbols_match_the_web_map():
    """Firms and sites look the same on paper as on screen (geo.maps, issue 5)."""
    style = pytest.importorskip("geo.maps._style")
    assert [c for c, _, _ in figures.TIER_STYLE.values()] == list(style.TIER_COLORS)
    assert list(figures.TIER_STYLE) == list(style.TIER_ORDER)
    assert figures.SITE_COLORS == style.SITE_COLORS


def test_module_entry_point_dispatches_render(tmp_path):
    from geo.__main__ import main

    assert main(["render", "--out", str(tmp_path / "x.gif")]) == 2
    assert figures.FORMATS == ("png", "svg", "pdf")


@pytest.fixture(scope="module")
def overview_inputs() -> dict[str, object]:
    """The bundled registry and sites, as ``python -m geo render`` draws them."""
    from geo import registry
    return {"enterprises": registry.load_enterprises(), "sites": registry.load_sites()}


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_labels_overlap_no_label_symbol_or_key_box(regions, overview_inputs, lang,
                                                            aspect):
    fig = _figure(regions, layout=True, lang=lang, aspect=aspect, **overview_inputs)
    renderer = fig.canvas.get_renderer()
    main = fig.axes[0]
    labels = [t for t in main.texts if str(t.get_gid()).startswith(figures.LABEL_GID)]
    texts = {t.get_text() for t in labels}
    assert {"深圳激光谷" if lang == "zh" else "Shenzhen Laser Valley", "13"} <= texts
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in labels]
    for i, (name_a, a) in enumerate(boxes):
        for name_b, b in boxes[i + 1:]:
            assert not a.overlaps(b), f"{name_a!r} overlaps {name_b!r}"
    callouts = [a.get_window_extent(renderer) for a in main.artists
                if isinstance(a, mpl.offsetbox.AnchoredOffsetbox)]  # the numbered sites
    keys = [a.get_window_extent(renderer) for a in fig.artists
            if isinstance(a, mpl.offsetbox.AnchoredOffsetbox)]  # the legend
    keys += [ax.get_window_extent(renderer) for ax in fig.axes[1:]]  # the 东沙 inset
    keys += callouts
    assert len(keys) == 3
    # the boxes on the map sit on the sea: none covers the mainland
    mainland = shapely.union_all(regions.to_crs(EQUAL_AREA_CRS).geometry.to_numpy()).difference(
        shapely.box(*Transformer.from_crs("EPSG:4326", EQUAL_AREA_CRS, always_xy=True)
                    .transform_bounds(*DONGSHA_BOX)))
    for key in keys[1:]:
        (x0, y0), (x1, y1) = main.transData.inverted().transform([[key.x0, key.y0],
                                                                   [key.x1, key.y1]])
        assert shapely.box(x0, y0, x1, y1).intersection(mainland).area == 0.0
    for name, box in boxes:
        assert not any(box.overlaps(k) for k in keys), f"{name!r} is under a key box"
        assert main.bbox.contains(box.x0, box.y0) and main.bbox.contains(box.x1, box.y1)
    # no label hides a site symbol: every site marker's centre is clear of every label
    site_xy = np.vstack([c.get_offsets() for c in main.collections
                         if c.get_zorder() == 6 and len(c.get_offsets())])
    for px, py in main.transData.transform(site_xy):
        assert not any(b.contains(px, py) for _, b in boxes)


def _gap(a: object, b: object) -> float:
    """The distance between two display boxes (0 when they touch or overlap)."""
    dx = max(b.x0 - a.x1, a.x0 - b.x1, 0.0)
    dy = max(b.y0 - a.y1, a.y0 - b.y1, 0.0)
    return float(np.hypot(dx, dy))


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_site_numbers_keep_a_gap_to_each_other_and_to_names(regions, overview_inputs, lang,
                                                            aspect):
    """Two site numbers side by side read as one ("1" next to "9" reads "19", EN 16:9 near
    深圳): every number keeps :data:`figures.labels.NUMBER_GAP_PT` clear of every other label
    (a number against a name, "佛山7", misreads the same way)."""
    fig = _figure(regions, layout=True, lang=lang, aspect=aspect, **overview_inputs)
    renderer = fig.canvas.get_renderer()
    labels = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.axes[0].texts
              if str(t.get_gid()).startswith(figures.LABEL_GID)]
    numbers = [(s, b) for s, b in labels if s.isdigit()]
    assert [s for s, _ in numbers] == [str(i + 1) for i in range(len(numbers))]
    assert len(numbers) >= 13
    min_px = figures.labels.NUMBER_GAP_PT * fig.dpi / 72
    for num, box in numbers:
        for other, obox in labels:
            if other != num:
                assert _gap(box, obox) >= min_px, f"{num!r} touches {other!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_figure_names_the_bundled_data_as_the_app_does(tmp_path, lang):
    """A slide made with ``python -m geo render`` and one downloaded from the app name the
    same data version in the same words."""
    from geo import provenance
    from geo.text import t

    out = tmp_path / "overview.svg"
    assert cli(["--lang", lang, "--out", str(out)]) == 0
    texts = _svg_texts(out.read_text(encoding="utf-8"))
    assert provenance.version_note(lang, t("bundled", lang)) in texts


def _label_distances(fig: mpl.figure.Figure, regions: gpd.GeoDataFrame, lang: str
                     ) -> dict[str, tuple[float, bool]]:
    """Each city label: how far (points) its box centre lies from its city's point, and
    whether that centre lies inside the city."""
    main = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    homes = regions.to_crs(EQUAL_AREA_CRS).set_index(regions["adcode"].astype(str)).geometry
    name = {c.adcode: (c.name_en if lang == "en" else c.name_zh.removesuffix("市"))
            for c in CITIES}
    home_of = {name[a]: homes[a] for a in homes.index}
    out = {}
    for t in main.texts:
        if not str(t.get_gid()).startswith(figures.LABEL_GID) or t.get_text() not in home_of:
            continue
        box = t.get_window_extent(renderer)
        centre = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
        anchor = main.transData.transform(t.xy)
        dist = float(np.hypot(*(np.subtract(centre, anchor)))) * 72 / fig.dpi
        inside = home_of[t.get_text()].contains(
            shapely.Point(main.transData.inverted().transform(centre)))
        out[t.get_text()] = (dist, bool(inside))
    return out


@pytest.mark.parametrize("aspect", ["16:9", "4:3"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("layout", [True, False], ids=["overview", "choropleth"])
def test_city_labels_stay_near_or_inside_their_city(regions, land, overview_inputs, lang,
                                                    aspect, layout):
    """A city name pushed far from its city reads as another place (东莞 drawn 46 pt north,
    above 广州, read as "north of 广州"): each sits within 30 pt of its point or inside its
    city (over site symbols, with its halo, where the Delta has no clear spot)."""
    values = None if layout else land
    fig = _figure(regions, layout=layout, values=values, lang=lang, aspect=aspect,
                  **overview_inputs)
    dist = _label_distances(fig, regions, lang)
    assert len(dist) == 21
    far = {n: round(d) for n, (d, inside) in dist.items() if d > 30 and not inside}
    assert not far, far
