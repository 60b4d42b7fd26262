"""Interactions a planner relies on: filters redraw the map, links reopen the same view,
presentation mode is clean."""

from __future__ import annotations

import harness
import pytest

from geo.layout import ZONES
from geo.text import t

pytestmark = pytest.mark.e2e

NAV_EN = [t(k, "en") for k in ("page_overview", "page_cities", "page_enterprises", "page_chain",
                                "page_sites", "page_targets", "page_data")]


def test_filter_change_redraws_the_map(view, bundled):
    view.open("enterprises", lang="en")
    harness.wait_map(view.page, f"(s) => s.points[0] === {bundled.firms}")
    north = bundled.by_zone["north"]
    assert 0 < north < bundled.firms
    # the user has zoomed in; a filter must not throw that view away
    frame = harness.map_frame(view.page)
    frame.evaluate("window.__sameMap = true; map.setView([23.0, 113.5], 9, {animate: false})")

    harness.open_selectbox(view.page, "f_zone", ZONES["north"].label("en")).click()
    state = harness.wait_map(view.page, f"(s) => s.points.length === 1 && s.points[0] === {north}")
    # the overlays were swapped in the same Leaflet map: no reload, same zoom and centre
    kept = harness.map_frame(view.page).evaluate(
        "[window.__sameMap === true, map.getZoom(), map.getCenter().lat, map.getCenter().lng]")
    assert kept[0] and kept[1] == 9, kept
    assert kept[2:] == pytest.approx([23.0, 113.5], abs=1e-6), kept
    # the title block follows the filter
    assert "North" in harness.map_frame(view.page).inner_text(".atlas-title"), state

    # the legend counts what is drawn, and the canvas really has dots on it
    assert any(legend.startswith(f"{north:,} firms") for legend in state["legends"]), state
    assert harness.map_frame(view.page).evaluate(harness.PAINTED_JS) > 0
    # the view is in the URL, ready to be shared
    view.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('zone') === 'north'")
    harness.wait_idle(view.page)
    assert view.problems() == [], "\n".join(view.problems())


def test_shared_link_opens_the_same_view(browser, fresh_server, bundled, artifacts):
    """A link to a sub-page is often the first visit after a restart: it must still go
    through app.py (navigation, language and filters from the URL)."""
    view = harness.View(browser, fresh_server.base_url)
    try:
        view.open("enterprises", zone="east_wing", lang="en")
        east = bundled.by_zone["east_wing"]
        harness.wait_map(view.page, f"(s) => s.points.length === 1 && s.points[0] === {east}")
        harness.wait_idle(view.page)
        view.page.screenshot(path=artifacts / "shared-link-enterprises-east_wing-en.png")

        zone_box = harness.widget(view.page, "f_zone").locator('[role="combobox"]')
        assert zone_box.input_value() == ZONES["east_wing"].label("en")
        assert view.page.get_by_role("radio", name="English").is_checked()
        assert view.page.locator("h1").first.inner_text().strip() == t("page_enterprises", "en")
        assert view.nav_titles() == NAV_EN
        params = view.page.evaluate("Object.fromEntries(new URLSearchParams(location.search))")
        assert params.get("zone") == "east_wing" and params.get("lang") == "en", params
        assert view.problems() == [], "\n".join(view.problems())
    finally:
        view.close()


def test_presentation_mode_hides_the_sidebar(view, artifacts, bundled):
    view.open("", present="1")
    harness.wait_map(view.page, f"(s) => s.cityLayers >= 1 && s.points[0] === {bundled.firms}"
                                " && s.legends.length >= 1")
    harness.wait_idle(view.page)
    view.page.screenshot(path=artifacts / "overview-zh-present.png")

    sidebar = view.page.locator(harness.SIDEBAR)
    assert sidebar.count() == 0 or not sidebar.is_visible()
    assert view.page.get_by_role("button", name=t("presentation_exit", "zh")).is_visible()
    # the map takes the room the sidebar and the controls leave
    box = view.page.locator(harness.MAP_IFRAME).bounding_box()
    assert box is not None and box["height"] >= 800 and box["width"] >= 1200, box
    assert view.problems() == [], "\n".join(view.problems())
