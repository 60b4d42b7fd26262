"""The GeoPackage store on a read-only mount and with damaged pages (issue 17)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from store_writer_helper import make_frame

from geo.cli.versions import cli as cli_versions
from geo.store import GeoPackageStore, StoreError, geopackage, open_store

TOKEN = "s3cret-token"


@pytest.fixture(autouse=True)
def _editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ATLAS_STORE", "ATLAS_MAX_UPLOAD_MB"):
        monkeypatch.delenv(name, raising=False)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'EDITOR_TOKEN = "{TOKEN}"\n', encoding="utf-8")
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(secrets))


def _published(path: Path, n: int = 300) -> GeoPackageStore:
    s = open_store(path)
    s.publish(make_frame(n), original=b"x" * 10, file_name="a.csv", author="li", token=TOKEN)
    return s


def _read_only(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make the process see ``path`` and its folder as not writable (as on a read-only
    mount; the tests run as root, for whom permission bits do not bind)."""
    real = os.access

    def access(p: object, mode: int, *args: object, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(p)).resolve() in (path.resolve(), path.parent.resolve()):
            return False
        return real(p, mode, *args, **kwargs)

    monkeypatch.setattr(geopackage.os, "access", access)


def test_a_read_only_store_is_read_but_not_written(tmp_path, monkeypatch, capsys):
    path = tmp_path / "ro" / "registry.gpkg"
    _published(path)
    _read_only(monkeypatch, path)
    s = open_store(path)
    assert s.read_only
    assert [v.id for v in s.versions()] == [1, 0]
    assert len(s.load(1)) == 300
    with pytest.raises(StoreError, match="read-only"):
        s.publish(make_frame(3), original=b"y", file_name="b.csv", author="li", token=TOKEN)
    with pytest.raises(StoreError, match="read-only"):
        s.set_default(0, TOKEN)
    assert cli_versions(["--store", str(path)]) == 0
    assert "a.csv" in capsys.readouterr().out


def test_a_read_only_store_opens_through_a_real_read_only_connection(tmp_path, monkeypatch):
    path = tmp_path / "registry.gpkg"
    _published(path)
    _read_only(monkeypatch, path)
    con = open_store(path)._connect()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("CREATE TABLE x (a)")
    finally:
        con.close()


def test_a_read_only_path_without_a_store_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "empty.gpkg"
    sqlite3.connect(path).close()  # an empty SQLite file
    _read_only(monkeypatch, path)
    with pytest.raises(StoreError, match="read-only and not a registry store"):
        open_store(path)


def _damage(path: Path) -> None:
    """Overwrite the middle of the file (table pages) with bytes of no meaning."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle + 8: middle + 4096] = bytes(range(256)) * 15 + bytes(range(248))
    path.write_bytes(bytes(data))


def test_damage_is_found_when_the_store_opens(tmp_path):
    path = tmp_path / "registry.gpkg"
    s = _published(path, n=3000)
    con = s._connect()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _damage(path)
    with pytest.raises(StoreError, match=r"is damaged \(SQLite quick_check"):
        open_store(path)


def test_damage_is_found_before_a_publish(tmp_path):
    path = tmp_path / "registry.gpkg"
    s = _published(path, n=3000)
    con = s._connect()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    _damage(path)  # after the store was opened (by another process, or a disk fault)
    with pytest.raises(StoreError, match=r"is damaged \(SQLite quick_check"):
        s.publish(make_frame(3), original=b"y", file_name="b.csv", author="li", token=TOKEN)
    assert len(sqlite3.connect(path).execute(
        "SELECT version_id FROM atlas_versions").fetchall()) == 1  # nothing added
