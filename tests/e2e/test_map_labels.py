"""The Pearl River Delta's city names stay readable on the web map at its default view.

The Delta is where the firms, the sites and the corridor crowd together: the walkthrough of
2026-12-01 found the names 东莞/深圳/中山/珠海 hidden under cluster bubbles, site symbols,
the rings of city-located firms and the corridor's name, on the Overview page and on the
presentation slide. Checked here in chromium, inside the map iframe, with the labels made
hit-testable for the probe (they ignore the mouse in the app): what is topmost at a label's
centre and inner corners must be the label itself; no two Delta names, and neither the
corridor's name nor a ring of city-located firms and a city name, overlap.
"""

from __future__ import annotations

from pathlib import Path

import harness
import pytest

from geo.layout import CITY_BY_ADCODE, CORRIDOR_LABEL

pytestmark = pytest.mark.e2e

#: 深圳, 东莞, 中山, 珠海 and 广州, 佛山: the Delta's crowded names
PRD = ("440300", "441900", "442000", "440400", "440100", "440600")
READY = "(s) => s.cityLayers >= 1 && s.labels.length >= 21 && s.legends.length >= 1"

#: label name -> what is topmost at its centre and inner corners ("label" when nothing
#: covers it); boxes of every label, of the corridor's name and of the city-firm rings
PROBE_JS = """(names) => {
  const probe = document.createElement('style');
  probe.textContent = '.atlas-label, .atlas-label *, .atlas-band-label, canvas.atlas-points'
    + ' { pointer-events: auto !important; }';
  document.head.appendChild(probe);
  const box = (e) => { const r = e.getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; };
  try {
    const top = {}, boxes = {};
    for (const e of document.querySelectorAll('.atlas-label')) {
      const name = e.querySelector('.atlas-label-name').textContent;
      const [x0, y0, x1, y1] = box(e);
      boxes[name] = [x0, y0, x1, y1];
      if (!names.includes(name)) { continue; }
      const w = x1 - x0, h = y1 - y0;
      top[name] = [[0.5, 0.5], [0.2, 0.3], [0.8, 0.3], [0.2, 0.7], [0.8, 0.7]].map(([fx, fy]) => {
        const hit = document.elementFromPoint(x0 + fx * w, y0 + fy * h);
        return hit === null ? 'nothing' : e.contains(hit) ? 'label'
          : hit.tagName.toLowerCase() + '.' + String(hit.className.baseVal ?? hit.className);
      });
    }
    const band = [...document.querySelectorAll('.atlas-band-label')]
      .map(e => [e.textContent, box(e)]);
    const rings = [...document.querySelectorAll('.atlas-cityfirms')].map(box);
    return {top, boxes, band, rings};
  } finally { probe.remove(); }
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _names(lang: str) -> list[str]:
    if lang == "zh":
        return [CITY_BY_ADCODE[a].name_zh.removesuffix("市") for a in PRD]
    return [CITY_BY_ADCODE[a].name_en for a in PRD]


@pytest.mark.parametrize("present", [False, True], ids=["page", "presentation"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_delta_city_names_are_not_covered(browser, app_server, artifacts: Path, lang, present):
    viewport = {"width": 1920, "height": 1080} if present else {"width": 1440, "height": 1700}
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    try:
        query = f"?lang={lang}" + ("&present=1" if present else "")
        page.goto(f"{app_server.base_url}/{query}", wait_until="domcontentloaded")
        harness.wait_idle(page)
        harness.wait_map(page, READY)
        frame = harness.map_frame(page)
        frame.evaluate("() => document.fonts.ready.then(() => true)")  # final label widths
        page.mouse.move(2, 2)  # no tooltip over the map
        shot = f"labels-{'present' if present else 'overview'}-{lang}.png"
        page.screenshot(path=artifacts / shot)
        names = _names(lang)
        seen = frame.evaluate(PROBE_JS, names)

        assert sorted(seen["top"]) == sorted(names), seen["top"]
        covered = {n: hits for n, hits in seen["top"].items() if set(hits) != {"label"}}
        assert not covered, covered
        # nor does another Delta name (the English names are wide)
        touching = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
                    if _overlap(seen["boxes"][a], seen["boxes"][b])]
        assert not touching, touching
        # the corridor's name, in the page's language, covers no city name
        assert [text for text, _ in seen["band"]] == [CORRIDOR_LABEL.label(lang)], seen["band"]
        band = seen["band"][0][1]
        hit = [n for n, b in seen["boxes"].items() if _overlap(band, b)]
        assert not hit, (band, hit)
        # nor does a ring of firms located only to their city (it sits under its name)
        assert seen["rings"], "the bundled data has city-located firms in the Delta"
        hit = [(r, n) for r in seen["rings"] for n in names if _overlap(r, seen["boxes"][n])]
        assert not hit, hit
    finally:
        context.close()
