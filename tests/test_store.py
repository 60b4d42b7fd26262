"""geo.store + geo.auth: versioned registry store on GeoPackage and PostgreSQL/PostGIS.

The PostgreSQL half runs when ``ATLAS_TEST_PG_URL`` is set (``.ci/run`` sets it via
``scripts/ci_postgres.sh``); elsewhere it is skipped with a note saying how to enable it,
except under ``CI=true`` where a missing server is a failure, not a skip.
"""

from __future__ import annotations

import hashlib
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from store_writer_helper import make_frame

from geo.auth import (
    PublishRefused,
    check_token,
    configured_token,
    editor_token_configured,
    read_secrets,
)
from geo.cli.publish import cli as cli_publish
from geo.cli.versions import cli as cli_versions
from geo.store import (
    DEFAULT_STORE_PATH,
    GeoPackageStore,
    PostgresStore,
    Store,
    StoreError,
    UploadTooLarge,
    check_upload_size,
    default_store_url,
    display_name,
    max_upload_bytes,
    open_store,
    redact_url,
)

PROJECT = Path(__file__).resolve().parents[1]
HELPER = Path(__file__).with_name("store_writer_helper.py")
TOKEN = "correct horse battery staple ✓"  # non-ASCII on purpose: compared as UTF-8 bytes
PG_URL = os.environ.get("ATLAS_TEST_PG_URL", "").strip()
ENABLE_PG = 'export ATLAS_TEST_PG_URL="$(bash scripts/ci_postgres.sh)"'
REGISTRY_CSV = (
    "id,name_zh,city,lon,lat,revenue_10k_cny,employees,sample\n"
    "A1,甲激光,广州,113.3,23.1,1200,50,0\n"
    "A2,<b>乙</b>增材,深圳,114.05,22.55,,,1\n"
    "A3,丙,nowhere,999,99,x,,0\n"
).encode()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No token, store or limit leaks in from the machine or the project's secrets file."""
    for name in ("EDITOR_TOKEN", "ATLAS_STORE", "ATLAS_MAX_UPLOAD_MB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(tmp_path / "absent-secrets.toml"))


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A secrets file configuring the editor token (seen by subprocesses too)."""
    path = tmp_path / "secrets.toml"
    path.write_text(f'EDITOR_TOKEN = "{TOKEN}"\n\n[other]\nkey = "x"\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(path))
    return path


def _pg_url() -> str:
    if PG_URL:
        return PG_URL
    message = f"PostgreSQL store tests need a server: {ENABLE_PG}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the PostgreSQL store tests. {message}")
    pytest.skip(message)


@dataclass
class Backend:
    """One store location plus raw access for checks the public API cannot make."""

    kind: str
    url: str
    schema: str | None = None

    def open(self) -> Store:
        return open_store(self.url, schema=self.schema) if self.schema else open_store(self.url)

    def helper_args(self) -> list[str]:
        return ["--url", self.url] + (["--schema", self.schema] if self.schema else [])

    def raw(self, sql: str) -> list[tuple[Any, ...]]:
        """Run SQL outside the store (``{s}`` = the schema prefix) and return the rows."""
        if self.kind == "gpkg":
            con = sqlite3.connect(self.url, isolation_level=None)
            try:
                return con.execute(sql.replace("{s}.", "")).fetchall()
            finally:
                con.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cur = conn.execute(sql.replace("{s}.", f"{self.schema}."))
            return cur.fetchall() if cur.description else []

    def table(self, name: str) -> str:
        return {"versions": "atlas_versions"}.get(name, name) if self.kind == "gpkg" else name


@pytest.fixture(params=["gpkg", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "gpkg":
        yield Backend("gpkg", str(tmp_path / "registry.gpkg"))
        return
    url = _pg_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    yield Backend("postgres", url, schema)
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _publish(store: Store, frame: gpd.GeoDataFrame, **kwargs: Any):
    args = {"original": b"raw file bytes", "file_name": "registry.csv", "author": "tester"}
    return store.publish(frame, token=TOKEN, **{**args, **kwargs})


def _ids(store: Store) -> list[int]:
    return [v.id for v in store.versions()]


# --------------------------------------------------------------------------- round trip


def test_round_trip_keeps_frame_and_metadata(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    frame = make_frame(60, seed=3)
    original = "id,名称\nA1,甲\n".encode("gb18030")
    before = datetime.now(UTC)

    version = _publish(store, frame, original=original, file_name="../名录 2024.xlsx",
                       author="李工", datum="GCJ-02")

    assert version.id == 1
    assert (version.rows, version.valid_rows, version.problems) == (60, 60, 0)
    assert version.checksum == hashlib.sha256(original).hexdigest()
    assert version.size_bytes == len(original)
    assert version.file_name == "名录 2024.xlsx"
    assert (version.author, version.datum, version.is_default) == ("李工", "gcj02", True)
    assert before - timedelta(seconds=5) <= version.created_at <= datetime.now(UTC)
    assert version.created_at.utcoffset() == timedelta(0)
    assert_geodataframe_equal(store.load(1), frame)
    assert store.original(1) == original


def test_round_trip_of_a_validated_registry(backend: Backend, secrets: Path) -> None:
    from geo.registry import load_registry

    result = load_registry(REGISTRY_CSV, name="registry.csv")
    store = backend.open()

    version = _publish(store, result, original=REGISTRY_CSV)

    assert (version.rows, version.valid_rows) == (3, 2)  # A3 has no usable location
    assert version.problems == len(result.problems) > 0
    loaded = store.load(version.id)
    assert_geodataframe_equal(loaded, result.frame.reset_index(drop=True))
    assert loaded.loc[1, "name_zh"] == "<b>乙</b>增材"  # stored verbatim, escaping is not ours


def test_frame_without_optional_columns_comes_back_with_them_blank(
    backend: Backend, secrets: Path
) -> None:
    store = backend.open()
    frame = make_frame(5).drop(columns=["credit_code", "note"])
    _publish(store, frame)
    loaded = store.load(1)
    assert loaded["credit_code"].isna().all() and loaded["note"].isna().all()
    assert_geodataframe_equal(loaded.drop(columns=["credit_code", "note"]), frame)


def test_versions_are_kept_and_the_default_can_switch(
    backend: Backend, secrets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = backend.open()
    first, second = make_frame(20, seed=1), make_frame(30, seed=2)
    assert _ids(store) == [0] and store.get_default() == 0

    _publish(store, first, file_name="first.csv")
    _publish(store, second, file_name="second.csv")

    versions = store.versions()
    assert [v.id for v in versions] == [2, 1, 0]
    assert [v.is_default for v in versions] == [True, False, False]
    assert [v.file_name for v in versions[:2]] == ["second.csv", "first.csv"]
    assert versions[-1].is_bundled and versions[-1].rows is None
    assert store.latest_id() == 2
    assert_geodataframe_equal(store.load(), second)
    assert_geodataframe_equal(store.load(1), first)  # nothing overwritten

    store.set_default(1, TOKEN, author="reviewer")
    assert store.get_default() == 1
    assert_geodataframe_equal(store.load(), first)
    assert [v.id for v in store.versions() if v.is_default] == [1]

    third = _publish(store, make_frame(3, seed=9), make_default=False)
    assert third.id == 3 and not third.is_default and store.get_default() == 1

    bundled = make_frame(2, seed=7)
    monkeypatch.setattr("geo.registry.load_enterprises", lambda: bundled)
    store.set_default(0, TOKEN)
    assert store.load() is bundled and store.load(0) is bundled


def test_unknown_versions_are_refused(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    _publish(store, make_frame(2))
    with pytest.raises(ValueError, match="no version 5"):
        store.load(5)
    with pytest.raises(ValueError, match="no version 2"):
        store.set_default(2, TOKEN)
    with pytest.raises(TypeError, match="version_id"):
        store.load("1")  # type: ignore[arg-type]


def test_store_is_append_only(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    _publish(store, make_frame(2))
    versions = backend.table("versions")
    for sql in (f"UPDATE {{s}}.{versions} SET author = 'mallory'",
                f"DELETE FROM {{s}}.{versions}",
                "DELETE FROM {s}.enterprises"):
        with pytest.raises(Exception, match="append-only"):
            backend.raw(sql)
    assert store.versions()[0].author == "tester"
    assert len(store.load(1)) == 2


# --------------------------------------------------------------------------- who may publish


def test_publish_without_a_configured_token_is_refused(backend: Backend) -> None:
    store = backend.open()
    assert not editor_token_configured()
    for presented in (None, "", "anything"):
        with pytest.raises(PublishRefused, match="no editor token is configured"):
            store.publish(make_frame(2), original=b"x", file_name="a.csv", author="x",
                          token=presented)
    with pytest.raises(PublishRefused):
        store.set_default(0, "anything")
    assert _ids(store) == [0]


def test_publish_with_a_missing_or_wrong_token_is_refused(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    cases = [(None, "required"), ("   ", "required"), ("correct horse", "not correct"),
             (TOKEN + "x", "not correct")]
    for presented, reason in cases:
        with pytest.raises(PublishRefused, match=reason) as info:
            store.publish(make_frame(2), original=b"x", file_name="a.csv", author="x",
                          token=presented)
        assert TOKEN not in str(info.value)
    with pytest.raises(PublishRefused, match="not correct"):
        store.set_default(0, "guess")
    assert _ids(store) == [0]


def test_token_configuration_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    absent = tmp_path / "none.toml"
    assert configured_token(secrets_path=absent, environ={}) is None
    assert configured_token(secrets_path=absent, environ={"EDITOR_TOKEN": "  "}) is None
    padded = {"EDITOR_TOKEN": " env-tok\n"}
    assert configured_token(secrets_path=absent, environ=padded) == "env-tok"

    file = tmp_path / "secrets.toml"
    file.write_text('EDITOR_TOKEN = "file-tok"\nstore_url = "var/x.gpkg"\n', encoding="utf-8")
    # the deployment's secrets file wins over a variable in one process's environment
    assert configured_token(secrets_path=file, environ={"EDITOR_TOKEN": "env-tok"}) == "file-tok"

    nested = tmp_path / "nested.toml"
    nested.write_text('[editor]\nEDITOR_TOKEN = "not-root"\n', encoding="utf-8")
    assert not editor_token_configured(secrets_path=nested, environ={})

    monkeypatch.setenv("EDITOR_TOKEN", "from-env")
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(absent))
    assert editor_token_configured() and check_token("from-env")


def test_check_token_compares_whole_tokens() -> None:
    env = {"EDITOR_TOKEN": TOKEN}
    none = "/nonexistent/secrets.toml"
    assert check_token(TOKEN, environ=env, secrets_path=none)
    assert check_token(TOKEN + "\n", environ=env, secrets_path=none)  # token file newline
    for wrong in (None, "", TOKEN[:-1], TOKEN.upper(), TOKEN + TOKEN):
        assert not check_token(wrong, environ=env, secrets_path=none)
    assert not check_token(TOKEN, environ={}, secrets_path=none)
    with pytest.raises(TypeError, match="presented token"):
        check_token(b"bytes", environ=env, secrets_path=none)  # type: ignore[arg-type]


def test_unreadable_secrets_file_does_not_echo_its_content(tmp_path: Path) -> None:
    bad = tmp_path / "secrets.toml"
    bad.write_text('EDITOR_TOKEN = "hunter2-secret\n', encoding="utf-8")  # unterminated
    with pytest.raises(ValueError, match="not valid TOML") as info:
        read_secrets(bad)
    assert "hunter2" not in str(info.value)


# --------------------------------------------------------------------------- atomicity, replicas


def _reader(stream: Any) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line.strip())

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], prefix: str, timeout: float = 60.0) -> str:
    while True:
        line = lines.get(timeout=timeout)
        if line.startswith(prefix):
            return line


def _helper(backend: Backend, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    return subprocess.Popen(
        [sys.executable, str(HELPER), *args, *backend.helper_args()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=PROJECT,
    )


def test_killed_publish_leaves_history_intact(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    first = make_frame(40, seed=1)
    _publish(store, first)

    writer = _helper(backend, "publish", "--rows", "20000", "--pause-at", "0.5")
    try:
        _wait_for(_reader(writer.stdout), "PAUSED")  # rows written, transaction still open
        assert _ids(store) == [1, 0]  # not visible while uncommitted either
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    assert _ids(store) == [1, 0]
    assert backend.raw(f"SELECT count(*) FROM {{s}}.{backend.table('versions')}") == [(1,)]
    assert backend.raw("SELECT count(*), min(version_id) FROM {s}.enterprises") == [(40, 1)]
    assert_geodataframe_equal(store.load(), first)

    again = _publish(store, make_frame(10, seed=5))  # lock released, numbering continues
    assert again.id == 2 and _ids(store) == [2, 1, 0]


def test_failed_publish_writes_nothing(backend: Backend, secrets: Path) -> None:
    store = backend.open()

    def fail(fraction: float) -> None:
        raise RuntimeError(f"cancelled at {fraction:.0%}")

    with pytest.raises(RuntimeError, match="cancelled"):
        _publish(store, make_frame(12_000), progress=fail)
    assert _ids(store) == [0]
    assert backend.raw("SELECT count(*) FROM {s}.enterprises") == [(0,)]


def test_second_replica_sees_a_new_version(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    replica = _helper(backend, "watch")
    try:
        lines = _reader(replica.stdout)
        _wait_for(lines, "READY")
        assert replica.stdin is not None
        replica.stdin.write("\n")
        replica.stdin.flush()
        assert _wait_for(lines, "VERSIONS") == "VERSIONS 0 DEFAULT 0"

        _publish(store, make_frame(25))

        replica.stdin.write("\n")
        replica.stdin.flush()
        assert _wait_for(lines, "VERSIONS") == "VERSIONS 1 0 DEFAULT 1 ROWS 25"
    finally:
        replica.kill()
        replica.wait(timeout=30)


# --------------------------------------------------------------------------- validation, limits


def test_non_canonical_frames_are_refused(tmp_path: Path, secrets: Path) -> None:
    store = open_store(tmp_path / "s.gpkg")
    frame = make_frame(3)
    square = shapely.box(113.0, 23.0, 113.1, 23.1)
    polygons = frame.set_geometry(gpd.GeoSeries([square] * 3, index=frame.index, crs=4326))
    bad_lon = frame.assign(lon=["east", "1", "2"])
    cases = [
        (frame.drop(columns=["tier"]), "lacks canonical columns \\['tier'\\]"),
        (frame.to_crs(3857), "EPSG:4326"),
        (polygons, "must be points"),
        (frame.iloc[:0], "no valid rows"),
        (bad_lon, "column 'lon'"),
    ]
    for bad, message in cases:
        with pytest.raises(ValueError, match=message):
            _publish(store, bad)
    with pytest.raises(TypeError, match="RegistryResult"):
        _publish(store, pd.DataFrame(frame.drop(columns="geometry")))
    with pytest.raises(ValueError, match="author"):
        _publish(store, frame, author=" \x07 ")
    assert _ids(store) == [0]


def test_upload_size_limit(tmp_path: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert max_upload_bytes() == 50 * 1024 * 1024
    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "0.5")
    check_upload_size(512 * 1024)
    with pytest.raises(UploadTooLarge, match=r"file is 700 KB; the limit is 512 KB\. "):
        check_upload_size(700 * 1024)
    with pytest.raises(UploadTooLarge, match="ATLAS_MAX_UPLOAD_MB"):
        check_upload_size(512 * 1024 + 1)
    store = open_store(tmp_path / "s.gpkg")
    with pytest.raises(UploadTooLarge):
        _publish(store, make_frame(2), original=b"x" * (600 * 1024))
    assert _ids(store) == [0]
    for bad in ("lots", "-1", "0"):
        monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", bad)
        with pytest.raises(ValueError, match="ATLAS_MAX_UPLOAD_MB"):
            max_upload_bytes()


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("名录.xlsx", "名录.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\li\\registry.csv", "registry.csv"),
        ("evil\u202excsl.exe", "evilxcsl.exe"),  # a bidi override cannot disguise the type
        ("line\nbreak\x00.csv", "linebreak.csv"),
        ("..", "upload"),
        ("", "upload"),
        ("x" * 300 + ".csv", "x" * 120),
    ],
)
def test_display_name_is_safe_to_show(given: str, shown: str) -> None:
    assert display_name(given) == shown


def test_file_names_are_never_used_as_paths(tmp_path: Path, secrets: Path) -> None:
    store = open_store(tmp_path / "s.gpkg")
    before = sorted(p.name for p in tmp_path.iterdir())
    version = _publish(store, make_frame(2), file_name=str(tmp_path / "evil.gpkg"))
    assert version.file_name == "evil.gpkg"
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# --------------------------------------------------------------------------- opening stores


def test_open_store_picks_the_back_end_from_the_url(tmp_path: Path) -> None:
    assert isinstance(open_store(tmp_path / "a.gpkg"), GeoPackageStore)
    assert open_store(f"gpkg:{tmp_path}/b.gpkg").path == tmp_path / "b.gpkg"
    assert open_store(f"sqlite:///{tmp_path}/c.gpkg").path == tmp_path / "c.gpkg"
    with pytest.raises(ValueError, match=r"unsupported store URL 'mysql://u:\*\*\*@h/db'"):
        open_store("mysql://u:pw@h/db")
    with pytest.raises(ValueError, match="schema"):
        PostgresStore("postgresql://u@127.0.0.1:1/db", schema="Bad-Name")
    assert redact_url("postgresql://u:pw@h:5/db") == "postgresql://u:***@h:5/db"
    assert redact_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert redact_url("postgresql:///db?password=pw&sslmode=require") == (
        "postgresql:///db?password=***&sslmode=require")


def test_default_store_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_store_url() == str(DEFAULT_STORE_PATH)
    assert DEFAULT_STORE_PATH.parent.name == "var"
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('store_url = "var/shared.gpkg"\n', encoding="utf-8")
    assert default_store_url(secrets_path=secrets) == str(PROJECT / "var" / "shared.gpkg")
    monkeypatch.setenv("ATLAS_STORE", "postgresql://u:p@db/atlas")
    assert default_store_url(secrets_path=secrets) == "postgresql://u:p@db/atlas"


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.gpkg"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(StoreError, match="not a usable registry store"):
        open_store(path)


def test_unreachable_postgres_is_a_store_error() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=r"cannot connect.*u:\*\*\*@127\.0\.0\.1:9"):
        open_store("postgresql://u:pw@127.0.0.1:9/db")


def test_geopackage_file_is_readable_by_gdal(tmp_path: Path, secrets: Path) -> None:
    path = tmp_path / "registry.gpkg"
    store = open_store(path)
    first, second = make_frame(7, seed=1), make_frame(4, seed=2)
    _publish(store, first)
    _publish(store, second)

    layers = dict(pyogrio.list_layers(path).tolist())
    assert layers == {"enterprises": "Point", "atlas_versions": None, "atlas_attachments": None}
    read = pyogrio.read_dataframe(path, layer="enterprises", where="version_id = 2")
    assert read.crs.to_epsg() == 4326
    assert read["id"].tolist() == second["id"].tolist()
    assert shapely.equals(read.geometry.values, second.geometry.values).all()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    finally:
        con.close()


@pytest.mark.postgres
def test_postgis_column_is_a_wgs84_point(secrets: Path) -> None:
    url = _pg_url()
    backend = Backend("postgres", url, f"test_{uuid.uuid4().hex[:12]}")
    try:
        store = backend.open()
        frame = make_frame(3)
        _publish(store, frame)
        rows = backend.raw(
            "SELECT type, srid FROM geometry_columns "
            f"WHERE f_table_schema = '{backend.schema}' AND f_table_name = 'enterprises'"
        )
        assert rows == [("POINT", 4326)]
        xy = backend.raw("SELECT ST_X(geom), ST_Y(geom) FROM {s}.enterprises ORDER BY row_no")
        assert xy == list(zip(frame["lon"], frame["lat"], strict=True))
    finally:
        backend.raw(f'DROP SCHEMA IF EXISTS "{backend.schema}" CASCADE')


# --------------------------------------------------------------------------- command line


@pytest.fixture
def registry_file(tmp_path: Path) -> Path:
    path = tmp_path / "registry.csv"
    path.write_bytes(REGISTRY_CSV)
    return path


def test_cli_refuses_without_a_configured_token(
    registry_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s.gpkg"
    assert cli_publish([str(registry_file), "--store", str(store)]) == 3
    assert "no editor token is configured" in capsys.readouterr().err
    assert _ids(open_store(store)) == [0]


def test_cli_validates_before_anything_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "s.gpkg")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"foo,bar\n1,2\n")
    assert cli_publish([str(bad), "--store", store]) == 2  # no token either: file first
    assert "no recognisable header" in capsys.readouterr().err

    unusable = tmp_path / "unusable.csv"
    unusable.write_bytes(b"id,name_zh,city,lon,lat\nA,x,nowhere,999,99\n")
    assert cli_publish([str(unusable), "--store", store]) == 2
    assert "no valid rows" in capsys.readouterr().err

    assert cli_publish([str(tmp_path / "missing.csv"), "--store", store]) == 2
    assert "no such file" in capsys.readouterr().err

    monkeypatch.setenv("ATLAS_MAX_UPLOAD_MB", "0.00001")
    assert cli_publish([str(unusable), "--store", store]) == 2
    assert "limit" in capsys.readouterr().err


def test_cli_publishes_with_the_token_and_lists_versions(
    registry_file: Path,
    tmp_path: Path,
    secrets: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = str(tmp_path / "s.gpkg")
    assert cli_publish([str(registry_file), "--store", store]) == 3  # configured, not presented
    assert "required" in capsys.readouterr().err

    monkeypatch.setenv("EDITOR_TOKEN", "wrong")
    assert cli_publish([str(registry_file), "--store", store]) == 3
    err = capsys.readouterr().err
    assert "not correct" in err and TOKEN not in err

    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    code = cli_publish([str(registry_file), "--store", store, "--author", "admin",
                        "--datum", "gcj02"])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("published version 1 ") and "2 of 3 rows" in out
    assert "1 row(s) left out" in err and "row 4" in err

    monkeypatch.delenv("EDITOR_TOKEN")
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    code = cli_publish([str(registry_file), "--store", store, "--token-file", str(token_file),
                        "--keep-default"])
    assert code == 0 and "published version 2 " in capsys.readouterr().out

    versions = open_store(store).versions()
    assert [(v.id, v.rows, v.valid_rows, v.is_default) for v in versions[:2]] == [
        (2, 3, 2, False), (1, 3, 2, True)]
    assert versions[1].datum == "gcj02" and versions[1].author == "admin"
    assert versions[1].checksum == hashlib.sha256(REGISTRY_CSV).hexdigest()

    assert cli_versions(["--store", store]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line[:1] in ("*", " ") and line[2:6].strip().isdigit()]
    assert [int(line[2:6]) for line in rows] == [2, 1, 0]
    assert rows[1].startswith("*") and "registry.csv" in rows[0]
    assert hashlib.sha256(REGISTRY_CSV).hexdigest()[:12] in rows[0]


def test_cli_env_token_alone_configures_and_presents(
    registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR_TOKEN", "only-in-env")
    assert cli_publish([str(registry_file), "--store", str(tmp_path / "s.gpkg")]) == 0


def test_cli_reports_an_unreachable_store(
    registry_file: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    assert cli_publish([str(registry_file), "--store", "postgresql://u:pw@127.0.0.1:9/x"]) == 1
    assert cli_versions(["--store", "postgresql://u:pw@127.0.0.1:9/x"]) == 1
    assert "pw" not in capsys.readouterr().err


def test_a_version_1_geopackage_gains_the_chain_tag_columns(tmp_path: Path,
                                                            secrets: Path) -> None:
    import sqlite3

    path = tmp_path / "old.gpkg"
    _publish(open_store(str(path)), make_frame(3))
    with sqlite3.connect(path) as con:  # back to the schema before the chain tags
        con.execute("ALTER TABLE enterprises DROP COLUMN products")
        con.execute("ALTER TABLE enterprises DROP COLUMN applications")
        con.execute("UPDATE atlas_meta SET value = '1' WHERE key = 'schema_version'")
    store = open_store(str(path))
    old = store.load(1)
    assert old["products"].isna().all() and len(old) == 3
    _publish(store, make_frame(4, seed=1))
    assert store.load(2)["products"].tolist()[0] == "galvo_scanner;laser_head"
