"""The chain briefing figure: formats, labels, the sample note, a city's outlines."""

from __future__ import annotations

import pandas as pd
import pytest

from geo import chain
from geo.figures import render_chain_figure
from geo.provenance import SAMPLE_MARK


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["a", "b", "c"], "city_adcode": ["440300", "440300", "440100"],
        "lon": [114.0, 114.05, 113.3], "lat": [22.6, 22.7, 23.1],
        "products": ["fiber_laser", "laser_equipment", "galvo_scanner"],
        "revenue_10k_cny": [20_000.0, None, 1_000.0], "sample": [True, False, False],
    })


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_svg_names_parts_counts_notes_and_the_plan(lang):
    frame = _frame()
    health = chain.chain_health(frame)
    svg = render_chain_figure(health, lang=lang, fmt="svg", width_px=1200, data_date="2019",
                              data_version="v1", sample_rows=1).decode("utf-8")
    assert chain.PARTS["galvo_scanner"].label(lang) in svg
    assert chain.STATUSES["missing"].label(lang) in svg  # the legend
    assert SAMPLE_MARK[lang] in svg  # sample rows in view: said on the figure
    assert ("2.0 亿元" if lang == "zh" else "2.0 ¥100 m") in svg  # fibre laser revenue
    assert "v1" in svg and "2019" in svg
    clean = render_chain_figure(health, lang=lang, fmt="svg", width_px=1200).decode("utf-8")
    assert SAMPLE_MARK[lang] not in clean


def test_city_figure_outlines_what_it_has_and_lacks():
    frame = _frame()
    city = chain.city_chain(frame, "440300", (114.05, 22.7))
    svg = render_chain_figure(chain.chain_health(frame), city=city, fmt="svg",
                              width_px=1200).decode("utf-8")
    assert "深圳市" in svg and "本市缺、本市企业需要" in svg
    assert "stroke-dasharray" in svg  # the dashed outlines of the missing inputs


def test_formats_and_bad_input():
    health = chain.chain_health(_frame())
    assert render_chain_figure(health, fmt="pdf", width_px=600)[:4] == b"%PDF"
    assert render_chain_figure(health, fmt="png", width_px=600)[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="format"):
        render_chain_figure(health, fmt="gif")
    with pytest.raises(ValueError, match="lang"):
        render_chain_figure(health, lang="fr")
