"""Several app processes behind nginx (scripts/serve.py, deploy/): configuration and the
cross-process view of the registry store.

The end-to-end tests start the real launcher once (two Streamlit processes + nginx on free
loopback ports, served under ``/atlas/``, ``ATLAS_STORE`` = the test PostgreSQL), open
websocket sessions through the proxy pinned to each process by the sticky cookie, publish a
version with ``python -m geo publish`` and wait for a new session on the *other* process to
open with it; and send static files and a 50 MB upload through the proxy. They need nginx
(``apt-get install nginx``) and ``ATLAS_TEST_PG_URL`` (``scripts/ci_postgres.sh``);
without them they are skipped with a note saying so, except under ``CI=true``
(``.ci/run`` installs both), where that is a failure.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from geo.store import open_store
from ui.data import GENERATION_TTL_S

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("ATLAS_TEST_PG_URL", "").strip()
HOST = "127.0.0.1"  # loopback only
TOKEN = "deploy-test-token"
REGISTRY_CSV = (
    "id,name_zh,city,lon,lat,revenue_10k_cny,employees,sample\n"
    "D1,甲激光,广州,113.3,23.1,1200,50,0\n"
    "D2,乙增材,深圳,114.05,22.55,800,20,0\n"
).encode()


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


serve = _load("serve", ROOT / "scripts" / "serve.py")
harness = sys.modules.get("harness") or _load("harness", ROOT / "tests" / "e2e" / "harness.py")


def _need(what: str, how: str) -> None:
    message = f"the multi-process test needs {what}: {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run it. {message}")
    pytest.skip(message)


# --------------------------------------------------------------------------- configuration


def test_upstreams_and_base_path_are_checked_where_they_enter() -> None:
    assert serve.parse_upstreams(" 10.0.0.11:8501, app2:8502 ,") == [
        "10.0.0.11:8501", "app2:8502"]
    for bad in ("10.0.0.11", "host:http", ":8501", "h:70000", ""):
        with pytest.raises(ValueError, match=r"host:port|no upstream"):
            serve.parse_upstreams(bad)
    assert serve.normalize_base_path("/atlas/") == "/atlas"
    assert serve.normalize_base_path("") == ""
    with pytest.raises(ValueError, match="may not contain"):
        serve.normalize_base_path("at las; }")


def test_workers_default_to_the_cores_and_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATLAS_WORKERS", raising=False)
    assert serve.parse_args([]).workers == serve.cores() >= 1
    monkeypatch.setenv("ATLAS_WORKERS", "3")
    assert serve.parse_args([]).workers == 3
    assert serve.parse_args(["--workers", "5"]).workers == 5
    for bad in ("0", "x", "65"):
        with pytest.raises(SystemExit):
            serve.parse_args(["--workers", bad])


def test_site_config_has_stickiness_websocket_and_upload_size() -> None:
    site = serve.render_site(["10.0.0.11:8501", "10.0.0.12:8501"], "80",
                             base_path="/atlas", max_body_mb=55)
    assert "server 10.0.0.11:8501 max_fails=3" in site
    assert "server 10.0.0.12:8501 max_fails=3" in site
    assert "hash $atlas_sticky consistent;" in site and "ip_hash;" not in site
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    assert "client_max_body_size 55m;" in site
    assert "location /atlas/ {" in site and "return 301 /atlas/;" in site
    assert "Path=/atlas/;" in site
    assert "@" not in site.replace("@…@", "")  # every field filled
    assert "ip_hash;" in serve.render_site(["h:1"], "80", sticky="ip")
    with pytest.raises(ValueError, match="sticky"):
        serve.render_site(["h:1"], "80", sticky="round-robin")


def test_upload_limit_follows_the_app_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATLAS_MAX_UPLOAD_MB", raising=False)
    assert serve.upload_limit_mb() == 50
    args = serve.parse_args(["--print-site", "--upstreams", "h:1"])
    assert args.max_body_mb >= 50 + 1  # the file plus its multipart envelope
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "200")
    assert serve.parse_args(["--print-site", "--upstreams", "h:1"]).max_body_mb > 200
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ValueError, match="ATLAS_MAX_UPLOAD_MB"):
        serve.upload_limit_mb()


@pytest.mark.parametrize("base_path", ["", "/atlas"])
def test_nginx_accepts_the_rendered_configuration(tmp_path: Path, base_path: str) -> None:
    if shutil.which("nginx") is None:
        _need("nginx", "apt-get install nginx")
    site = serve.render_site([f"{HOST}:8501", f"{HOST}:8502"], f"{HOST}:8080",
                             base_path=base_path)
    serve.write_nginx_config(tmp_path, site)  # runs `nginx -t`; raises if refused
    assert (tmp_path / "nginx.conf").read_text().count(str(tmp_path)) >= 5


def test_generation_changes_with_publish_and_default(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from store_writer_helper import make_frame

    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(tmp_path / "absent.toml"))
    store = open_store(str(tmp_path / "s.gpkg"))
    assert store.generation() == (0, 0)
    args = {"original": b"x", "file_name": "r.csv", "author": "t", "token": TOKEN}
    store.publish(make_frame(5), **args)
    store.publish(make_frame(5, seed=1), make_default=False, **args)
    assert store.generation() == (2, 1)
    store.set_default(0, TOKEN)
    assert store.generation() == (2, 0)
    assert [v.id for v in store.versions() if v.is_default] == [0]


# --------------------------------------------------------------------------- end to end


def _upstream_of(proxy: str, cookie: str) -> str:
    request = urllib.request.Request(f"{proxy}/_stcore/health",
                                     headers={"Cookie": f"atlas_backend={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.headers["X-Atlas-Upstream"]


@dataclass
class Deployment:
    root: str  # http://127.0.0.1:PORT
    proxy: str  # the app's URL: root + base path
    cookies: dict[str, str]  # upstream address -> a sticky cookie value that reaches it
    pg_url: str
    pid: int  # scripts/serve.py
    log: Path  # its output


BASE = "/atlas"


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if shutil.which("nginx") is None:
        _need("nginx", "apt-get install nginx")
    if not PG_URL:
        _need("PostgreSQL", 'export ATLAS_TEST_PG_URL="$(bash scripts/ci_postgres.sh)"')
    tmp_path = tmp_path_factory.mktemp("deploy")
    server = harness.start_proxied(2, base_path=BASE, env={
        "ATLAS_STORE": PG_URL, "EDITOR_TOKEN": TOKEN,
        "ATLAS_SECRETS_FILE": str(tmp_path / "absent.toml")})
    try:
        cookies: dict[str, str] = {}
        for _ in range(64):
            cookie = secrets.token_hex(16)
            cookies.setdefault(_upstream_of(server.base_url, cookie), cookie)
            if len(cookies) == 2:
                break
        assert len(cookies) == 2, f"the proxy reached only {sorted(cookies)}"
        yield Deployment(f"http://{HOST}:{server.port}", server.base_url, cookies, PG_URL,
                         server.pid, server.log)
    finally:
        server.stop()  # the launcher stops nginx and the apps


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run`` in a thread of its own: the browser suite's (sync) Playwright keeps
    an event loop running in the main thread for the whole pytest session."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _connect(proxy: str, cookie: str):
    """A websocket session through the proxy, pinned by the sticky ``cookie``."""
    import websockets

    url = proxy.replace("http://", "ws://") + "/_stcore/stream"
    return websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                              additional_headers={"Cookie": f"atlas_backend={cookie}"},
                              open_timeout=30)


async def _run_page(ws) -> tuple[str, str]:
    """Run the start page; return (session id, selected label of the data-version picker)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.query_string = ""
    request.rerun_script.page_name = ""
    await ws.send(request.SerializeToString())
    session_id, chosen = "", ""
    while True:
        msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), 120))
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            session_id = msg.new_session.initialize.session_id
        elif kind == "delta" and session_id and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "exception":
                pytest.fail(f"the page raised: {element.exception.message}")
            box = element.selectbox if element.WhichOneof("type") == "selectbox" else None
            if box is not None and any(o.startswith("v0 · ") for o in box.options):
                chosen = box.raw_value
        elif (kind == "script_finished" and session_id
              and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
            return session_id, chosen


async def _session_dataset(proxy: str, cookie: str) -> tuple[str, str]:
    """Open a new session through the proxy with ``cookie``; return (upstream that held
    the websocket, the selected label of the data-version picker)."""
    async with _connect(proxy, cookie) as ws:
        upstream = ws.response.headers.get("X-Atlas-Upstream", "")
        return upstream, (await _run_page(ws))[1]


def _publish(tmp_path: Path, pg_url: str) -> int:
    registry = tmp_path / "名录.csv"
    registry.write_bytes(REGISTRY_CSV)
    done = subprocess.run(
        [sys.executable, "-m", "geo", "publish", str(registry), "--author", "deploy-test"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "ATLAS_STORE": pg_url, "EDITOR_TOKEN": TOKEN,
             "ATLAS_SECRETS_FILE": str(tmp_path / "absent.toml")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("published version ")
    return int(done.stdout.split()[2])


@pytest.mark.postgres
def test_a_version_published_through_one_process_opens_on_the_other(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (a, cookie_a), (b, cookie_b) = sorted(deployment.cookies.items())
    # both processes have served a session (their version lists are cached) …
    for upstream, cookie in ((a, cookie_a), (b, cookie_b)):
        held_by, before = _run(_session_dataset(deployment.proxy, cookie))
        assert held_by == upstream, "the websocket did not stay on the cookie's process"
        assert before.startswith("v"), f"no data-version picker on {upstream}"

    # … then an editor publishes (the CLI: a third process on the same store)
    version = _publish(tmp_path, deployment.pg_url)
    published = time.monotonic()
    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(tmp_path / "absent.toml"))
    try:
        expected, seen = f"v{version} · ", ""
        while time.monotonic() - published < GENERATION_TTL_S + 30:
            held_by, seen = _run(_session_dataset(deployment.proxy, cookie_b))
            assert held_by == b
            if seen.startswith(expected):
                break
        waited = time.monotonic() - published
        assert seen.startswith(expected) and seen.endswith("★"), (
            f"process {b} still opens with {seen!r} {waited:.0f} s after version {version} "
            "was published")
        # within the freshness period plus a page run or two (generous: 2 shared cores)
        assert waited < GENERATION_TTL_S + 20
        assert _run(_session_dataset(deployment.proxy, cookie_a))[1].startswith(expected)
    finally:
        # leave the shared test database opening with the bundled data again
        open_store(deployment.pg_url).set_default(0, TOKEN, author="deploy-test")


def _get(url: str, cookie: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, b""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:  # see the 301 itself
        return None


def _put_file(url: str, cookies: str, xsrf: str, size: int) -> int:
    """PUT one file of ``size`` bytes the way Streamlit's uploader does; the HTTP status."""
    boundary = secrets.token_hex(12)
    body = b"".join([
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
        f"filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n".encode(),
        b"x" * size, f"\r\n--{boundary}--\r\n".encode(),
    ])
    request = urllib.request.Request(url, data=body, method="PUT", headers={
        "Cookie": cookies, "X-Xsrftoken": xsrf,
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.postgres
def test_base_path_static_files_and_a_50_mb_upload_pass_the_proxy(
    deployment: Deployment,
) -> None:
    upstream, cookie = sorted(deployment.cookies.items())[0]
    sticky = f"atlas_backend={cookie}"
    status, headers, _ = _get(deployment.root + BASE, sticky)
    assert status == 301 and headers["Location"].endswith(f"{BASE}/")
    status, headers, body = _get(f"{deployment.proxy}/app/static/js/atlas-bundle.js", sticky)
    assert status == 200 and headers["X-Atlas-Upstream"] == upstream
    assert body == (ROOT / "static" / "js" / "atlas-bundle.js").read_bytes()
    status, headers, _ = _get(f"{deployment.proxy}/_stcore/health", sticky)
    xsrf = next((c.split(";")[0].split("=", 1)[1] for c in headers.get_all("Set-Cookie", [])
                 if c.startswith("_streamlit_xsrf=")), "")  # what the frontend sends back
    assert status == 200 and xsrf, f"no XSRF cookie from {upstream}: {headers}"

    async def upload_while_connected() -> tuple[int, int]:
        async with _connect(deployment.proxy, cookie) as ws:
            session_id, _ = await _run_page(ws)
            url = f"{deployment.proxy}/_stcore/upload_file/{session_id}"
            cookies = f"{sticky}; _streamlit_xsrf={xsrf}"
            # just under the app's 50 MB limit: Streamlit compares the whole request's
            # Content-Length (file + multipart envelope) with it
            limit = 50 * 2**20
            ok = await asyncio.to_thread(_put_file, f"{url}/f1", cookies, xsrf,
                                         limit - 2**16)
            too_big = await asyncio.to_thread(_put_file, f"{url}/f2", cookies, xsrf,
                                              limit + 2**20)
            return ok, too_big

    ok, too_big = _run(upload_while_connected())
    assert ok == 204, "a registry of almost 50 MB must reach the session's process"
    assert too_big == 413  # the app's limit still holds behind the proxy


@pytest.mark.postgres
def test_a_dead_process_is_skipped_then_restarted(deployment: Deployment) -> None:
    """Last in this module: it kills one of the deployment's app processes."""
    import psutil

    upstream, cookie = sorted(deployment.cookies.items())[1]
    port = upstream.rpartition(":")[2]
    launcher = psutil.Process(deployment.pid)
    victim = next(p for p in launcher.children(recursive=True)
                  if f"--server.port={port}" in p.cmdline())
    victim.kill()
    victim.wait(timeout=30)
    # nginx sends the browser whose process died to the other one meanwhile
    held_by, chosen = _run(_session_dataset(deployment.proxy, cookie))
    assert held_by != upstream and chosen.startswith("v")
    # the launcher notices (it checks every second here) and starts the process again
    health = f"http://{upstream}{BASE}/_stcore/health"
    deadline = time.monotonic() + 120
    while not serve.healthy(health, timeout=2) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert serve.healthy(health), f"{upstream} was not restarted within 120 s"
    assert f"restarting app:{port}" in deployment.log.read_text()
