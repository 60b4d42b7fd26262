"""Clicking a city on the map selects it (the prefecture filter, mirrored in the URL)."""

from __future__ import annotations

import harness
import pytest

from geo.registry import interior_point

pytestmark = pytest.mark.e2e

READY = "(s) => s.cityLayers >= 1 && s.labels.length >= 21"


def test_clicking_a_city_selects_it(view):
    view.open("cities", lang="en")
    harness.wait_map(view.page, READY)
    harness.wait_idle(view.page)
    lon, lat = interior_point("441600")  # 河源: inland, few firms, no marker in the way
    frame = harness.map_frame(view.page)
    x, y = frame.evaluate(
        "([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }", [lat, lon])
    frame.locator(".leaflet-container").first.click(position={"x": x, "y": y})
    view.page.wait_for_function(
        "() => new URLSearchParams(location.search).get('city') === '441600'")
    harness.wait_idle(view.page)
    chips = harness.widget(view.page, "f_cities").inner_text()
    assert "Heyuan" in chips
    assert view.problems() == [], "\n".join(view.problems())
