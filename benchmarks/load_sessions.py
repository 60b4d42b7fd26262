"""Load test: N concurrent sessions on the dashboard; page-run latency and server memory.

For each N (default 1, 10, 30) the script starts a fresh ``streamlit run app.py`` on a free
loopback port (headless), waits for ``/_stcore/health``, opens N concurrent sessions, and
in every session:

1. loads the start page (``--path``, default ``/``: the Overview) and times its first
   script run;
2. makes ``--changes`` filter changes (default: the next option of the first sidebar
   selectbox — the zone filter — else toggling the first sidebar checkbox), all N sessions
   at the same moment (a barrier: the worst case; ``--stagger S`` spreads them over S s),
   timing each from the request until the script run it caused has finished.

Sessions that make the same change see the same map, which the app renders once and shares
(``ui.mapview``'s render cache). ``--distinct`` (ws client) gives every session its own
segment filter in the start URL, so every load and every change draws a map no other
session has: the cost without that sharing.

Two clients:

``--client ws`` (default): browser-less sessions speaking Streamlit's websocket protocol
    (``/_stcore/stream``, the protobuf ``BackMsg``/``ForwardMsg`` messages shipped in the
    ``streamlit`` package): a rerun request with the changed widget's state, then messages
    until ``script_finished``. Nothing renders on the client, so the figures are the
    server's. Not covered: what a browser adds — static files, component iframes, and a
    rerun a component may trigger after it renders (st_folium returning map state).
``--client browser``: pages of one headless Debian chromium driven by Playwright (never
    ``playwright install``). A hook installed before the page's scripts reads the same
    websocket messages (``new_session`` starts a run, ``script_finished`` ends it) on the
    browser clock; before each change the page must be settled (no run for 300 ms, no
    element still showing its skeleton). The N tabs share this machine's two cores with
    the server (see the browser CPU column), so latencies are pessimistic.
    ``--block-static`` aborts ``/app/static/`` requests (vendored Leaflet: no map drawing
    in the tabs); page errors that causes are not counted.

``--processes P …`` serves the app the way ``make serve`` does instead: ``scripts/serve.py``
starts P app processes behind nginx (``deploy/``) and every session goes through the proxy,
its websocket pinned to one process by the sticky cookie (``--client ws``: cookies chosen so
the sessions spread evenly over the processes; ``--client browser``: each page gets the
random cookie nginx hands out). Rounds run for every P and every N; for each N the report
ends with the ratio of the 1-process medians to the P-process ones. RSS and CPU columns
then cover the whole tree (launcher, nginx, apps).

It prints, per N: sessions that completed, median/p95 of the first load and of the filter
changes, errors (failed sessions, Streamlit exceptions, compile errors, uncaught page
errors), server RSS (the streamlit process and its children, psutil) idle and with the N
sessions open, server and browser CPU seconds, and finally memory per extra session =
(RSS at the largest N − RSS at N=1) / (N − 1), each from a fresh server. Exit 1 if any
session failed or saw an error.

Bounded: every wait has a timeout, the counts are fixed, traffic goes to 127.0.0.1 only,
and the server is stopped (its own process group) at the end of each round.

Usage::

    .venv/bin/python benchmarks/load_sessions.py                       # app.py, N = 1 10 30
    .venv/bin/python benchmarks/load_sessions.py --client browser --sessions 1 10
    .venv/bin/python benchmarks/load_sessions.py --app /tmp/demo/app.py --json out.json
    .venv/bin/python benchmarks/load_sessions.py --processes 1 2 --sessions 30 --distinct
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
from playwright.async_api import BrowserContext, Locator, Page, async_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
]
HOST = "127.0.0.1"  # loopback only
APP = '[data-testid="stApp"]'

# Timestamps every change of Streamlit's run state (browser clock, ms).
# Installed before the page's own scripts (add_init_script). Streamlit sends one protobuf
# ForwardMsg per websocket message; this reads only the top-level field tags of each one
# and logs, on the browser clock, ``new_session`` (field 4: a script run starts) and
# ``script_finished`` (field 6, with its status: 0 done, 1 compile error, 2 stopped early
# for a rerun, 3 fragment done). Streamlit's ``data-test-script-state`` attribute is not
# used: under load React batches running -> notRunning into one render and it never flips.
OBSERVE_JS = """(() => {
  const log = window.__loadRuns = [];
  const varint = (b, i) => {
    let x = 0, s = 0, c;
    do { c = b[i++]; x += (c & 0x7f) * 2 ** s; s += 7; } while (c & 0x80 && i < b.length);
    return [x, i];
  };
  const scan = buf => {
    const b = new Uint8Array(buf);
    let i = 0, key, v;
    while (i < b.length) {
      [key, i] = varint(b, i);
      const field = Math.floor(key / 8), wire = key & 7;
      if (wire === 0) { [v, i] = varint(b, i); if (field === 6) return ['finished', v]; }
      else if (wire === 2) { [v, i] = varint(b, i); if (field === 4) return ['start', 0]; i += v; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return null;
    }
    return null;
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const hit = scan(e.data);
        if (hit) log.push([performance.now(), ...hit]);
      });
    }
  };
})();"""
# Resolves with ms from t0 to the end of the first script run that started after t0
# (a run stopped early because another rerun was requested does not count as the end).
WAIT_RUN_JS = """([t0, timeoutMs]) => new Promise((resolve, reject) => {
  const started = performance.now();
  const check = () => {
    const runs = window.__loadRuns.filter(r => r[0] >= t0);
    const i = runs.findIndex(r => r[1] === 'start');
    if (i >= 0) {
      const done = runs.slice(i).find(r => r[1] === 'finished' && r[2] !== 2);
      if (done) return done[2] === 1 ? reject(new Error('script compile error'))
                                     : resolve(done[0] - t0);
    }
    if (performance.now() - started > timeoutMs) {
      const seen = runs.map(r => r.slice(1).join(':')).join(',') || 'no run';
      return reject(new Error('run timeout; seen: ' + seen));
    }
    setTimeout(check, 10);
  };
  check();
})"""
# Resolves once no script run is going on, none has ended for quietMs, and the browser has
# drawn every element (no skeletons left while lazy element code loads).
SETTLE_JS = """([quietMs, timeoutMs]) => new Promise((resolve, reject) => {
  const started = performance.now();
  const skeletons = '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], ' +
                    '[data-testid="stAppSkeleton"]';
  const check = () => {
    const log = window.__loadRuns;
    const last = log[log.length - 1];
    const idle = last && last[1] === 'finished' && !document.querySelector(skeletons);
    if (idle && performance.now() - last[0] >= quietMs) return resolve(true);
    if (performance.now() - started > timeoutMs) return reject(new Error('never settled'));
    setTimeout(check, 20);
  };
  check();
})"""
QUIET_MS = 300


# --------------------------------------------------------------------------- server


@dataclass
class Server:
    """A ``streamlit run`` child process in its own process group."""

    app: Path
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", str(self.app),
            "--server.headless=true", f"--server.address={HOST}", f"--server.port={self.port}",
            "--server.fileWatcherType=none", "--server.runOnSave=false",
            "--browser.gatherUsageStats=false",
        ]

    def start(self) -> None:
        cmd = self.command()
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd, cwd=self.app.parent, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )

    def wait_healthy(self, timeout: float) -> float:
        """Seconds until ``/_stcore/health`` answers ``ok``; raise if it does not in time."""
        url = f"http://{HOST}:{self.port}/_stcore/health"
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.read().strip() == b"ok":
                        return time.perf_counter() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{url} not healthy within {timeout:.0f} s; see {self.log_path}")

    def _tree(self) -> list[psutil.Process]:
        if self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self) -> float:
        total = 0
        for proc in self._tree():
            with contextlib.suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total / 2**20

    def cpu_seconds(self) -> float:
        total = 0.0
        for proc in self._tree():
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # the group this script created
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=15)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> int:
    """First of ``count`` consecutive free loopback ports (the launcher numbers its apps)."""
    for _ in range(100):
        first = free_port()
        socks = []
        try:
            for port in range(first, first + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                socks.append(sock)
                sock.bind((HOST, port))
            return first
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports on {HOST}")


@dataclass
class Proxied(Server):
    """``scripts/serve.py``: ``processes`` app processes behind nginx on ``port``."""

    processes: int = 1
    run_dir: Path | None = None

    def command(self) -> list[str]:
        return [
            sys.executable, str(ROOT / "scripts" / "serve.py"),
            "--workers", str(self.processes), "--first-port", str(free_ports(self.processes)),
            "--listen", f"{HOST}:{self.port}", "--run-dir", str(self.run_dir),
        ]

    def sticky_cookies(self) -> list[str]:
        """One ``atlas_backend`` cookie value per app process (probed through the proxy)."""
        by_upstream: dict[str, str] = {}
        for _ in range(64 * self.processes):
            cookie = secrets.token_hex(16)
            request = urllib.request.Request(
                f"http://{HOST}:{self.port}/_stcore/health",
                headers={"Cookie": f"atlas_backend={cookie}"})
            with urllib.request.urlopen(request, timeout=10) as resp:
                by_upstream.setdefault(resp.headers["X-Atlas-Upstream"], cookie)
            if len(by_upstream) == self.processes:
                return [by_upstream[k] for k in sorted(by_upstream)]
        raise RuntimeError(f"the proxy reached only {sorted(by_upstream)}")

    def restarts(self) -> list[str]:
        """App processes the launcher had to restart (counted as errors)."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [line for line in text.splitlines() if "restarting" in line]


def browser_cpu_seconds() -> float:
    """CPU time of the chromium processes this script's Playwright driver started."""
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name():
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


# --------------------------------------------------------------------------- sessions


@dataclass
class SessionResult:
    load_s: float | None = None
    changes_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _wait_first_run(page: Page, timeout_ms: float) -> None:
    """Wait for the connection and the end of the first script run after navigation."""
    await page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]',
                                 timeout=timeout_ms)
    await page.evaluate(WAIT_RUN_JS, [0, timeout_ms])


async def _prepare_change(page: Page, action: str, step: int, timeout_ms: float) -> Locator:
    """Get the ``step``-th filter change ready; return what to click to make it.

    Opening a selectbox is client-side only, so it happens before the clock starts.
    """
    scope = page.locator('[data-testid="stSidebar"]')
    if not await scope.count():
        scope = page.locator('[data-testid="stMain"]')
    selects = scope.locator('[data-testid="stSelectbox"]')
    if action in ("auto", "selectbox") and await selects.count():
        await selects.first.click(timeout=timeout_ms)
        options = page.get_by_role("option")
        await options.first.wait_for(timeout=timeout_ms)
        n = await options.count()
        return options.nth(1 + step % (n - 1) if n > 1 else 0)
    boxes = scope.locator('[data-testid="stCheckbox"]')
    if action in ("auto", "checkbox") and await boxes.count():
        return boxes.first.locator("label")
    raise RuntimeError(f"no {action} widget to change on the page")


async def browser_session(
    context: BrowserContext, url: str, args: argparse.Namespace, barrier: asyncio.Barrier,
    result: SessionResult,
) -> None:
    """One Playwright page: load, then ``args.changes`` timed filter changes."""
    timeout_ms = args.timeout * 1000
    page = await context.new_page()
    page.on("pageerror", lambda exc: result.errors.append(f"page error: {exc}"))
    alive = True
    try:
        start = time.perf_counter()
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
        await _wait_first_run(page, timeout_ms)
        result.load_s = time.perf_counter() - start
    except Exception as exc:  # one broken session must not stop the round
        result.errors.append(f"load: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        alive = False
    for step in range(args.changes):
        await barrier.wait()  # every session takes part in every step, even a broken one
        if not alive:
            continue
        try:
            if args.stagger:
                await asyncio.sleep(random.uniform(0, args.stagger))
            await page.evaluate(SETTLE_JS, [QUIET_MS, timeout_ms])  # no run left over
            target = await _prepare_change(page, args.action, step, timeout_ms)
            t0 = await page.evaluate("performance.now()")
            await target.click(timeout=timeout_ms)
            ms = await page.evaluate(WAIT_RUN_JS, [t0, timeout_ms])
            result.changes_s.append(ms / 1000)
        except Exception as exc:
            result.errors.append(f"change {step}: {type(exc).__name__}: "
                                 f"{str(exc).splitlines()[0]}")
            alive = False
    if alive:
        shown = await page.locator('[data-testid="stException"]').count()
        result.errors += [f"streamlit exception on page ({shown})"] if shown else []


# --------------------------------------------------------------------------- websocket client


@dataclass
class RunInfo:
    """What one script run sent to a websocket session."""

    deltas: int = 0
    exceptions: list[str] = field(default_factory=list)
    #: element type -> (widget id, formatted options), sidebar widgets before main ones
    widgets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


def _rerun_msg(page_name: str, query: str, state: Any = None) -> bytes:
    """A ``BackMsg.rerun_script`` as the frontend sends it (optionally with one widget)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page_name
    if state is not None:
        msg.rerun_script.widget_states.widgets.append(state)
    return msg.SerializeToString()


def _note_element(msg: Any, info: RunInfo, sidebar_seen: set[str]) -> None:
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        info.exceptions.append(f"{element.exception.type}: {element.exception.message[:120]}")
    elif kind in ("selectbox", "checkbox"):
        in_sidebar = list(msg.metadata.delta_path[:1]) == [1]
        if kind not in info.widgets or (in_sidebar and kind not in sidebar_seen):
            widget = getattr(element, kind)
            info.widgets[kind] = (widget.id, list(getattr(widget, "options", [])))
            if in_sidebar:
                sidebar_seen.add(kind)


async def _ws_run(ws: Any, request: bytes) -> RunInfo:
    """Send a rerun request and read messages until the run it started has finished."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    await ws.send(request)
    info, sidebar_seen, started = RunInfo(), set(), False
    while True:
        msg = ForwardMsg.FromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            started = True
        elif kind == "delta" and started:
            info.deltas += 1
            if msg.delta.WhichOneof("type") == "new_element":
                _note_element(msg, info, sidebar_seen)
        elif kind == "script_finished" and started:
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                info.exceptions.append("script compile error")
            if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return info


def _widget_change(widgets: dict[str, tuple[str, list[str]]], action: str, step: int) -> Any:
    """The WidgetState of the ``step``-th filter change (next selectbox option, or toggle)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState()
    if action in ("auto", "selectbox") and "selectbox" in widgets:
        state.id, options = widgets["selectbox"]
        state.string_value = options[1 + step % (len(options) - 1)] if len(options) > 1 else ""
        return state
    if action in ("auto", "checkbox") and "checkbox" in widgets:
        state.id = widgets["checkbox"][0]
        state.bool_value = step % 2 == 0
        return state
    raise RuntimeError(f"no {action} widget to change on the page")


def distinct_query(query: str, index: int) -> str:
    """``query`` plus a segment filter of its own for session ``index`` (``--distinct``):
    1, 2 or 3 of the six chain segments, so up to 41 sessions each see a different
    selection and no map is shared between sessions."""
    from itertools import combinations

    from geo.layout import SEGMENTS

    combos = [c for r in (1, 2, 3) for c in combinations(sorted(SEGMENTS), r)]
    if index >= len(combos):
        raise ValueError(f"--distinct supports at most {len(combos)} sessions")
    extra = "seg=" + ",".join(combos[index])
    return f"{query}&{extra}" if query else extra


async def ws_session(
    port: int, args: argparse.Namespace, barrier: asyncio.Barrier, result: SessionResult,
    index: int = 0, cookie: str | None = None,
) -> None:
    """One browser-less session over Streamlit's websocket: load, then timed changes."""
    import websockets

    path, _, query = args.path.partition("?")
    if args.distinct:
        query = distinct_query(query, index)
    page_name = path.strip("/")
    ws = None
    widgets: dict[str, tuple[str, list[str]]] = {}
    try:
        start = time.perf_counter()
        ws = await websockets.connect(
            f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"],
            max_size=None, open_timeout=args.timeout,
            additional_headers={"Cookie": f"atlas_backend={cookie}"} if cookie else None,
        )
        info = await asyncio.wait_for(_ws_run(ws, _rerun_msg(page_name, query)), args.timeout)
        result.load_s = time.perf_counter() - start
        result.errors += info.exceptions
        widgets = info.widgets
    except Exception as exc:  # one broken session must not stop the round
        result.errors.append(f"load: {type(exc).__name__}: {exc}")
    try:
        for step in range(args.changes):
            await barrier.wait()  # every session takes part in every step, even a broken one
            if ws is None or result.load_s is None or len(result.changes_s) < step:
                continue
            try:
                if args.stagger:
                    await asyncio.sleep(random.uniform(0, args.stagger))
                request = _rerun_msg(page_name, query, _widget_change(widgets, args.action, step))
                t0 = time.perf_counter()
                info = await asyncio.wait_for(_ws_run(ws, request), args.timeout)
                result.changes_s.append(time.perf_counter() - t0)
                result.errors += info.exceptions
                if not info.deltas:
                    result.errors.append(f"change {step}: the run drew nothing")
            except Exception as exc:
                result.errors.append(f"change {step}: {type(exc).__name__}: {exc}")
    finally:
        if ws is not None:
            await ws.close()


# --------------------------------------------------------------------------- rounds


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class RoundResult:
    processes: int | None  # app processes behind nginx; None: one process, no proxy
    sessions: int
    ok_sessions: int
    startup_s: float
    load_median_s: float | None
    load_p95_s: float | None
    change_median_s: float | None
    change_p95_s: float | None
    change_max_s: float | None
    changes: int
    errors: int
    error_samples: list[str]
    rss_idle_mb: float
    rss_mb: float
    server_cpu_s: float
    browser_cpu_s: float


async def _browser_round(
    server: Server, args: argparse.Namespace, barrier: asyncio.Barrier,
    results: list[SessionResult], deadline: float,
) -> tuple[float, float]:
    """Run the sessions as pages of one chromium; return (server RSS, browser CPU s)."""
    url = f"http://{HOST}:{server.port}{args.path}"
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        await context.add_init_script(OBSERVE_JS)
        if args.block_static:
            await context.route("**/app/static/**", lambda route: route.abort())
        await asyncio.wait_for(asyncio.gather(
            *(browser_session(context, url, args, barrier, r) for r in results)), deadline)
        rss, cpu = server.rss_mb(), browser_cpu_seconds()  # before chromium exits
        await context.close()
        await browser.close()
    return rss, cpu


async def run_round(
    n: int, args: argparse.Namespace, workdir: Path, processes: int | None = None
) -> RoundResult:
    server: Server
    if processes is None:
        server = Server(args.app, free_port(), workdir / f"streamlit-{n}.log")
    else:
        run_dir = workdir / f"serve-{processes}-{n}"
        server = Proxied(args.app, free_port(), workdir / f"serve-{processes}-{n}.log",
                         processes=processes, run_dir=run_dir)
    server.start()
    try:
        startup = server.wait_healthy(args.timeout)
        cookies = server.sticky_cookies() if isinstance(server, Proxied) else [None]
        rss_idle = server.rss_mb()
        cpu0 = server.cpu_seconds()
        results = [SessionResult() for _ in range(n)]
        barrier = asyncio.Barrier(n)
        deadline = args.timeout * (args.changes + 2)
        if args.client == "ws":
            await asyncio.wait_for(asyncio.gather(
                *(ws_session(server.port, args, barrier, r, i, cookies[i % len(cookies)])
                  for i, r in enumerate(results))),
                deadline)
            rss, bcpu = server.rss_mb(), 0.0  # sessions still open
        else:
            rss, bcpu = await _browser_round(server, args, barrier, results, deadline)
        errors = [e for r in results for e in r.errors
                  if not (args.block_static and e.startswith("page error"))]
        errors += server.restarts() if isinstance(server, Proxied) else []
        loads = [r.load_s for r in results if r.load_s is not None]
        changes = [c for r in results for c in r.changes_s]
        return RoundResult(
            processes=processes,
            sessions=n,
            ok_sessions=sum(1 for r in results if r.load_s is not None
                            and len(r.changes_s) == args.changes),
            startup_s=startup,
            load_median_s=statistics.median(loads) if loads else None,
            load_p95_s=_pct(loads, 0.95),
            change_median_s=statistics.median(changes) if changes else None,
            change_p95_s=_pct(changes, 0.95),
            change_max_s=max(changes) if changes else None,
            changes=len(changes),
            errors=len(errors),
            error_samples=errors[:5],
            rss_idle_mb=rss_idle,
            rss_mb=rss,
            server_cpu_s=server.cpu_seconds() - cpu0,
            browser_cpu_s=bcpu,
        )
    finally:
        server.stop()


def _fmt(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.2f}{unit}"


def report(rounds: list[RoundResult], args: argparse.Namespace) -> list[str]:
    lines = [
        f"app {args.app} · path {args.path} · client {args.client} · "
        f"{args.changes} change(s) per session · action {args.action} · "
        f"stagger {args.stagger:g} s · "
        + ("every session its own segments · " if args.distinct else "")
        + ("" if args.client == "ws" else
           f"static {'blocked' if args.block_static else 'served'} · ")
        + ("" if args.processes is None else "through nginx (scripts/serve.py) · ")
        + f"{os.cpu_count()} CPUs",
        f"{'P':>2} {'N':>3} {'ok':>4} {'load med':>9} {'load p95':>9} {'chg med':>8} "
        f"{'chg p95':>8} {'chg max':>8} {'errors':>6} {'RSS idle':>9} {'RSS':>8} "
        f"{'srv CPU':>8} {'brw CPU':>8}",
    ]
    for r in rounds:
        lines.append(
            f"{'-' if r.processes is None else r.processes:>2} {r.sessions:>3} "
            f"{r.ok_sessions:>4} {_fmt(r.load_median_s, 's'):>9} "
            f"{_fmt(r.load_p95_s, 's'):>9} {_fmt(r.change_median_s, 's'):>8} "
            f"{_fmt(r.change_p95_s, 's'):>8} {_fmt(r.change_max_s, 's'):>8} {r.errors:>6} "
            f"{r.rss_idle_mb:>7.0f}MB {r.rss_mb:>6.0f}MB {r.server_cpu_s:>7.1f}s "
            f"{r.browser_cpu_s:>7.1f}s"
        )
        lines += [f"      ! {e}" for e in r.error_samples]
    for procs in sorted({r.processes or 0 for r in rounds}):
        by_n = {r.sessions: r for r in rounds if (r.processes or 0) == procs}
        if 1 in by_n and max(by_n) > 1:
            top = by_n[max(by_n)]
            per = (top.rss_mb - by_n[1].rss_mb) / (top.sessions - 1)
            lines.append(f"memory per extra session{f' (P={procs})' if procs else ''}: "
                         f"{per:.1f} MB ((RSS at N={top.sessions} - RSS at N=1) / "
                         f"{top.sessions - 1})")
    return lines + process_ratios(rounds)


def _ratio(one: float | None, many: float | None) -> str:
    return "-" if not one or not many else f"{one / many:.2f}x"


def process_ratios(rounds: list[RoundResult]) -> list[str]:
    """For each N: 1 process vs the most processes (medians and p95, 1-process ÷ P)."""
    lines = []
    for n in sorted({r.sessions for r in rounds}):
        by_p = {r.processes: r for r in rounds if r.sessions == n and r.processes}
        if 1 not in by_p or max(by_p) == 1:
            continue
        one, many = by_p[1], by_p[max(by_p)]
        lines.append(
            f"N={n}, 1 -> {many.processes} processes: filter change median "
            f"{_fmt(one.change_median_s, 's')} -> {_fmt(many.change_median_s, 's')} "
            f"({_ratio(one.change_median_s, many.change_median_s)}), p95 "
            f"{_fmt(one.change_p95_s, 's')} -> {_fmt(many.change_p95_s, 's')} "
            f"({_ratio(one.change_p95_s, many.change_p95_s)}); first load median "
            f"{_fmt(one.load_median_s, 's')} -> {_fmt(many.load_median_s, 's')} "
            f"({_ratio(one.load_median_s, many.load_median_s)})")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="streamlit script")
    parser.add_argument("--path", default="/", help="start page path and query, e.g. /?lang=en")
    parser.add_argument("--client", choices=("ws", "browser"), default="ws",
                        help="ws: browser-less sessions over Streamlit's websocket protocol; "
                             "browser: pages of one headless chromium (Playwright)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 10, 30])
    parser.add_argument("--changes", type=int, default=3, help="filter changes per session")
    parser.add_argument("--action", choices=("auto", "selectbox", "checkbox"), default="auto")
    parser.add_argument("--stagger", type=float, default=0.0,
                        help="spread each step's changes over this many seconds")
    parser.add_argument("--distinct", action="store_true",
                        help="ws client: give every session its own segment filter, so no two "
                             "sessions show the same map (no shared cache hits)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per wait")
    parser.add_argument("--block-static", action="store_true",
                        help="abort /app/static/ requests (no map drawing in the tabs)")
    parser.add_argument("--processes", type=int, nargs="+",
                        help="serve through nginx with this many app processes "
                             "(scripts/serve.py), e.g. 1 2; default: one process, no proxy")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.app.is_file():
        parser.error(f"{args.app}: no such app script")
    if not args.path.startswith("/"):
        parser.error("--path must start with /")
    if args.distinct and args.client != "ws":
        parser.error("--distinct needs --client ws")
    if any(n < 1 or n > 100 for n in args.sessions) or not 1 <= args.changes <= 20:
        parser.error("sessions must be 1..100 and changes 1..20")
    args.app = args.app.resolve()
    if args.processes is not None:
        if args.app != (ROOT / "app.py").resolve():
            parser.error("--processes serves the project's app.py (scripts/serve.py)")
        if any(not 1 <= p <= 16 for p in args.processes):
            parser.error("--processes must be 1..16")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    rounds: list[RoundResult] = []
    with tempfile.TemporaryDirectory(prefix="load_sessions-") as tmp:
        for procs in sorted(set(args.processes)) if args.processes else [None]:
            for n in sorted(set(args.sessions)):
                print(f"… N={n}" + (f", {procs} process(es)" if procs else ""),
                      file=sys.stderr, flush=True)
                rounds.append(asyncio.run(run_round(n, args, Path(tmp), procs)))
    lines = report(rounds, args)
    print("\n".join(lines))
    if args.json:
        payload: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()},
                                   "rounds": [asdict(r) for r in rounds], "report": lines}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    failed = any(r.errors or r.ok_sessions < r.sessions for r in rounds)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
