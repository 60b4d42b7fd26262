"""Serve the atlas with N Streamlit app processes behind nginx (``make serve``).

One Streamlit process runs every session's script under one GIL, so sessions that need
different maps at the same moment queue. This launcher starts several app processes (one
per core by default) and a private nginx in front of them that keeps each browser on one
process (sticky cookie, or ``ip_hash``), upgrades the websocket and forwards uploads. All
processes must read the same registry store: set ``ATLAS_STORE=postgresql://…`` (PostGIS);
on a single machine the default GeoPackage file works too.

Modes::

    scripts/serve.py                       # N apps on 127.0.0.1:8501… + nginx on :8080
    scripts/serve.py --apps-only --bind 0.0.0.0 --first-port 8501     # an app machine
    scripts/serve.py --proxy-only --upstreams 10.0.0.11:8501,10.0.0.12:8501 --listen 80
    scripts/serve.py --print-site --upstreams …  > /etc/nginx/conf.d/atlas.conf

Settings come from the arguments, else the environment: ``ATLAS_WORKERS``,
``ATLAS_LISTEN``, ``ATLAS_UPSTREAMS`` (comma-separated host:port), ``ATLAS_BASE_URL_PATH``,
``ATLAS_COOKIE_SECRET`` (must be the same on every app machine; generated once per run
directory otherwise), ``ATLAS_MAX_UPLOAD_MB`` (default 50).

While running, every ``--check-every`` seconds it asks each app process's
``/_stcore/health``; a process that exited or failed three checks in a row is restarted
(nginx sends its sessions to another process meanwhile). SIGINT/SIGTERM stop nginx first,
then the app processes (each in its own process group). Exit status: 0 after a clean stop,
1 if something failed to start, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
SITE_TEMPLATE = DEPLOY / "atlas-site.conf.template"
MAIN_TEMPLATE = DEPLOY / "nginx.conf.template"
NGINX = "nginx"
DEFAULT_UPLOAD_MB = 50
#: on top of the upload limit: the multipart envelope around the file
BODY_MARGIN_MB = 5


class ServeError(RuntimeError):
    """Something the administrator must fix; the message says what."""


# --------------------------------------------------------------------------- configuration


def parse_upstreams(text: str) -> list[str]:
    """``"h1:8501, h2:8501"`` -> ``["h1:8501", "h2:8501"]``; each entry must be host:port."""
    out = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"upstream {item!r} is not host:port (e.g. 10.0.0.11:8501)")
        out.append(item)
    if not out:
        raise ValueError("no upstream given: --upstreams host:port[,host:port…]")
    return out


def normalize_base_path(text: str) -> str:
    """Streamlit's ``server.baseUrlPath`` as a URL prefix: ``"atlas/"`` -> ``"/atlas"``."""
    path = "/".join(part for part in text.strip().split("/") if part)
    if any(c in path for c in " ;{}'\"$\\"):
        raise ValueError(f"base URL path {text!r} may not contain spaces, quotes, ; {{ }} $ or \\")
    return f"/{path}" if path else ""


def upload_limit_mb() -> int:
    """The app's upload limit (``ATLAS_MAX_UPLOAD_MB``, default 50), as the app reads it."""
    raw = os.environ.get("ATLAS_MAX_UPLOAD_MB", "").strip()
    if not raw:
        return DEFAULT_UPLOAD_MB
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError(f"ATLAS_MAX_UPLOAD_MB={raw!r} is not a number of megabytes") from None
    if value < 1:
        raise ValueError(f"ATLAS_MAX_UPLOAD_MB={raw!r} must be at least 1")
    return value


def _fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    left = sorted({word for word in template.split("@")[1::2] if word.isupper()})
    if left:
        raise ValueError(f"template fields not filled: {', '.join(left)}")
    return template


def render_site(
    upstreams: list[str],
    listen: str,
    *,
    base_path: str = "",
    sticky: str = "cookie",
    max_body_mb: int = DEFAULT_UPLOAD_MB + BODY_MARGIN_MB,
) -> str:
    """The nginx ``http``-context snippet (upstream + server) for these app processes."""
    if sticky not in ("cookie", "ip"):
        raise ValueError(f"sticky must be 'cookie' or 'ip', got {sticky!r}")
    servers = "\n".join(
        f"    server {u} max_fails=3 fail_timeout=10s;" for u in upstreams)
    redirect = (f"location = {base_path} {{\n        return 301 {base_path}/;\n    }}"
                if base_path else "# served at the site root")
    return _fill(SITE_TEMPLATE.read_text(encoding="utf-8"), {
        "BALANCE": "hash $atlas_sticky consistent;" if sticky == "cookie" else "ip_hash;",
        "MAX_FAILS": "3", "FAIL_TIMEOUT": "10 s",
        "SERVERS": servers, "LISTEN": listen, "MAX_BODY_MB": str(max_body_mb),
        "BASE_PATH": base_path, "BASE_REDIRECT": redirect,
    })


def render_main(run_dir: Path, nginx_workers: int = 1) -> str:
    """The private nginx's main configuration, everything under ``run_dir``."""
    user = "user nobody nogroup;" if os.geteuid() == 0 else "# not root: runs as this user"
    return _fill(MAIN_TEMPLATE.read_text(encoding="utf-8"), {
        "USER": user, "NGINX_WORKERS": str(nginx_workers), "RUN_DIR": str(run_dir),
    })


def cookie_secret(run_dir: Path) -> str:
    """``ATLAS_COOKIE_SECRET``, else one kept in the run directory (same for every process:
    Streamlit signs its XSRF cookie with it, and a browser moved to another process after a
    restart must still be accepted)."""
    env = os.environ.get("ATLAS_COOKIE_SECRET", "").strip()
    if env:
        return env
    path = run_dir / "cookie-secret"
    if not path.is_file():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def check_store() -> str:
    """Open the configured store once (creates the schema before N processes race to);
    return its redacted URL. Raise :class:`ServeError` if it cannot be opened."""
    sys.path.insert(0, str(ROOT))
    from geo import store

    url = store.default_store_url()
    try:
        return store.open_store(url).url
    except (store.StoreError, ValueError, OSError) as exc:
        raise ServeError(f"the registry store cannot be opened: {exc}") from None


# --------------------------------------------------------------------------- processes


def healthy(url: str, timeout: float = 10.0) -> bool:
    """True if ``url`` (a ``/_stcore/health``) answers ``ok``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class Child:
    """A child process in its own process group (stopped with its children)."""

    name: str
    cmd: list[str]
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, **self.env},
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=timeout)


@dataclass
class App(Child):
    """One ``streamlit run app.py`` process."""

    health_url: str = ""
    misses: int = 0


def app_process(bind: str, port: int, base_path: str, secret: str, run_dir: Path) -> App:
    """An app process on ``bind:port`` (not started)."""
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        f"--server.address={bind}", f"--server.port={port}", "--server.headless=true",
        f"--server.baseUrlPath={base_path.strip('/')}",
        f"--server.maxUploadSize={upload_limit_mb()}",
    ]
    host = "127.0.0.1" if bind in ("0.0.0.0", "") else bind
    return App(
        name=f"app:{port}", cmd=cmd, log=run_dir / f"app-{port}.log",
        env={"STREAMLIT_SERVER_COOKIE_SECRET": secret},
        health_url=f"http://{host}:{port}{base_path}/_stcore/health",
    )


def nginx_process(run_dir: Path) -> Child:
    """The private nginx, in the foreground, configured from ``run_dir/nginx.conf``."""
    return Child(name="nginx", log=run_dir / "nginx.out", cmd=[
        NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"),
        "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;",
    ])


def write_nginx_config(run_dir: Path, site: str) -> None:
    """Write the site and main configuration into ``run_dir`` and let nginx check them."""
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    (run_dir / "atlas-site.conf").write_text(site, encoding="utf-8")
    (run_dir / "nginx.conf").write_text(render_main(run_dir), encoding="utf-8")
    check = subprocess.run(
        [*nginx_process(run_dir).cmd[:-2], "-t", "-q"],
        capture_output=True, text=True, check=False,
    )
    if check.returncode != 0:
        raise ServeError(f"nginx refused the configuration in {run_dir}:\n{check.stderr}")


def wait_healthy(apps: list[App], timeout: float) -> None:
    """Wait until every app answers its health check; raise naming the ones that do not."""
    deadline = time.monotonic() + timeout
    pending = list(apps)
    while pending and time.monotonic() < deadline:
        for app in [a for a in pending if not a.alive()]:
            raise ServeError(f"{app.name} exited during start-up; see {app.log}")
        pending = [a for a in pending if not healthy(a.health_url)]
        if pending:
            time.sleep(0.3)
    if pending:
        names = ", ".join(f"{a.name} ({a.log})" for a in pending)
        raise ServeError(f"not healthy within {timeout:.0f} s: {names}")


def supervise(apps: list[App], proxy: Child | None, check_every: float,
              stop: list[bool]) -> None:
    """Keep the processes running until ``stop[0]``; restart an app that exited or failed
    three health checks in a row (each waits 10 s: a process busy with page runs still
    answers, one that is stuck for half a minute does not); give up (raise) if nginx exits."""
    while not stop[0]:
        time.sleep(check_every)
        if stop[0]:
            return
        if proxy is not None and not proxy.alive():
            raise ServeError(f"nginx exited; see {proxy.log.parent / 'error.log'}")
        for app in apps:
            app.misses = 0 if app.alive() and healthy(app.health_url) else app.misses + 1
            if not app.alive() or app.misses >= 3:
                print(f"serve: restarting {app.name} (see {app.log})", file=sys.stderr)
                app.stop()
                app.start()
                app.misses = 0


# --------------------------------------------------------------------------- command line


def cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--apps-only", action="store_true", help="app processes, no nginx")
    mode.add_argument("--proxy-only", action="store_true",
                      help="nginx only, in front of --upstreams on other machines")
    mode.add_argument("--print-site", action="store_true",
                      help="print the nginx site configuration for --upstreams and exit")
    parser.add_argument("--workers", default=env("ATLAS_WORKERS", ""),
                        help="app processes (default: one per core)")
    parser.add_argument("--bind", default="127.0.0.1", help="address the app processes use")
    parser.add_argument("--first-port", type=int, default=8501,
                        help="port of the first app process; the others follow")
    parser.add_argument("--listen", default=env("ATLAS_LISTEN", "127.0.0.1:8080"),
                        help="nginx listen address (nginx syntax: 8080, 0.0.0.0:80, …)")
    parser.add_argument("--upstreams", default=env("ATLAS_UPSTREAMS", ""),
                        help="host:port,… of app processes (default: the ones started here)")
    parser.add_argument("--base-url-path", default=env("ATLAS_BASE_URL_PATH", ""),
                        help="serve under this path, e.g. atlas -> http://host/atlas/")
    parser.add_argument("--sticky", choices=("cookie", "ip"), default="cookie",
                        help="session stickiness: a cookie (default) or the client address")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "serve",
                        help="configuration, logs and temp files")
    parser.add_argument("--check-every", type=float, default=5.0,
                        help="seconds between health checks of the app processes")
    parser.add_argument("--start-timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    workers = str(args.workers).strip()
    if workers and not (workers.isdigit() and 1 <= int(workers) <= 64):
        parser.error(f"--workers / ATLAS_WORKERS must be a whole number 1..64, got {workers!r}")
    args.workers = int(workers) if workers else cores()
    try:
        args.base_path = normalize_base_path(args.base_url_path)
        args.upstream_list = parse_upstreams(args.upstreams) if args.upstreams else []
        args.max_body_mb = upload_limit_mb() + BODY_MARGIN_MB
    except ValueError as exc:
        parser.error(str(exc))
    if (args.proxy_only or args.print_site) and not args.upstream_list:
        parser.error("--proxy-only and --print-site need --upstreams (or ATLAS_UPSTREAMS)")
    return args


def _site(args: argparse.Namespace, upstreams: list[str]) -> str:
    return render_site(upstreams, args.listen, base_path=args.base_path, sticky=args.sticky,
                       max_body_mb=args.max_body_mb)


def run(args: argparse.Namespace) -> int:
    """Start what the mode asks for and supervise it until a signal."""
    run_dir = args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    run_dir.chmod(0o755)  # nginx's workers (nobody, when started as root) reach tmp/ in it
    apps: list[App] = []
    proxy: Child | None = None
    stop = [False]

    def _stop(signum: int, _frame: object) -> None:
        stop[0] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        if not args.proxy_only:
            store_url = check_store()
            secret = cookie_secret(run_dir)
            apps = [app_process(args.bind, args.first_port + i, args.base_path, secret, run_dir)
                    for i in range(args.workers)]
            for app in apps:
                app.start()
            wait_healthy(apps, args.start_timeout)
            print(f"serve: {len(apps)} app processes on {args.bind}:{args.first_port}…"
                  f"{args.first_port + len(apps) - 1}, store {store_url}", file=sys.stderr)
        if not args.apps_only:
            if shutil.which(NGINX) is None:
                raise ServeError("nginx is not installed (Debian: apt-get install nginx)")
            upstreams = args.upstream_list or [
                f"{'127.0.0.1' if args.bind == '0.0.0.0' else args.bind}:{args.first_port + i}"
                for i in range(len(apps))]
            write_nginx_config(run_dir, _site(args, upstreams))
            proxy = nginx_process(run_dir)
            proxy.start()
            print(f"serve: nginx on {args.listen}{args.base_path}/ -> {', '.join(upstreams)} "
                  f"(logs in {run_dir})", file=sys.stderr, flush=True)
        supervise(apps, proxy, args.check_every, stop)
        return 0
    except ServeError as exc:
        print(f"serve: error: {exc}", file=sys.stderr)
        return 1
    finally:
        for child in ([proxy] if proxy else []) + apps:
            child.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.print_site:
        print(_site(args, args.upstream_list), end="")
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
