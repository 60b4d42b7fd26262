"""A planner's day in the browser: a link to one prefecture fits the map to it, selection
by click is explicit (a double-click only zooms), and each language stays itself."""

from __future__ import annotations

import re

import harness
import pytest

from geo.regions import load_regions
from geo.registry import interior_point
from geo.text import t

pytestmark = pytest.mark.e2e

READY = "(s) => s.cityLayers >= 1 && s.labels.length >= 21"
#: a map zoomed to a selection draws only the areas in view
ZOOMED = "(s) => s.drawnPaths > 0 && s.labels.length >= 1 && s.legends.length >= 1"

#: Record every value the URL's ``city`` parameter takes (Streamlit rewrites the URL with
#: history.replaceState / pushState), so a test sees a selection that came and went.
RECORD_CITY_JS = """() => {
  window.__cities = [];
  for (const name of ["replaceState", "pushState"]) {
    const orig = history[name].bind(history);
    history[name] = (state, title, url) => {
      const out = orig(state, title, url);
      window.__cities.push(new URLSearchParams(location.search).get("city"));
      return out;
    };
  }
}"""

#: set ``window.__notFound`` once the page ever shows a "Page not found" text
NOT_FOUND_JS = """(() => {
  window.__notFound = false;
  new MutationObserver(() => {
    if (document.body && /page not found/i.test(document.body.textContent)) {
      window.__notFound = true;
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
})()"""


def _view_bounds(page):
    frame = harness.map_frame(page)
    return frame.evaluate("() => { const b = map.getBounds();"
                          " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")


def _container_point(page, adcode: str) -> tuple[float, float]:
    lon, lat = interior_point(adcode)
    return tuple(harness.map_frame(page).evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }", [lat, lon]))


def test_a_city_link_fits_the_map_to_the_city(view, artifacts):
    view.open("cities", city="440600")
    harness.wait_map(view.page, ZOOMED)
    harness.map_frame(view.page).wait_for_function(
        "() => window.map && map._atlasFitted === 'city:440600'")
    harness.wait_idle(view.page)
    view.page.screenshot(path=artifacts / "planner-cities-foshan-zh.png")
    west, south, east, north = (float(v) for v in load_regions().set_index("adcode")
                                .loc["440600"].geometry.bounds)
    v_west, v_south, v_east, v_north = _view_bounds(view.page)
    # Foshan is in view, whole, and fills a good part of it (not the province view)
    assert v_west <= west and v_south <= south and v_east >= east and v_north >= north
    assert (v_east - v_west) < 3 * (east - west), (v_west, v_east, west, east)
    # the rank is stated and the chip says what is selected
    body = view.page.locator("section.main, [data-testid='stMain']").first.inner_text()
    assert re.search(r"佛山：第 \d+ / 21", body), body[:500]
    assert "已选：佛山" in body
    # clearing the chip goes back to the province
    view.page.get_by_role("button", name=re.compile("已选：佛山")).click()
    view.page.wait_for_function("() => !new URLSearchParams(location.search).get('city')")
    harness.map_frame(view.page).wait_for_function(
        "() => window.map && map._atlasFitted === 'province'")
    v_west, _, v_east, _ = _view_bounds(view.page)
    assert v_east - v_west > 5
    assert view.problems() == [], "\n".join(view.problems())


def test_a_double_click_zooms_and_does_not_select(view):
    view.open("cities", lang="en")
    harness.wait_map(view.page, READY)
    harness.wait_idle(view.page)
    view.page.evaluate(RECORD_CITY_JS)
    frame = harness.map_frame(view.page)
    zoom = frame.evaluate("map.getZoom()")
    x, y = _container_point(view.page, "441600")  # 河源
    frame.locator(".leaflet-container").first.dblclick(position={"x": x, "y": y})
    frame.wait_for_function(f"() => map.getZoom() > {zoom}")
    # then a single click elsewhere: it is delivered after the double-click's clicks would
    # have been, so if the double-click had selected 河源 the record would show it
    x, y = _container_point(view.page, "441400")  # 梅州
    harness.map_frame(view.page).locator(".leaflet-container").first.click(
        position={"x": x, "y": y})
    view.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('city') === '441400'")
    harness.wait_idle(view.page)
    cities = view.page.evaluate("window.__cities")
    assert "441600" not in cities, cities
    assert "Meizhou" in harness.widget(view.page, "f_cities").inner_text()
    assert view.problems() == [], "\n".join(view.problems())


#: Words allowed in the Chinese pages: formats, standards, product and source names.
ZH_ALLOWED = {
    "CSV", "XLSX", "PNG", "SVG", "PDF", "HTML", "WGS", "GCJ", "GPS", "AMap", "Tencent",
    "Baidu", "OpenStreetMap", "CartoDB", "Positron", "cnmaps", "data", "MIT", "Albers",
    "PyPI", "English", "Language", "Leaflet", "contributors", "Excel", "README",
}
CJK = re.compile(r"[\u4e00-\u9fff]+")
LATIN = re.compile(r"[A-Za-z][A-Za-z]{2,}")


#: The page's visible text without icon ligatures (Material icons are words in the DOM).
TEXT_JS = """() => [...document.querySelectorAll(
    "[data-testid='stMain'], [data-testid='stSidebar']")]
  .map((root) => { const copy = root.cloneNode(true);
    copy.querySelectorAll("[aria-hidden='true'][translate='no']")
      .forEach((e) => e.remove());
    document.body.appendChild(copy); const text = copy.innerText; copy.remove(); return text; })
  .join("\\n")"""


def _page_text(view) -> str:
    return view.page.evaluate(TEXT_JS)


#: url path and parameters of the views checked (with and without a selection)
VIEWS = {"overview": ("", {}), "cities": ("cities", {}),
         "cities-drilled": ("cities", {"city": "440600", "drill": "440600",
                                       "compare": "440600,440100"}),
         "enterprises": ("enterprises", {"city": "440300"}),
         "sites": ("sites", {"site": "site01"}), "targets": ("targets", {}), "data": ("data", {})}
#: not UI text: quotes of the Chinese plan (labelled as such, or in quotation marks),
#: source citations (a line with the source's URL), document numbers, file paths
NOT_UI = re.compile(r"^The plan says: .*$|^.*https?:\u2060?//.*$|(?<![A-Za-z])'[^'\n]*'"
                    r"|粤府函〔\d{4}〕\d+号|[\w./-]+\.(?:py|csv)", re.MULTILINE)


def _wait_drawn(view) -> None:
    if view.page.locator(harness.MAP_IFRAME).count():
        harness.wait_map(view.page, ZOOMED)
    harness.wait_idle(view.page)


@pytest.mark.parametrize("name", list(VIEWS))
def test_each_language_stays_itself(view, name):
    from geo.layout import CITIES
    from geo.regions import load_districts

    path, params = VIEWS[name]
    view.open(path, **params)
    _wait_drawn(view)
    text = NOT_UI.sub("", _page_text(view))
    english = sorted({w for w in LATIN.findall(text) if w not in ZH_ALLOWED})
    assert english == [], [line for line in text.splitlines()
                           if any(w in line for w in english)]
    view.open(path, lang="en", **params)
    _wait_drawn(view)
    names = {c.name_zh for c in CITIES} | set(load_districts()["name_zh"]) | {"中文", "语言"}
    text = NOT_UI.sub("", _page_text(view))
    chinese = sorted({w for w in CJK.findall(text) if w not in names})
    assert chinese == [], [line for line in text.splitlines()
                           if any(w in line for w in chinese)]


def test_data_page_map_stays_after_choosing_a_file(view, bundled, artifacts):
    """Choosing a file grows the validation report above the map; the map stays drawn."""
    good = ("企业名称,经度,纬度,所在城市\n甲激光,113.93,22.54,深圳\n乙增材,113.30,23.12,广州\n")
    view.open("data")
    harness.wait_map(view.page, f"(s) => s.cityLayers >= 1 && s.points[0] === {bundled.firms}")
    harness.wait_idle(view.page)
    view.page.locator(".st-key-upload_file [data-testid='stFileUploaderDropzoneInput']") \
        .set_input_files(files=[{"name": "mine.csv", "mimeType": "text/csv",
                                 "buffer": good.encode()}])
    harness.widget(view.page, "use_upload").wait_for()  # the report is drawn
    harness.wait_idle(view.page)
    harness.wait_map(view.page, f"(s) => s.cityLayers >= 1 && s.points[0] === {bundled.firms}")
    view.page.screenshot(path=artifacts / "planner-data-after-choosing-a-file.png")
    assert view.problems() == [], "\n".join(view.problems())


def test_the_overview_path_opens_the_overview_with_the_link(view):
    """``/overview`` (the path the navigation names) is the Overview, with no "Page not
    found" box on the way, and the link's parameters survive."""
    # Streamlit's box flashes before its fallback: watch the DOM from the first paint on
    view.page.add_init_script(NOT_FOUND_JS)
    view.open("")  # the box comes once the server has run the app (a warm server)
    view.open("overview", lang="en", city="440600")
    view.page.wait_for_url(re.compile(r"/\?"), timeout=harness.TIMEOUT_MS)
    harness.wait_idle(view.page)
    assert view.page.locator("h1").first.inner_text().strip() == t("page_overview", "en")
    params = dict(p.split("=", 1) for p in view.page.url.split("?", 1)[1].split("&"))
    assert params["lang"] == "en" and params["city"] == "440600", view.page.url
    assert view.page.evaluate("() => window.__notFound") is False
    assert view.problems() == [], "\n".join(view.problems())


def _focus_centre(page) -> list[float]:
    """The container point (x, y) of the picked firm's halo in the map."""
    return harness.map_frame(page).evaluate(
        "() => { const h = document.querySelectorAll('.atlas-focus');"
        " if (h.length !== 1) { return null; }"
        " const r = h[0].getBoundingClientRect(), m = map.getContainer().getBoundingClientRect();"
        " return [r.left + r.width / 2 - m.left, r.top + r.height / 2 - m.top]; }")


def test_a_picked_firm_is_ringed_where_it_is(view, artifacts):
    """``?firm=E011`` (a firm with its own point): the view goes to it and one halo sits on
    its point."""
    from geo.registry import load_enterprises

    row = load_enterprises().set_index("id").loc["E011"]
    view.open("enterprises", firm="E011")
    harness.map_frame(view.page).wait_for_function(
        "() => window.map && (map._atlasFitted || '').startsWith('firm:E011:')")
    harness.wait_idle(view.page)
    view.page.screenshot(path=artifacts / "planner-firm-E011.png")
    x, y = _focus_centre(view.page)
    px, py = harness.map_frame(view.page).evaluate(
        "([lat, lon]) => { const p = map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }", [float(row["lat"]), float(row["lon"])])
    assert abs(x - px) <= 2 and abs(y - py) <= 2, ((x, y), (px, py))
    assert view.problems() == [], "\n".join(view.problems())


def test_a_city_precision_firm_fits_its_city_and_rings_the_city_symbol(view, artifacts):
    """``?firm=E001`` is located only to 深圳: the view fits 深圳 (never a 2 km view of a
    stand-in point) and the halo rings the city's ring of such firms."""
    view.open("enterprises", firm="E001")
    frame = harness.map_frame(view.page)
    frame.wait_for_function("() => window.map && map._atlasFitted === 'firm:E001:city:440300'")
    harness.wait_idle(view.page)
    view.page.screenshot(path=artifacts / "planner-firm-E001.png")
    west, south, east, north = (float(v) for v in load_regions().set_index("adcode")
                                .loc["440300"].geometry.bounds)
    v_west, v_south, v_east, v_north = _view_bounds(view.page)
    assert v_west <= west and v_south <= south and v_east >= east and v_north >= north
    assert (v_east - v_west) < 3 * (east - west), (v_west, v_east, west, east)
    x, y = _focus_centre(view.page)
    ring = frame.evaluate(
        "() => Array.from(document.querySelectorAll('.atlas-cityfirms')).map(e => {"
        " const r = e.getBoundingClientRect(), m = map.getContainer().getBoundingClientRect();"
        " return [r.left + r.width / 2 - m.left, r.top + r.height / 2 - m.top]; })")
    assert any(abs(x - rx) <= 2 and abs(y - ry) <= 2 for rx, ry in ring), ((x, y), ring)
    assert view.problems() == [], "\n".join(view.problems())
