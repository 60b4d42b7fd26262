"""The Chain page in a browser: clicking a part in the diagram (its box or its text) selects
it, mirrored in the URL."""

from __future__ import annotations

import harness
import pytest

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
