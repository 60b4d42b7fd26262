"""The Chain page in a browser: clicking a part in the diagram (its box or its text) selects
it, mirrored in the URL; every name and heading of the diagram is drawn whole, inside its
box or column."""

from __future__ import annotations

import harness
import pytest

from geo import chain
from ui.chainview import box_name

pytestmark = pytest.mark.e2e


def test_clicking_a_box_of_the_diagram_selects_the_part(view):
    view.open("chain", lang="en")
    chart = harness.widget(view.page, "chain_diagram")
    # the part's name in its box (a click on the text must select, as on the box)
    chart.locator('[aria-roledescription="text mark"][aria-label*="label: Product design;"]'
                  ).first.click()
    view.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('part') === 'product_design'")
    harness.wait_idle(view.page)
    # the part's producers are listed under the map
    view.page.get_by_text("Product design:", exact=False).first.wait_for()
    assert view.problems() == [], "\n".join(view.problems())


#: the diagram's texts (part names, counts, revenue) and column headings as drawn, and the
#: width of a box (Vega's SVG renderer: a cut text ends in "…")
DRAWN = """(el) => {
  const svg = el.querySelector('svg.marks');
  const size = (t) => [t.textContent, t.getBBox().width];
  return {
    box: svg.querySelector('path[aria-roledescription="rect mark"]').getBBox().width,
    texts: [...svg.querySelectorAll('text[aria-roledescription="text mark"]')].map(size),
    heads: [...svg.querySelectorAll('.role-axis-label text')].map(size),
  };
}"""


@pytest.mark.parametrize(("width", "height", "lang"),
                         [(1280, 800, "en"), (1280, 800, "zh"), (1600, 1000, "en")])
def test_diagram_names_and_headings_fit_their_boxes(view, width, height, lang):
    view.page.set_viewport_size({"width": width, "height": height})
    view.open("chain", lang=lang)
    chart = harness.widget(view.page, "chain_diagram")
    chart.locator("svg.marks text").first.wait_for()
    drawn = chart.evaluate(DRAWN)
    box = drawn["box"]
    assert 100 < box < width / 6, box  # six columns side by side
    texts = [text for text, _ in drawn["texts"]]
    # each part's name, whole (a two-line name's lines are one text element)
    for part in chain.PARTS.values():
        assert "".join(box_name(part, lang)) in texts, (part.code, texts)
    assert len(drawn["heads"]) == 6
    for text, drawn_width in drawn["texts"] + drawn["heads"]:
        assert "…" not in text, text
        assert drawn_width <= box - 4, (text, drawn_width, box)
    assert view.problems() == [], "\n".join(view.problems())
