"""Shared browser-test machinery: start the app, drive Debian's chromium, wait for the map.

Used by ``tests/e2e/conftest.py`` and by ``benchmarks/bench_browser.py`` (one copy of the
server start-up, the launch flags and the readiness checks). No pytest import here.

Readiness is always a condition in the page, never a fixed sleep:

- the server is up when ``/_stcore/health`` answers ``ok``;
- a Streamlit run is over when ``[data-testid="stApp"]`` has
  ``data-test-script-state="notRunning"`` (set by Streamlit's frontend) and the
  "running" icon of the status widget is gone;
- a map is drawn when, inside the ``streamlit_folium`` component iframe, Leaflet's
  container holds the expected SVG paths / markers (:func:`wait_in_map`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

ROOT: Final = Path(__file__).resolve().parents[2]
ARTIFACTS: Final = ROOT / "test-artifacts"
#: Debian's chromium (``apt-get install chromium``); never ``playwright install``.
#: ``E2E_CHROMIUM`` may name another Debian-built binary.
CHROMIUM: Final = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
NO_CHROMIUM: Final = ("install Debian's chromium (apt-get install chromium) to run the "
                      "browser suite")
LAUNCH_ARGS: Final = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
)
LOCAL_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
#: One wait in the page (ms). Generous for a cold 2-core machine; a healthy run needs ~5 s.
TIMEOUT_MS: Final = int(os.environ.get("E2E_TIMEOUT_MS", "45000"))

#: The component iframe of streamlit-folium (its title is the component's name).
MAP_IFRAME: Final = 'iframe[title="streamlit_folium.st_folium"]'
APP_IDLE: Final = ('[data-testid="stApp"][data-test-script-state="notRunning"]'
                   '[data-test-connection-state="CONNECTED"]')
RUNNING_ICON: Final = '[data-testid="stStatusWidgetRunningIcon"]'
SIDEBAR: Final = '[data-testid="stSidebar"]'
EXCEPTION: Final = '[data-testid="stException"]'
NAV_TITLES: Final = '[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]'


# --------------------------------------------------------------------------- server
def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running ``streamlit run`` process, or ``scripts/serve.py`` (app processes behind
    nginx, :func:`start_proxied`), in its own process group."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    base_path: str = ""  # server.baseUrlPath as a prefix: "" or "/atlas"
    run_dir: Path | None = None  # the launcher's configuration, logs and temp files

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` plus the base path, no trailing slash."""
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.proc.pid

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's combined stdout/stderr."""
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError as exc:
            return f"(no log: {exc})"

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server's process group by its PID; kill it if it does not stop."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        self.log.unlink(missing_ok=True)
        if self.run_dir is not None:
            shutil.rmtree(self.run_dir, ignore_errors=True)


def start_server(script: str | Path = "app.py", *, cwd: Path = ROOT,
                 env: Mapping[str, str] | None = None, timeout: float = 60.0,
                 extra_args: Sequence[str] = (), base_path: str = "") -> Server:
    """Start ``streamlit run script`` on a free port and wait until it is healthy.

    Parameters
    ----------
    script : str or Path
        The entry script, relative to ``cwd``.
    cwd : Path
        Working directory (Streamlit serves ``./static`` next to the script).
    env : mapping, optional
        Extra environment variables (e.g. ``ATLAS_ENTERPRISES``).
    timeout : float
        Seconds to wait for ``/_stcore/health``.
    base_path : str, optional
        ``server.baseUrlPath`` (``"/atlas"``): the app alone under a path, no proxy.

    Raises
    ------
    RuntimeError
        If the server exits or is not healthy in time; the message holds its log tail.
    """
    port = free_port()
    fd, log_name = tempfile.mkstemp(prefix="e2e-streamlit-", suffix=".log")
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", *extra_args]
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    if prefix:
        cmd += ["--server.baseUrlPath", prefix.strip("/")]
    with os.fdopen(fd, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})},
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    server = Server(proc, port, Path(log_name), base_path=prefix)
    try:
        _wait_healthy(server, timeout)
    except BaseException:
        tail = server.log_tail()
        server.stop()
        raise RuntimeError(f"{' '.join(cmd)} (cwd {cwd}) did not become healthy within "
                           f"{timeout:.0f} s; its output ends with:\n{tail}") from None
    return server


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports free on 127.0.0.1 right now."""
    for _ in range(100):
        first = free_port()
        with contextlib.ExitStack() as stack:
            try:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return first
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def start_proxied(workers: int = 2, *, base_path: str = "", env: Mapping[str, str] | None = None,
                  timeout: float = 180.0) -> Server:
    """Start ``scripts/serve.py``: ``workers`` app processes behind nginx, on free loopback
    ports, served under ``base_path``; wait until the proxy answers its health check.

    Raises
    ------
    RuntimeError
        If the launcher exits or the proxy is not healthy in time (with the log's tail).
    """
    port, first = free_port(), free_ports(workers)
    run_dir = Path(tempfile.mkdtemp(prefix="e2e-serve-"))
    log = run_dir / "serve.log"
    cmd = [sys.executable, str(ROOT / "scripts" / "serve.py"), "--workers", str(workers),
           "--first-port", str(first), "--listen", f"127.0.0.1:{port}",
           "--run-dir", str(run_dir), "--check-every", "1", "--base-url-path", base_path]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})},
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    server = Server(proc, port, log, base_path=prefix, run_dir=run_dir)
    try:
        _wait_healthy(server, timeout)
    except BaseException:
        tail = server.log_tail()
        server.stop()
        raise RuntimeError(f"{' '.join(cmd)} did not become healthy within {timeout:.0f} s; "
                           f"its output ends with:\n{tail}") from None
    return server


def _wait_healthy(server: Server, timeout: float) -> None:
    url = f"{server.base_url}/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited with code {server.proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # polling interval of a bounded wait, not a fixed delay
    raise TimeoutError(url)


def rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its children, in bytes."""
    import psutil

    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


# --------------------------------------------------------------------------- browser
#: The only console errors not counted: opened on a page URL (``/enterprises``), Streamlit's
#: frontend first checks whether that path is the server's base path — GET
#: ``/enterprises/_stcore/health`` and ``…/_stcore/host-config`` answer 404, which Chromium
#: logs as console errors — then falls back to ``/``. Streamlit's own, harmless, and matched
#: exactly (loopback host, one path segment, those two endpoints); they are still recorded
#: in :attr:`Recorder.ignored`.
BENIGN_CONSOLE: Final = re.compile(
    r"Failed to load resource: the server responded with a status of 404 \(Not Found\) "
    r"\(http://127\.0\.0\.1:\d+/[a-z_]+/_stcore/(?:health|host-config):\d*\)"
)

def launch(playwright: Any) -> Any:
    """Launch Debian's chromium headless with background networking off."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=list(LAUNCH_ARGS))


@dataclass
class Recorder:
    """Every request, console error and uncaught exception of a browser context.

    ``page.on("console")`` / ``page.on("pageerror")`` also receive what the page's iframes
    (the map component) log and throw; ``context.on("request")`` sees every frame's
    requests, websockets included (they start as an HTTP request).
    """

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def attach_context(self, context: Any) -> None:
        """Record the context's requests."""
        context.on("request", lambda req: self.requests.append(req.url))

    def attach_page(self, page: Any) -> None:
        """Record the page's (and its frames') console errors and uncaught exceptions."""
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(f"{exc.name}: {exc.message}"
                                                                  f"\n{exc.stack or ''}"))
        page.on("websocket", lambda ws: self.requests.append(ws.url))

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            loc = msg.location or {}
            text = f"{msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})"
            if BENIGN_CONSOLE.fullmatch(text):
                self.ignored.append(text)
            else:
                self.console_errors.append(text)

    def foreign_requests(self) -> list[str]:
        """Requests to any host other than the app's own (loopback), or odd schemes."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.scheme not in ("http", "https", "ws", "wss") or \
                    parts.hostname not in LOCAL_HOSTS:
                out.append(url)
        return out

    def problems(self) -> list[str]:
        """Foreign requests, console errors and page errors, one line each."""
        return ([f"foreign request: {u}" for u in self.foreign_requests()]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors])


class View:
    """A fresh browser context on one server: a page plus what it recorded."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.base_url = base_url
        self.rec = Recorder()
        # tall enough that the map (below the page's tables) is in the screenshot
        self.context = browser.new_context(viewport={"width": 1440, "height": 1700},
                                           device_scale_factor=1)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.rec.attach_context(self.context)
        self.page = self.context.new_page()
        self.rec.attach_page(self.page)

    def url(self, path: str = "", **params: str) -> str:
        """The app's URL for a page path and query parameters."""
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.base_url}/{path}{query}"

    def open(self, path: str = "", **params: str) -> None:
        """Navigate and wait until Streamlit's run is over."""
        self.page.goto(self.url(path, **params), wait_until="domcontentloaded")
        wait_idle(self.page)

    def exceptions(self) -> list[str]:
        """Texts of the exceptions Streamlit shows in the page (``st.exception`` boxes)."""
        return [x.strip()[:800] for x in self.page.locator(EXCEPTION).all_inner_texts()]

    def problems(self) -> list[str]:
        """Everything that went wrong: :meth:`Recorder.problems` plus shown exceptions."""
        return self.rec.problems() + [f"exception in the page: {e}" for e in self.exceptions()]

    def nav_titles(self) -> list[str]:
        """The page titles in the sidebar navigation, in order."""
        return [x.strip() for x in self.page.locator(NAV_TITLES).all_inner_texts()]

    def close(self) -> None:
        """Close the context (and its page)."""
        self.context.close()


def wait_idle(page: Any, timeout: int = TIMEOUT_MS) -> None:
    """Wait until Streamlit's script run is over and the connection is up."""
    page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout)
    page.locator(RUNNING_ICON).wait_for(state="detached", timeout=timeout)


def widget(page: Any, key: str) -> Any:
    """The element container of the Streamlit widget with ``key`` (class ``st-key-KEY``)."""
    return page.locator(f".st-key-{key}")


def open_selectbox(page: Any, key: str, option: str, timeout: int = TIMEOUT_MS) -> Any:
    """Open the selectbox with widget ``key``; return the locator of its option ``option``
    (exact label) for the caller to click."""
    widget(page, key).locator('[role="combobox"]').click(timeout=timeout)
    found = page.get_by_role("option", name=option, exact=True)
    found.wait_for(timeout=timeout)
    return found


def map_frame(page: Any, timeout: int = TIMEOUT_MS, index: int = 0) -> Any:
    """The Playwright ``Frame`` of the ``index``-th map component on the page."""
    iframe = page.locator(MAP_IFRAME).nth(index)
    iframe.wait_for(state="attached", timeout=timeout)
    frame = iframe.element_handle(timeout=timeout).content_frame()
    if frame is None:
        raise FrameGone("the map iframe was replaced while it was looked up")
    return frame


class FrameGone(RuntimeError):
    """The map iframe was removed or replaced (``st_folium`` rebuilt the component)."""


def wait_in_map(frame: Any, expression: str, arg: Any = None,
                timeout: int = TIMEOUT_MS) -> Any:
    """Wait (each animation frame) until the JS ``expression(arg)`` in the map frame is truthy.

    ``expression`` is a function source, e.g. ``"(n) => count() === n"``; returns its value.
    """
    handle = frame.wait_for_function(expression, arg=arg, polling="raf", timeout=timeout)
    return handle.json_value()


# --------------------------------------------------------------------------- fonts drawn
def font_probe(context: Any, page: Any) -> Any:
    """A DevTools session on ``page`` ready for :func:`rendered_fonts` (iframes included)."""
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})
    return cdp


def rendered_fonts(cdp: Any, selector: str) -> list[dict[str, Any]]:
    """Fonts chromium actually drew the first node matching ``selector`` with
    (``CSS.getPlatformFontsForNode``: family, custom or system, glyph count)."""
    search = cdp.send("DOM.performSearch", {"query": selector})
    try:
        if not search["resultCount"]:
            return []
        node = cdp.send("DOM.getSearchResults", {"searchId": search["searchId"],
                                                 "fromIndex": 0, "toIndex": 1})["nodeIds"][0]
        return list(cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"])
    finally:
        cdp.send("DOM.discardSearchResults", {"searchId": search["searchId"]})


# --------------------------------------------------------------------------- the atlas map
#: What the map shows, read from Leaflet's own objects in the component iframe
#: (``window.map`` is set by streamlit-folium; ``L.atlas`` by static/js/atlas.js):
#:
#: - ``cityLayers``: ``L.atlas.Areas`` groups whose polygons are exactly the 21 cities
#:   (``feature.properties.key`` = adcode) and are all drawn (an SVG path with a ``d``
#:   attribute, attached to the document);
#: - ``points``: ``[n]`` per ``L.atlas.Points`` layer (firms in its data) and ``canvases``:
#:   its canvas size;
#: - ``labels``: texts of the visible permanent labels (``.atlas-label-name``);
#: - ``legends``: texts of the visible legends (``.atlas-legend``);
#: - ``sites``: site markers (``.atlas-site``).
PROBE_JS: Final = """(cities) => {
  const L = window.L, map = window.map;
  if (!L || !L.atlas || !map || !map._loaded) { return null; }
  const want = new Set(cities);
  const box = map.getContainer().getBoundingClientRect();
  const visible = (e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"
      && r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom;
  };
  const layers = Object.values(map._layers);
  let cityLayers = 0, drawnPaths = 0;
  layers.filter((l) => l instanceof L.atlas.Areas).forEach((g) => {
    const keys = new Set(); let all = 0;
    g.eachLayer((p) => {
      all++;
      const k = String(p.feature && p.feature.properties ? p.feature.properties.key : "");
      const d = p._path && p._path.isConnected ? p._path.getAttribute("d") || "" : "";
      if (d.length > 10) { drawnPaths++; if (want.has(k)) { keys.add(k); } }
    });
    if (all === want.size && keys.size === want.size) { cityLayers++; }
  });
  const pts = layers.filter((l) => L.atlas.Points && l instanceof L.atlas.Points);
  return {
    cityLayers: cityLayers,
    drawnPaths: drawnPaths,
    points: pts.map((p) => p._pts.n),
    canvases: pts.map((p) => p._canvas ? [p._canvas.width, p._canvas.height] : null),
    labels: [...document.querySelectorAll(".atlas-label-name")].filter(visible)
      .map((e) => e.textContent),
    legends: [...document.querySelectorAll(".atlas-legend")].filter(visible)
      .map((e) => e.textContent.trim()),
    sites: document.querySelectorAll(".atlas-site").length,
    size: [box.width, box.height],
  };
}"""


#: Non-transparent pixels on the firms' canvas (0 if there is no such layer).
PAINTED_JS: Final = """() => {
  const L = window.L, map = window.map;
  const pts = Object.values(map._layers).filter((l) => l instanceof L.atlas.Points);
  if (pts.length !== 1 || !pts[0]._canvas) { return 0; }
  const c = pts[0]._canvas, px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) { n++; } }
  return n;
}"""


def city_codes() -> list[str]:
    """The 21 city adcodes (geo.layout)."""
    from geo.layout import CITIES

    return [c.adcode for c in CITIES]


def probe(frame: Any) -> dict[str, Any] | None:
    """The map's state now (see :data:`PROBE_JS`); ``None`` before Leaflet is up."""
    return frame.evaluate(PROBE_JS, city_codes())


def wait_on_map(page: Any, expression: str, arg: Any = None, timeout: int = TIMEOUT_MS,
                index: int = 0) -> Any:
    """Like :func:`wait_in_map`, following the map iframe if it is replaced meanwhile.

    ``st_folium`` rebuilds its component when the map changes, and a page switch replaces
    it; a wait bound to the old iframe would never end. So the wait runs in slices of at
    most :data:`FRAME_SLICE_MS` in the iframe found at that moment, under one deadline.
    """
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.monotonic() + timeout / 1000
    while True:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0:
            raise MapTimeout(f"{expression[:200]} did not hold within {timeout} ms")
        try:
            frame = map_frame(page, timeout=left, index=index)
            return wait_in_map(frame, expression, arg, timeout=min(left, FRAME_SLICE_MS))
        except FrameGone:
            continue
        except PlaywrightError as exc:
            timed_out = "Timeout" in type(exc).__name__ or "Timeout" in exc.message
            gone = any(w in exc.message for w in ("detached", "destroyed", "not attached"))
            if not (timed_out or gone):
                raise


#: Longest single wait inside one map iframe before looking for the iframe again (ms).
FRAME_SLICE_MS: Final = 2000


class MapTimeout(AssertionError):
    """The map did not reach the awaited state in time."""


def wait_map(page: Any, ready: str, timeout: int = TIMEOUT_MS, index: int = 0
             ) -> dict[str, Any]:
    """Wait until ``ready(state)`` holds for the map's :data:`PROBE_JS` state; return it.

    ``ready`` is a JS function source over the state, e.g.
    ``"(s) => s.cityLayers >= 1 && s.points[0] === 2042"``. On timeout the error message
    holds the last state seen, so a failure says what the map showed.
    """
    from playwright.sync_api import Error as PlaywrightError

    expression = (f"(c) => {{ const s = ({PROBE_JS})(c); "
                  f"return s && ({ready})(s) ? s : false; }}")
    try:
        return wait_on_map(page, expression, city_codes(), timeout, index)
    except MapTimeout:
        try:
            last = probe(map_frame(page, timeout=1000, index=index))
        except (PlaywrightError, FrameGone) as exc:
            last = f"(no map frame: {str(exc).splitlines()[0]})"
        raise MapTimeout(f"map not ready within {timeout} ms: {ready}\nlast state: {last}"
                         ) from None
