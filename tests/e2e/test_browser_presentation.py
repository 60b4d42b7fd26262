"""Presentation mode in a real browser at 1920×1080: a clean slide, and a way out.

The screenshots (``test-artifacts/presentation-*.png``) are the slide as a presenter
would capture it: no app chrome, the map filling the screen with its title, legends
(open) and notes, and no exit control in the picture while the pointer is elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import harness
import pytest

from geo.provenance import SAMPLE_MARK
from geo.text import t

pytestmark = pytest.mark.e2e

READY = "(s) => s.cityLayers >= 1 && s.legends.length >= 1"
SLIDE = {"width": 1920, "height": 1080}
#: inside the map: every legend <details> and whether it is open, the title block's text
LEGENDS_JS = """() => ({
  details: [...document.querySelectorAll('.atlas-box details')].map(d => d.open),
  title: (document.querySelector('.atlas-title') || {}).innerText || '',
})"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_presentation_is_a_clean_1080p_slide_that_can_be_left(browser, app_server,
                                                               artifacts: Path, lang):
    context = browser.new_context(viewport=SLIDE, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{app_server.base_url}/?lang={lang}&present=1",
                  wait_until="domcontentloaded")
        harness.wait_idle(page)
        harness.wait_map(page, READY)
        page.mouse.move(SLIDE["width"] - 10, SLIDE["height"] * 0.6)  # the sea: no tooltip
        page.wait_for_timeout(300)  # the exit control's fade (0.15 s) is over
        page.screenshot(path=artifacts / f"presentation-{lang}.png")

        # no app chrome: sidebar, header, page title and controls are hidden
        for selector in (harness.SIDEBAR, 'header[data-testid="stHeader"]', "h1"):
            assert not page.locator(selector).first.is_visible(), selector
        # the map fills the screen
        box = page.locator(harness.MAP_IFRAME).bounding_box()
        assert box["width"] >= SLIDE["width"] - 2 and box["y"] <= 8
        assert box["y"] + box["height"] <= SLIDE["height"] + 2
        assert box["height"] >= SLIDE["height"] - 20
        # the exit control is invisible until the pointer reaches the top-right corner
        exit_button = page.locator(".st-key-exit_present")
        assert exit_button.evaluate("e => getComputedStyle(e).opacity") == "0"
        # title, notes and every legend (open) are on the map
        inside = harness.map_frame(page).evaluate(LEGENDS_JS)
        assert inside["details"] and all(inside["details"]), inside
        assert SAMPLE_MARK[lang] in inside["title"], inside["title"]

        # leaving works (it used to raise StreamlitWidgetAlreadyInstantiatedError)
        exit_button.hover()
        page.get_by_role("button", name=t("presentation_exit", lang)).click()
        harness.wait_idle(page)
        assert page.locator(harness.EXCEPTION).count() == 0
        page.locator(harness.SIDEBAR).wait_for(state="visible")
        page.wait_for_function("() => !location.search.includes('present')")
    finally:
        context.close()


#: is the element's box the topmost thing at its centre and corners (nothing covers it)?
UNCOVERED_JS = """(e) => { const r = e.getBoundingClientRect();
  const pts = [[r.left + r.width / 2, r.top + r.height / 2], [r.left + 8, r.top + 8],
               [r.right - 8, r.top + 8], [r.left + 8, r.bottom - 8], [r.right - 8, r.bottom - 8]];
  return pts.every(([x, y]) => { const hit = document.elementFromPoint(x, y);
                                 return hit !== null && e.contains(hit); }); }"""


def test_presentation_keeps_the_fit_and_the_exit_is_reachable_by_keyboard(browser, app_server,
                                                                           artifacts: Path):
    """A drilled city fills the slide as in normal mode; the exit control is reached with
    Tab, shown whole (nothing of the map covers it) and leaves presentation mode."""
    from geo.regions import load_regions

    context = browser.new_context(viewport=SLIDE, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(f"{app_server.base_url}/cities?lang=en&present=1&city=440600&drill=440600",
                  wait_until="domcontentloaded")
        harness.wait_idle(page)
        frame = harness.map_frame(page)
        frame.wait_for_function("() => window.map && map._atlasFitted === 'district:440600'")
        page.wait_for_timeout(300)  # the exit control's fade
        page.screenshot(path=artifacts / "presentation-foshan-en.png")
        west, south, east, north = (float(v) for v in load_regions().set_index("adcode")
                                    .loc["440600"].geometry.bounds)
        v_west, v_south, v_east, v_north = frame.evaluate(
            "() => { const b = map.getBounds();"
            " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
        assert v_west <= west and v_south <= south and v_east >= east and v_north >= north
        assert (v_north - v_south) < 2 * (north - south), (v_south, v_north, south, north)

        button = page.get_by_role("button", name=t("presentation_exit", "en"))
        for _ in range(10):  # the exit control is among the first stops of the Tab order
            page.keyboard.press("Tab")
            if button.evaluate("e => e === document.activeElement"):
                break
        assert button.evaluate("e => e === document.activeElement")
        page.wait_for_timeout(300)  # the fade-in
        assert page.locator(".st-key-exit_present").evaluate(
            "e => getComputedStyle(e).opacity") == "1"
        assert button.evaluate(UNCOVERED_JS)
        # opaque, and clear of the map's controls at the top right (north arrow, layers)
        assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
        controls = harness.map_frame(page).evaluate(
            "() => Math.min(...[...document.querySelectorAll('.leaflet-top.leaflet-right "
            ".leaflet-control')].map(c => c.getBoundingClientRect().left))")
        frame_left = page.locator(harness.MAP_IFRAME).bounding_box()["x"]
        assert button.bounding_box()["x"] + button.bounding_box()["width"] <= frame_left + controls
        page.screenshot(path=artifacts / "presentation-exit-focused-en.png")
        page.keyboard.press("Enter")
        harness.wait_idle(page)
        page.locator(harness.SIDEBAR).wait_for(state="visible")
        page.wait_for_function("() => !location.search.includes('present')")
    finally:
        context.close()
