"""Firm names are data, never markup: hostile names show as text and no script runs.

Two ways a name reaches the map: the registry the server reads (``ATLAS_ENTERPRISES``, a
second server) and a planner's upload on the Data page (``st.file_uploader`` → "use for this
session"). Each name is read back from the map's tooltip and popup as text, and
``window.__xss`` — which every payload would set — must stay undefined in every frame.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import harness
import pandas as pd
import pytest

from geo.registry import CANONICAL_COLUMNS
from geo.text import t

pytestmark = pytest.mark.e2e

#: (name, city, lon, lat): one firm per city, far from the map's edges and controls
FIRMS = (
    ('<img src=x onerror="window.__xss=1">', "清远市", 113.05, 23.70),
    ("<script>window.__xss=2</script>", "河源市", 114.70, 23.74),
    ("</script><svg onload=window.__xss=3>", "肇庆市", 112.47, 23.05),  # breaks out of <script>
)

#: Remember every popup title the map shows (a rerun may replace the popup right after).
WATCH_POPUPS = """() => {
  window.__popups = [];
  new MutationObserver(() => {
    document.querySelectorAll(".atlas-popup .atlas-card-title").forEach((e) => {
      if (!window.__popups.includes(e.textContent)) { window.__popups.push(e.textContent); }
    });
  }).observe(document.body, { childList: true, subtree: true });
}"""
CONTAINER_POINT = """([lat, lon]) => {
  const p = window.map.latLngToContainerPoint([lat, lon]);
  return { x: p.x, y: p.y };
}"""


def hostile_csv() -> bytes:
    """A canonical registry of the hostile firms (same name in Chinese and English)."""
    rows = [{"id": f"X{i}", "name_zh": name, "name_en": name, "city": city, "lon": lon,
             "lat": lat, "coord_precision": "exact", "sector": "laser", "segment": "equipment",
             "revenue_10k_cny": 5000, "revenue_year": 2023, "employees": 50,
             "source": "e2e hostile-name test", "sample": "true"}
            for i, (name, city, lon, lat) in enumerate(FIRMS, start=1)]
    buf = io.StringIO()
    pd.DataFrame(rows, columns=CANONICAL_COLUMNS).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory, playwright_api: object,
                   stop_on_sigterm: None) -> Iterator[harness.Server]:
    """A second server whose registry holds only the hostile firms."""
    path = tmp_path_factory.mktemp("hostile") / "enterprises.csv"
    path.write_bytes(hostile_csv())
    server = harness.start_server("app.py", env={"ATLAS_ENTERPRISES": str(path)})
    yield server
    server.stop()


def assert_names_are_text(view: harness.View) -> None:
    """Hover each firm (tooltip) and click one (popup): the name comes back as text."""
    page = view.page
    harness.wait_map(page, f"(s) => s.points.length === 1 && s.points[0] === {len(FIRMS)}")
    harness.wait_idle(page)
    frame = harness.map_frame(page)
    container = frame.locator(".leaflet-container").first
    tip = frame.locator(".leaflet-tooltip.atlas-tip")
    for name, _, lon, lat in FIRMS:
        point = frame.evaluate(CONTAINER_POINT, [lat, lon])
        container.hover(position=point)
        # as text, the name is the tooltip's text content; as markup it would have none
        shown = tip.filter(has_text=name).first
        shown.wait_for()
        assert shown.inner_text().strip() == name
        assert shown.evaluate("(e) => e.querySelectorAll('*').length") == 0
    frame.evaluate(WATCH_POPUPS)
    name, _, lon, lat = FIRMS[0]
    container.click(position=frame.evaluate(CONTAINER_POINT, [lat, lon]))
    frame.wait_for_function("() => window.__popups.length > 0")
    assert frame.evaluate("window.__popups") == [name]
    # the click selects the firm's city (a rerun): let it finish before judging
    harness.wait_map(page, "(s) => s.cityLayers >= 1 && s.points.length === 1")
    harness.wait_idle(page)
    for fr in page.frames:
        assert fr.evaluate("typeof window.__xss") == "undefined", fr.url
        assert fr.locator("img[src='x'], svg[onload]").count() == 0, fr.url
    assert view.problems() == [], "\n".join(view.problems())


def test_hostile_names_in_the_registry_stay_text(browser, hostile_server):
    view = harness.View(browser, hostile_server.base_url)
    try:
        view.open("enterprises")
        assert_names_are_text(view)
    finally:
        view.close()


def test_hostile_names_in_an_upload_stay_text(view):
    page = view.page
    view.open("data", lang="en")
    uploader = harness.widget(page, "upload_file").locator('input[type="file"]')
    uploader.set_input_files(files=[{"name": "hostile.csv", "mimeType": "text/csv",
                                     "buffer": hostile_csv()}])
    use = page.get_by_role("button", name=t("use_upload", "en"))
    use.or_(page.locator(harness.EXCEPTION)).first.wait_for()
    assert view.exceptions() == [], "the upload failed:\n" + "\n".join(view.exceptions())
    use.click()
    page.get_by_text(f"{t('uploaded', 'en')}: hostile.csv").first.wait_for()
    harness.wait_idle(page)
    page.locator('[data-testid="stSidebarNavLink"][href$="/enterprises"]').click()
    page.locator("h1", has_text=t("page_enterprises", "en")).wait_for()
    assert_names_are_text(view)


#: Markdown, a link, KaTeX, a directive, a bare address and HTML, in a shared link's search
MARKUP = "**粗体** [点此](http://evil.example/login) $x^2$ :red[红] www.evil.example <b>b</b>"


def test_text_from_a_link_renders_as_text(view):
    """The search text reaches every page's 数据版本 caption: it shows as typed, with no
    link, bold, formula or coloured span in the rendered element."""
    page = view.page
    view.open("cities", q=MARKUP)
    caption = page.locator('[data-testid="stCaptionContainer"]',
                           has_text=t("data_source", "zh")).first
    caption.wait_for()
    assert MARKUP in " ".join(caption.inner_text().replace("\u2060", "").split())
    rendered = caption.evaluate(
        "(e) => [...e.querySelectorAll('a, strong, em, b, code, .katex, span[class*=color]')]"
        ".map((n) => n.outerHTML)")
    assert rendered == []
    assert view.exceptions() == []
