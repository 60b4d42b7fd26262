"""The chain briefing figure: formats, labels, the sample note, a city's outlines."""

from __future__ import annotations

import matplotlib as mpl
import pandas as pd
import pytest

from geo import chain
from geo.figures import render_chain_figure
from geo.layout import SEGMENTS
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
    # fibre laser revenue, 20,000 万元, as the chain page says it (not "0.2 ¥100 m")
    assert ("2.0 亿元" if lang == "zh" else "¥0.20 bn") in svg
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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headings_and_part_names_stay_inside_their_column_and_box(lang):
    """EN names ran out of their boxes ("Precision laser processing equipment") and the
    headings into each other ("High-end equipment & systems" over "Application technology
    & services", past the page's edge)."""
    from geo.figures import figure_rc
    from geo.figures.chain import BOX_GID, HEAD_GID, build_chain_figure

    with mpl.rc_context(figure_rc()):
        fig = build_chain_figure(chain.chain_health(_frame()), lang=lang, width_px=1200)
        fig.canvas.draw()
    ax = fig.axes[0]
    column = ax.transData.transform((1, 0))[0] - ax.transData.transform((0, 0))[0]
    heads = [x for x in ax.texts if str(x.get_gid()).startswith(HEAD_GID)]
    names = [x for x in ax.texts if str(x.get_gid()).startswith(BOX_GID)]
    assert len(heads) == len(SEGMENTS) and len(names) == len(chain.PARTS)
    for text, room in [(x, column * 0.94) for x in heads] + [(x, column * 0.84) for x in names]:
        assert text.get_window_extent().width <= room + 0.5, text.get_text()
    boxes = [x.get_window_extent() for x in heads]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert all(fig.bbox.contains(b.x0, b.y0) and fig.bbox.contains(b.x1, b.y1) for b in boxes)
