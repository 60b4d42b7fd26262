"""Every export says what data it shows: the sample-data line exactly when sample rows are in
view, and always the data version. Exercised through the UI's own export functions
(ui.mapview), for PNG, SVG, PDF and the offline HTML, and the Overview figure's content."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from geo import provenance, registry
from geo.filters import Filters
from geo.metrics import get_metric
from ui import data, mapview
from ui.shell import PageContext

VERSION = "v7 · 2026-11-30 09:30 UTC · alice · firms.xlsx"
MARK = provenance.SAMPLE_MARK


@pytest.fixture(scope="module")
def firms():
    return registry.load_enterprises()


def _ctx(firms, lang: str, sample: bool) -> PageContext:
    frame = firms if sample else firms[~firms["sample"].astype(bool)]
    assert bool(frame["sample"].astype(bool).any()) is sample
    dataset = data.Dataset("v7", VERSION, frame)
    return PageContext(lang, Filters(), dataset, frame, False)


def _overview(ctx: PageContext) -> mapview.MapSpec:
    return mapview.MapSpec(layout=True, enterprises=ctx.frame, sites=data.load_sites())


def _text(fmt: str, blob: bytes) -> str:
    """The words a reader (or a search) finds in an exported file."""
    if fmt == "svg" or fmt == "html":
        return blob.decode("utf-8")
    if fmt == "png":  # the visible line is pixels: read the file's description instead
        return str(Image.open(io.BytesIO(blob)).info.get("Description", ""))
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(["pdftotext", "-", "-"], input=blob, capture_output=True,
                          check=True)
    return re.sub(r"\s+", "", done.stdout.decode("utf-8"))


@pytest.mark.parametrize("sample", [True, False])
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_exports_carry_the_sample_note_exactly_when_sample_rows_are_in_view(firms, fmt,
                                                                           sample):
    lang = "zh"
    ctx = _ctx(firms, lang, sample)
    opts = mapview.MapOptions()
    spec = _overview(ctx)
    blob = (mapview._interactive_html(ctx, spec, opts) if fmt == "html"
            else mapview._figure(ctx, spec, opts, fmt))
    text = _text(fmt, blob)
    assert (MARK[lang] in text) is sample
    version = provenance.version_note(lang, VERSION)
    assert (re.sub(r"\s+", "", version) if fmt == "pdf" else version) in text


def test_choropleth_figure_in_english_names_version_and_sample(firms, regions):
    ctx = _ctx(firms, "en", True)
    spec = get_metric("enterprises")
    areas = regions.assign(**{spec.column: range(len(regions))})
    svg = mapview._figure(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec)),
                          mapview.MapOptions(), "svg").decode("utf-8")
    assert MARK["en"] in svg and "Data version: v7" in svg


def test_overview_svg_names_every_zone_the_corridor_and_the_laser_valley(firms):
    from geo.layout import CORRIDOR_LABEL, ZONES

    ctx = _ctx(firms, "zh", True)
    svg = mapview._figure(ctx, _overview(ctx), mapview.MapOptions(), "svg").decode("utf-8")
    texts = re.findall(r">([^<>]+)</text>", svg)  # svg.fonttype "none": text stays text
    for term in ZONES.values():
        assert term.zh in texts
    assert CORRIDOR_LABEL.zh in texts
    # 深圳激光谷 is named on the map besides the numbered list (its halo is a path)
    assert texts.count("深圳激光谷") == 2


def test_file_names_say_page_view_language_and_date():
    zh = provenance.export_name("overview", "layout", "zh", "png", "2026-12-01")
    en = provenance.export_name("overview", "layout", "en", "png", "2026-12-01")
    assert zh != en and zh == "gd-laser_overview_layout_zh_2026-12-01.png"
    spec = get_metric("enterprises")
    view = mapview._view_name(mapview.MapSpec(choropleth=mapview.Choropleth(
        None, spec, "district")))  # type: ignore[arg-type]
    assert view == "enterprises-district"
