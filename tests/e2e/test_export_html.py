"""The standalone HTML map export, opened from disk with the network cut off, draws its
Chinese labels with the bundled face it carries (no CJK font on this machine: a face that
failed to load would show as a fallback font or tofu)."""

from __future__ import annotations

import shutil
import subprocess

import harness
import pytest

from geo import registry
from geo.filters import Filters
from geo.fonts import BUNDLED_FAMILY
from ui import data, mapview
from ui.shell import PageContext

pytestmark = pytest.mark.e2e

#: Chinese text in the export: the title (bold) and a city label (regular).
NODES = {"map title": ".atlas-title-main", "city label": ".atlas-label-name"}


def _no_system_font() -> bool:
    """True on a machine whose fontconfig lists no font at all: there chromium loads no web
    font either (measured: every ``@font-face``, file or data URL, ends in status "error"),
    so the export cannot be judged. Debian's chromium recommends fonts-liberation and
    fontconfig brings fonts-dejavu-core, so a presenter's machine always has some."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run([fc_list], capture_output=True, text=True, check=False).stdout
    return not listed.strip()


def test_exported_html_opened_offline_draws_chinese_with_the_embedded_face(browser, tmp_path,
                                                                            artifacts):
    if _no_system_font():
        pytest.skip("fontconfig lists no font at all: chromium then loads no web font "
                    "(install fonts-dejavu-core or fonts-liberation to run this test)")
    firms = registry.load_enterprises()
    ctx = PageContext("zh", Filters(), data.Dataset("v0", "内置数据", firms), firms, False)
    spec = mapview.MapSpec(layout=True, enterprises=firms, sites=data.load_sites())
    path = tmp_path / "overview.html"
    path.write_bytes(mapview._interactive_html(ctx, spec, mapview.MapOptions()))

    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    fetched: list[str] = []
    context.on("request", lambda req: fetched.append(req.url))
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("() => document.querySelector('.atlas-label-name') !== null"
                               " && document.fonts.status === 'loaded'")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.screenshot(path=artifacts / "export-html-offline-zh.png")
        assert page.evaluate(f"() => document.fonts.check('12px \"{BUNDLED_FAMILY}\"', '广')")
        cdp = harness.font_probe(context, page)
        for what, selector in NODES.items():
            fonts = harness.rendered_fonts(cdp, selector)
            assert fonts, f"{what} ({selector}) not drawn"
            assert all(f["familyName"] == BUNDLED_FAMILY and f["isCustomFont"]
                       for f in fonts), f"{what} not drawn with the embedded face: {fonts}"
        # everything came from the file itself
        assert [u for u in fetched if not u.startswith(("file:", "data:", "blob:"))] == []
    finally:
        context.close()
