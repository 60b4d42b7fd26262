"""Fixtures of the browser suite: one app server and one chromium per session.

Each test gets a fresh browser context (a new Streamlit session, its own cookies) whose
requests, console errors and uncaught exceptions — the map iframe's included — are recorded
in a :class:`harness.Recorder`. Nothing here sleeps: every wait is a condition
(``harness.wait_idle``, ``harness.wait_in_map``) bounded by ``harness.TIMEOUT_MS``.

Without /usr/bin/chromium the suite is skipped with a message saying how to enable it;
with ``CI=true`` it fails instead (CI must run it).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness
import pytest

pytestmark = pytest.mark.e2e


def _unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser suite: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[object]:
    """The started Playwright driver (skip/fail when chromium or playwright is missing)."""
    if not harness.CHROMIUM.exists():
        _unavailable(harness.NO_CHROMIUM)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("pip install -e '.[test]' (playwright) to run the browser suite")
    with sync_playwright() as api:
        yield api


@pytest.fixture(scope="session")
def browser(playwright_api: object) -> Iterator[object]:
    """One headless chromium for the whole session."""
    instance = harness.launch(playwright_api)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM (a CI timeout, ``timeout(1)``) into KeyboardInterrupt, so pytest still
    runs the fixtures' teardown and the servers are stopped."""
    def _interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, _interrupt)
    yield
    signal.signal(signal.SIGTERM, previous)


@pytest.fixture(scope="session")
def app_server(playwright_api: object, stop_on_sigterm: None) -> Iterator[harness.Server]:
    """The app on the bundled data, on a free port; stopped by its PID at the end."""
    server = harness.start_server("app.py")
    yield server
    server.stop()


@pytest.fixture
def fresh_server(playwright_api: object, stop_on_sigterm: None) -> Iterator[harness.Server]:
    """A server no browser has visited yet (what a shared link meets after a restart)."""
    server = harness.start_server("app.py")
    yield server
    server.stop()


@dataclass(frozen=True)
class Bundled:
    """What the bundled registry holds, counted here with the library (not the UI)."""

    firms: int
    by_zone: dict[str, int]
    sites: int


@pytest.fixture(scope="session")
def bundled() -> Bundled:
    """Firms drawn as points per layout zone (zone of the firm's city) and located sites."""
    from geo.layout import CITY_BY_ADCODE, ZONES
    from geo.registry import load_enterprises, load_sites

    frame = load_enterprises()
    # firms located only to their city are drawn at the city's label, not as points; a
    # plan item without a location is listed, not drawn
    frame = frame[frame["coord_precision"] != "city"]
    zones = frame["city_adcode"].map(lambda a: CITY_BY_ADCODE[a].zone if a else "")
    sites = load_sites()
    return Bundled(len(frame), {z: int((zones == z).sum()) for z in ZONES},
                   int(sites["lon"].notna().sum()))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/`` (git-ignored), created on demand."""
    harness.ARTIFACTS.mkdir(exist_ok=True)
    return harness.ARTIFACTS


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    """Keep each phase's report on the test item (for the screenshot on failure)."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def view(request: pytest.FixtureRequest, browser: object, app_server: harness.Server,
         artifacts: Path) -> Iterator[harness.View]:
    """A new session on the bundled-data server; a screenshot is kept if the test fails."""
    v = harness.View(browser, app_server.base_url)
    yield v
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        v.page.screenshot(path=artifacts / f"FAILED-{request.node.name}.png")
    v.close()
