"""The bundled web font reaches the pages and the map iframe, also under a base URL path.

Chromium here has no system CJK font, so any Chinese text not drawn with the bundled face
would be tofu. Chromium's DevTools protocol reports the fonts a node's text was actually
rendered with (``CSS.getPlatformFontsForNode``): that, not the CSS, is what is checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import harness
import pytest

from geo.fonts import BUNDLED_FAMILY, BUNDLED_FILES

BASE_PATH = "/atlas"
#: Elements with Chinese text: the page title, and the map's title, legend and city labels.
NODES = {"page title": "h1", "map title": ".atlas-title-main",
         "map legend": ".atlas-legend details[open] li > span", "city label": ".atlas-label-name"}


@pytest.fixture(scope="module")
def proxied_server(playwright_api: object, stop_on_sigterm: None) -> Iterator[harness.Server]:
    """The app under ``server.baseUrlPath`` (as behind the intranet proxy)."""
    server = harness.start_server("app.py", base_path=BASE_PATH)
    yield server
    server.stop()


def test_pages_and_map_draw_chinese_with_the_bundled_face(browser, proxied_server, artifacts):
    view = harness.View(browser, proxied_server.base_url)
    try:
        view.open("")
        frame = harness.map_frame(view.page)
        harness.wait_in_map(frame, "() => document.querySelector('.atlas-title-main') !== null"
                            " && document.fonts.status === 'loaded'")
        view.page.evaluate("() => document.fonts.ready.then(() => true)")
        view.page.screenshot(path=artifacts / "webfont-overview.png")
        cdp = harness.font_probe(view.context, view.page)
        for what, selector in NODES.items():
            fonts = harness.rendered_fonts(cdp, selector)
            cjk = [f for f in fonts if f["familyName"] == BUNDLED_FAMILY and f["isCustomFont"]]
            assert cjk, f"{what} ({selector}) not drawn with the bundled face: {fonts}"
            others = [f for f in fonts if f not in cjk]
            assert not others, f"{what}: some glyphs fell back to {others}"
        assert view.problems() == []
    finally:
        view.close()


@pytest.mark.parametrize("weight", sorted(BUNDLED_FILES))
def test_web_font_is_served_under_the_base_path(browser, proxied_server, weight):
    path: Path = BUNDLED_FILES[weight].with_suffix(".woff2")
    context = browser.new_context()
    try:
        resp = context.request.get(f"{proxied_server.base_url}/app/static/fonts/{path.name}")
        assert resp.status == 200
        assert resp.body() == path.read_bytes()
    finally:
        context.close()
