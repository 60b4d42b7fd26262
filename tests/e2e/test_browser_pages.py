"""Every page in both languages, in a real browser: the map is really drawn.

AppTest cannot see inside the folium component; here chromium loads each page and the
checks read Leaflet's own objects and the DOM inside the map iframe (``harness.PROBE_JS``).
"""

from __future__ import annotations

import re

import harness
import pytest

from geo.layout import CITIES
from geo.text import t

pytestmark = pytest.mark.e2e

#: url path -> (title key, what the page's map carries), in navigation order; the
#: default page (overview) is at "/"
PAGES = {
    "": ("page_overview", {"points": True, "sites": True}),
    "cities": ("page_cities", {"points": False, "sites": False}),
    "enterprises": ("page_enterprises", {"points": True, "sites": False}),
    "chain": ("page_chain", {"points": True, "sites": False}),
    "sites": ("page_sites", {"points": True, "sites": True}),
    # the Targets page's map is the change map of its plan-period view (a radio choice)
    "targets": ("page_targets", {"points": False, "sites": False, "view": "tab_ended"}),
    "data": ("page_data", {"points": True, "sites": False}),
}
CJK = re.compile(r"[\u4e00-\u9fff]")
#: a city's label: its short Chinese name (深圳, not 深圳市) or its English name
LABELS = {
    "zh": sorted(c.name_zh.removesuffix("市") for c in CITIES),
    "en": sorted(c.name_en for c in CITIES),
}
READY = "(s) => s.cityLayers >= 1 && s.labels.length >= 21 && s.legends.length >= 1"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_page_draws_its_map(view, artifacts, bundled, path, lang):
    title_key, carries = PAGES[path]
    view.open(path, lang=lang)
    if carries.get("view"):
        view.page.get_by_text(t(carries["view"], lang, end=2025), exact=True).click()
    state = harness.wait_map(view.page, READY)
    harness.wait_idle(view.page)
    view.page.screenshot(path=artifacts / f"{path or 'overview'}-{lang}.png")

    # the page itself and the navigation are in the language asked for: the app's own
    # st.navigation, not Streamlit's file-name list of pages/ (which skips app.py)
    assert view.page.locator("h1").first.inner_text().strip() == t(title_key, lang)
    assert view.nav_titles() == [t(key, lang) for key, _ in PAGES.values()]
    # Leaflet drew the 21 city polygons (one layer holding exactly them, every path drawn)
    assert state["cityLayers"] >= 1, state
    # the 21 city labels are on the map, inside its box, in the page's language
    assert sorted(set(state["labels"]) & set(LABELS[lang])) == LABELS[lang], state["labels"]
    # legends are there, in the page's language
    assert state["legends"], state
    for legend in state["legends"]:
        assert bool(CJK.search(legend)) == (lang == "zh"), legend
    # the firms layer holds every bundled firm (no filter) where the page shows firms
    if carries["points"]:
        assert state["points"] == [bundled.firms], state["points"]
        assert all(c and c[0] > 0 and c[1] > 0 for c in state["canvases"]), state["canvases"]
    else:
        assert state["points"] == [], state["points"]
    assert state["sites"] == (bundled.sites if carries["sites"] else 0)
    # nothing left the machine, nothing failed in the page or the map iframe
    assert view.problems() == [], "\n".join(view.problems())
