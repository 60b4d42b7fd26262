"""The dashboard the way ``make serve`` serves it: two app processes behind nginx, under a
base URL path. A real browser draws the map through the proxy (the component iframe and
the vendored Leaflet under ``/atlas/app/static/``), nothing fails or leaves loopback, and
every request of the browser reaches the same app process (the sticky cookie)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import harness
import pytest

pytestmark = pytest.mark.e2e

READY = "(s) => s.cityLayers >= 1 && s.labels.length >= 21 && s.legends.length >= 1"


@pytest.fixture(scope="module")
def proxied(playwright_api: object, stop_on_sigterm: None,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    if shutil.which("nginx") is None:
        message = "the proxy test needs nginx: apt-get install nginx"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run it: {message}", pytrace=False)
        pytest.skip(message)
    store = tmp_path_factory.mktemp("proxied") / "registry.gpkg"  # one store, both processes
    server = harness.start_proxied(2, base_path="atlas", env={"ATLAS_STORE": str(store)})
    yield server
    server.stop()


def test_the_map_draws_through_nginx_under_a_base_path(
    browser: object, proxied: harness.Server, artifacts: Path
) -> None:
    view = harness.View(browser, proxied.base_url)
    answers: list[tuple[int, str, str]] = []
    view.context.on("response", lambda r: answers.append(
        (r.status, r.url, r.headers.get("x-atlas-upstream", ""))))
    try:
        view.open("", lang="en")
        state = harness.wait_map(view.page, READY)
        harness.wait_idle(view.page)
        view.page.screenshot(path=artifacts / "proxied-overview.png")
        assert not view.problems(), view.problems()
    finally:
        view.close()
    assert state["cityLayers"] >= 1 and len(state["labels"]) >= 21, state
    failed = [(status, url) for status, url, _ in answers if status >= 400]
    assert not failed
    statics = [url for status, url, _ in answers if "/atlas/app/static/" in url]
    assert statics, "the map's vendored scripts did not come through /atlas/app/static/"
    served_by = {upstream for _, _, upstream in answers if upstream}
    assert len(served_by) == 1, f"one browser, several processes: {served_by}"
