"""Browser benchmark: the atlas's Enterprises map next to the naive folium baseline.

For each registry size (synthetic firms from ``benchmarks/synth.py``, handed to the app with
``ATLAS_ENTERPRISES``) and each app — the atlas (``app.py``, page ``enterprises``) and the
baseline (``benchmarks/baseline_app.py``: one ``folium.Marker`` per firm in a
``MarkerCluster``, same boundaries, same vendored assets) — one server is started and
Debian's chromium (headless) measures, in the same run:

- **first map, cold**: the first visit after the server started (the registry is read and
  cached during it): navigation start → the firms are drawn in the Leaflet iframe;
- **first map, warm**: a new session in a new browser context (empty HTTP cache: a
  first-time visitor) on the same server, same measure — the median of ``--repeat`` such
  loads (min–max in the note). Two marks on the way (from the first of them): the page title
  shown (Streamlit booted, the script started) and the map's arguments received by the
  component iframe (the server built and sent the map); the rest is the browser loading
  Leaflet and drawing;
- **first map, returning**: the same page opened again in a context that already loaded it
  once (Streamlit's frontend files and Leaflet come from the HTTP cache, as for a colleague
  who used the dashboard before; a new session all the same) — median of ``--repeat``;
- **filter → map**: in the warm session, choosing zone "north" in the sidebar → the map
  holds exactly the north's firms and is drawn again;
- **payload**: the map's own payload (UTF-8 size of the arguments Streamlit posts to the
  component iframe: folium HTML/script and overlays) on load and after the filter, and all
  bytes the server sent over the websocket (page load; largest message; filter change);
- **RSS**: the server's resident memory (process + children) after these loads.

"Drawn" is read inside the map iframe on every animation frame: for the atlas, its
``L.atlas.Points`` canvas layer holds ``n`` firms and has a size; for the baseline, the
``MarkerClusterGroup`` holds ``n`` markers and a cluster icon is in the DOM. Times come from
the browser's clock (``performance.timeOrigin + performance.now()`` in the iframe minus the
page's navigation start), not from Python.

Usage: ``python benchmarks/bench_browser.py [--sizes 1000,10000,100000] [--budget 240]``
(about 10 minutes for the default sizes on a 2-core machine; the baseline at 100,000 firms
takes most of it). Every wait is bounded (``--timeout``); a baseline size whose predicted
time (linear in the firms, from the previous size) exceeds ``--budget`` seconds is reported
"not feasible" without running.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import harness  # noqa: E402
from synth import make_registry  # noqa: E402

from geo.layout import CITIES, ZONES  # noqa: E402

FILTER_ZONE = "north"
ZONE_OF_NAME = {c.name_zh: c.zone for c in CITIES}

#: Condition (JS, in the map iframe) that the firms are drawn; returns the browser time (ms
#: since the epoch) at which it first held, so the time is not Python's polling latency.
ATLAS_DRAWN = """(n) => {
  const L = window.L, map = window.map;
  if (!L || !L.atlas || !map) { return false; }
  const pts = Object.values(map._layers).filter((l) => l instanceof L.atlas.Points);
  const ok = pts.length === 1 && pts[0]._pts.n === n && pts[0]._canvas
    && pts[0]._canvas.width > 0;
  return ok ? performance.timeOrigin + performance.now() : false;
}"""
#: Runs in every frame before its scripts: in the map component's iframe, records the UTF-8
#: size of the arguments of each render message Streamlit posts to it (the folium HTML and
#: script, the overlays): the map's own payload, apart from the rest of the page.
COUNT_MAP_ARGS = """
window.__mapArgs = [];
window.addEventListener("message", (e) => {
  const d = e.data;
  if (!d || d.type !== "streamlit:render" || !d.args) { return; }
  const enc = new TextEncoder();
  let n = 0;
  for (const k in d.args) {
    const v = d.args[k];
    n += enc.encode(typeof v === "string" ? v : JSON.stringify(v === undefined ? null : v)).length;
  }
  window.__mapArgs.push([n, performance.timeOrigin + performance.now()]);
});
"""
BASELINE_DRAWN = """(n) => {
  const L = window.L, map = window.map;
  if (!L || !L.MarkerClusterGroup || !map) { return false; }
  const groups = Object.values(map._layers).filter((l) => l instanceof L.MarkerClusterGroup);
  const ok = groups.length === 1 && groups[0].getLayers().length === n
    && document.querySelector(".marker-cluster, .leaflet-marker-icon") !== null;
  return ok ? performance.timeOrigin + performance.now() : false;
}"""


@dataclass(frozen=True)
class App:
    """How to start one app and recognise its drawn map and its zone filter."""

    name: str
    script: str
    drawn_js: str
    zone_key: str  # the sidebar selectbox's widget key
    zone_option: str  # the label of the option to pick
    url_path: str = ""
    url_params: dict[str, str] = field(default_factory=dict)


ATLAS = App("atlas", "app.py", ATLAS_DRAWN, "f_zone",
            ZONES[FILTER_ZONE].label("en"), "enterprises", {"lang": "en"})
BASELINE = App("baseline", "baseline_app.py", BASELINE_DRAWN, "zone", FILTER_ZONE)


@dataclass
class Result:
    """One app at one size."""

    app: str
    firms: int
    cold_s: float | None = None
    title_s: float | None = None
    args_s: float | None = None
    warm_s: float | None = None
    warm_runs: list[float] = field(default_factory=list)
    returning_s: float | None = None
    filter_s: float | None = None
    map_bytes: int | None = None
    load_bytes: int | None = None
    largest_bytes: int | None = None
    filter_map_bytes: int | None = None
    filter_bytes: int | None = None
    rss_mb: float | None = None
    note: str = ""


def machine() -> str:
    """nproc, CPU model, RAM, and the software versions that matter."""
    from importlib.metadata import version

    import psutil

    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = psutil.virtual_memory().total / 2**30
    return (f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}, "
            f"{ram:.1f} GiB RAM; {platform.platform()}\n"
            f"python {platform.python_version()}, streamlit {version('streamlit')}, "
            f"streamlit-folium {version('streamlit-folium')}, folium {version('folium')}")


class WsMeter:
    """Bytes the server sent over the page's websocket(s)."""

    def __init__(self, page: Any) -> None:
        self.sizes: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload: str | bytes) -> None:
        self.sizes.append(len(payload.encode() if isinstance(payload, str) else payload))

    def mark(self) -> int:
        """Number of messages so far (to measure a later span)."""
        return len(self.sizes)

    def since(self, mark: int) -> tuple[int, int]:
        """(total bytes, largest message) received since ``mark``."""
        part = self.sizes[mark:]
        return sum(part), max(part, default=0)


def _drawn_at(page: Any, app: App, n: int, timeout_ms: int) -> float:
    return float(harness.wait_on_map(page, app.drawn_js, n, timeout=timeout_ms))


def _load_again(context: Any, url: str, app: App, n: int, timeout_ms: int) -> float:
    """Open ``url`` in a new tab of ``context``; navigation → drawn (s); close the tab."""
    page, _, drawn, _ = _first_map(context, url, app, n, timeout_ms)
    harness.wait_idle(page, timeout=timeout_ms)
    page.close()
    return drawn


def _first_map(context: Any, url: str, app: App, n: int, timeout_ms: int
               ) -> tuple[Any, WsMeter, float, float]:
    """Open ``url``; return the page, its meter, navigation → drawn and → title (s)."""
    page = context.new_page()
    meter = WsMeter(page)
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.locator("h1").first.wait_for(timeout=timeout_ms)
    title = page.evaluate("performance.now()")
    drawn = _drawn_at(page, app, n, timeout_ms)
    start = page.evaluate("performance.timeOrigin")
    return page, meter, (drawn - start) / 1000, title / 1000


def _map_args(page: Any) -> tuple[int, float]:
    """UTF-8 bytes of the last render message the map component received, and the browser
    time (epoch ms) at which the component received its first one."""
    got = harness.map_frame(page).evaluate("[window.__mapArgs.at(-1), window.__mapArgs[0]]")
    return int(got[0][0]), float(got[1][1])


def _new_context(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.add_init_script(COUNT_MAP_ARGS)
    return context


def _pick_zone(page: Any, app: App, timeout_ms: int) -> float:
    """Open the sidebar zone selectbox and pick the option; return the click's epoch ms."""
    option = harness.open_selectbox(page, app.zone_key, app.zone_option, timeout_ms)
    clicked = page.evaluate("Date.now()")
    option.click(timeout=timeout_ms)
    return float(clicked)


def measure(browser: Any, server: harness.Server, app: App, n: int, n_zone: int,
            timeout_ms: int, repeat: int = 1) -> Result:
    """Cold load, warm load, filter change and memory of one app on one registry."""
    res = Result(app.name, n)
    query = "&".join(f"{k}={v}" for k, v in app.url_params.items())
    url = f"{server.base_url}/{app.url_path}" + (f"?{query}" if query else "")
    cold = _new_context(browser)
    try:
        _, _, res.cold_s, _ = _first_map(cold, url, app, n, timeout_ms)
    finally:
        cold.close()
    warm = _new_context(browser)
    try:
        page, meter, res.warm_s, res.title_s = _first_map(warm, url, app, n, timeout_ms)
        harness.wait_idle(page, timeout=timeout_ms)
        res.map_bytes, received = _map_args(page)
        res.args_s = (received - page.evaluate("performance.timeOrigin")) / 1000
        res.load_bytes, res.largest_bytes = meter.since(0)
        mark = meter.mark()
        clicked = _pick_zone(page, app, timeout_ms)
        drawn = _drawn_at(page, app, n_zone, timeout_ms)
        res.filter_s = (drawn - clicked) / 1000
        harness.wait_idle(page, timeout=timeout_ms)
        res.filter_map_bytes = _map_args(page)[0]
        res.filter_bytes = meter.since(mark)[0]
    finally:
        warm.close()
    res.warm_runs.append(res.warm_s)
    returning = []
    for _ in range(max(repeat, 1)):
        context = _new_context(browser)
        try:
            res.warm_runs.append(_load_again(context, url, app, n, timeout_ms))
            returning.append(_load_again(context, url, app, n, timeout_ms))
        finally:
            context.close()
    res.warm_s = statistics.median(res.warm_runs)
    res.returning_s = statistics.median(returning)
    if repeat > 1:
        res.note = (f"new visitor {min(res.warm_runs):.2f}–{max(res.warm_runs):.2f} s, "
                    f"returning {min(returning):.2f}–{max(returning):.2f} s "
                    f"({len(res.warm_runs)} / {len(returning)} loads)")
    res.rss_mb = harness.rss_bytes(server.pid) / 2**20
    return res


def run_one(browser: Any, app: App, csv: Path, n: int, n_zone: int, cwd: Path,
            timeout_s: float, repeat: int = 1) -> Result:
    """Start the app's server on ``csv``, measure, stop it."""
    from playwright.sync_api import Error as PlaywrightError

    server = harness.start_server(app.script, cwd=cwd, env={"ATLAS_ENTERPRISES": str(csv)},
                                  extra_args=["--server.enableStaticServing", "true"])
    started = time.monotonic()
    try:
        return measure(browser, server, app, n, n_zone, int(timeout_s * 1000), repeat)
    except (PlaywrightError, harness.MapTimeout) as exc:
        took = time.monotonic() - started
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        return Result(app.name, n, note=f"failed after {took:.0f} s: {first[:120]}")
    finally:
        server.stop()


def _baseline_dir(tmp: Path) -> Path:
    """A folder where ``baseline_app.py`` runs with the repo's ``static/`` beside it."""
    folder = tmp / "baseline"
    folder.mkdir()
    (folder / "baseline_app.py").symlink_to(ROOT / "benchmarks" / "baseline_app.py")
    (folder / "static").symlink_to(ROOT / "static")
    return folder


def _fmt(value: float | int | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


COLUMNS = (
    ("first map, cold (s)", "cold_s", 1), ("title shown (s)", "title_s", 1),
    ("map args in iframe (s)", "args_s", 1),
    ("first map, warm (s)", "warm_s", 1), ("first map, returning (s)", "returning_s", 1),
    ("filter → map (s)", "filter_s", 1),
    ("map args (MB)", "map_bytes", 2**20), ("page load via websocket (MB)", "load_bytes", 2**20),
    ("largest ws message (MB)", "largest_bytes", 2**20),
    ("map args after filter (MB)", "filter_map_bytes", 2**20),
    ("filter via websocket (MB)", "filter_bytes", 2**20), ("server RSS (MB)", "rss_mb", 1),
)


def table(results: list[Result]) -> str:
    """The results as a Markdown table, with baseline/atlas ratios."""
    head = "| app | firms | " + " | ".join(c for c, _, _ in COLUMNS) + " | note |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 3)]
    for r in results:
        cells = []
        for _, attr, div in COLUMNS:
            value = getattr(r, attr)
            spec = ".0f" if attr == "rss_mb" else ".2f"
            cells.append(_fmt(None if value is None else value / div, spec))
        lines.append(f"| {r.app} | {r.firms:,} | " + " | ".join(cells) + f" | {r.note} |")
    by = {(r.app, r.firms): r for r in results}
    ratios = []
    for n in sorted({r.firms for r in results}):
        a, b = by.get(("atlas", n)), by.get(("baseline", n))
        if a and b and a.warm_s and b.warm_s:
            filt = (f", filter → map {b.filter_s / a.filter_s:.1f}×"
                    if a.filter_s and b.filter_s else "")
            size = (f", map args {b.map_bytes / a.map_bytes:.1f}×"
                    if a.map_bytes and b.map_bytes else "")
            ratios.append(f"- {n:,} firms: baseline / atlas = first map (warm) "
                          f"{b.warm_s / a.warm_s:.1f}×{filt}{size}")
    return "\n".join(lines + (["", *ratios] if ratios else []))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated registry sizes")
    parser.add_argument("--apps", default="atlas,baseline")
    parser.add_argument("--budget", type=float, default=240.0,
                        help="skip a baseline size predicted to take longer (s)")
    parser.add_argument("--page", default="enterprises",
                        help="the atlas page to measure (url path: overview, enterprises, …)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="warm loads per size (median reported; the baseline loads once "
                             "above 10,000 firms)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="bound of each wait in the browser (s)")
    args = parser.parse_args(argv)
    # a plain SIGTERM would skip the `finally` blocks and leave servers running
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = sorted(int(s) for s in args.sizes.split(","))
    atlas = replace(ATLAS, url_path=args.page)
    apps = [{"atlas": atlas, "baseline": BASELINE}[a] for a in args.apps.split(",")]
    if not harness.CHROMIUM.exists():
        print(harness.NO_CHROMIUM, file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(machine())
    print("assets: both apps load the same vendored Leaflet/MarkerCluster files "
          "(geo.offline.localize); only the way firms are drawn differs.\n"
          f"filter: sidebar zone -> {FILTER_ZONE!r}; page: atlas /{args.page}?lang=en, "
          "baseline /\n", flush=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp_name, \
            sync_playwright() as api:
        tmp = Path(tmp_name)
        baseline_cwd = _baseline_dir(tmp)
        browser = harness.launch(api)
        print(f"chromium {browser.version}\n", flush=True)
        for n in sizes:
            registry = make_registry(n, seed=n)
            csv = tmp / f"firms-{n}.csv"
            registry.to_csv(csv, index=False, lineterminator="\n")
            n_zone = int((registry["city"].map(ZONE_OF_NAME) == FILTER_ZONE).sum())
            for app in apps:
                prev = [r for r in results if r.app == app.name and r.warm_s]
                if app is BASELINE and prev:
                    last = prev[-1]
                    predicted = (last.cold_s or last.warm_s) * n / last.firms
                    if predicted > args.budget:
                        results.append(Result(app.name, n, note=(
                            f"not feasible (> {args.budget:.0f} s: ~{predicted:.0f} s "
                            f"predicted from {last.firms:,})")))
                        print(f"{app.name} {n:,}: skipped", flush=True)
                        continue
                cwd = baseline_cwd if app is BASELINE else ROOT
                t0 = time.monotonic()
                repeat = 1 if app is BASELINE and n > 10_000 else args.repeat
                res = run_one(browser, app, csv, n, n_zone, cwd, args.timeout, repeat)
                results.append(res)
                print(f"{app.name} {n:,}: done in {time.monotonic() - t0:.0f} s "
                      f"{res.note}", flush=True)
        browser.close()
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
