"""The embedded back end: one GeoPackage file (SQLite in WAL mode) that GDAL/QGIS open."""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely

from geo.store.config import StoreError
from geo.store.dialect import INSERT_ROW, SCHEMA_VERSION, SCHEMA_VERSION_SQL, TABLES, Dialect
from geo.store.interface import Store
from geo.text import Msg, msg

#: the GeoPackage spelling of the shared SQL (geo.store.dialect); times as ISO 8601 text
GEOPACKAGE: Final = Dialect(
    mark="?",
    tables={t: t if t == "enterprises" else f"atlas_{t}" for t in TABLES},
    types={"text": "TEXT", "integer": "INTEGER", "bigint": "INTEGER", "bytes": "BLOB",
           "time": "DATETIME", "point": "POINT", "serial_key": "INTEGER PRIMARY KEY AUTOINCREMENT",
           "feature_id": "fid INTEGER PRIMARY KEY AUTOINCREMENT,\n  ", "row_key": "UNIQUE"},
    kinds={"str": "TEXT", "float": "REAL", "int": "INTEGER", "bool": "BOOLEAN"},
    now="strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    geom="geom",
)
_WGS84_WKT: Final = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
_GPKG_APPLICATION_ID: Final = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION: Final = 10400  # GeoPackage 1.4


def _gpkg_schema() -> list[str]:
    """The GeoPackage's own tables (GeoPackage 1.4, 2.1): reference systems and contents."""
    return [
        """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
          srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
          organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
          description TEXT)""",
        """CREATE TABLE IF NOT EXISTS gpkg_contents (
          table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
          identifier TEXT UNIQUE, description TEXT DEFAULT '',
          last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
          srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id))""",
        """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
          table_name TEXT NOT NULL, column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
          z TINYINT NOT NULL, m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    ]


def _append_only() -> list[str]:
    """Triggers refusing UPDATE and DELETE on every table but the meta table."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'registry store is append-only: {op} refused'); END"
        for table in (GEOPACKAGE.tables[t] for t in TABLES if t != "meta")
        for op in ("UPDATE", "DELETE")
    ]


def _gpkg_rows() -> list[tuple[str, tuple[Any, ...]]]:
    srs = "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)"
    contents = (  # last_change: the column's default, now
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
        "srs_id) VALUES (?, ?, ?, ?, ?)"
    )
    return [
        (srs, ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None)),
        (srs, ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None)),
        (srs, ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude WGS 84")),
        (contents, ("enterprises", "features", "enterprises",
                    "published registry versions; filter on version_id", 4326)),
        (contents, ("atlas_versions", "attributes", "atlas_versions",
                    "one row per published registry version", None)),
        (contents, ("atlas_attachments", "attributes", "atlas_attachments",
                    "files published with a version: firm-year panel, key projects", None)),
        ("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, ?, ?)",
         ("enterprises", "geom", "POINT", 4326, 0, 0)),
    ]


def _gpkg_blob(geoms: np.ndarray) -> list[bytes | None]:
    """GeoPackage geometry blobs: 8-byte header (little-endian, SRS 4326, no envelope) + WKB."""
    wkb = shapely.to_wkb(geoms, byte_order=1)
    empty = shapely.is_empty(geoms)
    header = b"GP\x00\x01" + struct.pack("<i", 4326)
    header_empty = b"GP\x00\x11" + struct.pack("<i", 4326)
    return [
        None if w is None else (header_empty if e else header) + w
        for w, e in zip(wkb.tolist(), empty.tolist(), strict=True)
    ]


def _gpkg_wkb(blob: bytes | None) -> bytes | None:
    if blob is None:
        return None
    if blob[:2] != b"GP":
        raise StoreError("enterprises.geom holds a value that is not a GeoPackage geometry")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((blob[3] >> 1) & 0x07, 0)
    return bytes(blob[8 + envelope:])


class GeoPackageStore(Store):
    """The embedded back end: one GeoPackage (SQLite, WAL) file. Use :func:`open_store`."""

    def __init__(self, path: str | Path, *, secrets_path: str | Path | None = None) -> None:
        super().__init__(secrets_path=secrets_path)
        self.path = Path(path).resolve()
        self.url = str(self.path)
        #: an existing store this process may not write (a read-only mount or file) is
        #: opened read-only: versions can be listed and loaded, publishing is refused
        self.read_only = self.path.is_file() and not (
            os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))
        self._uri = self._read_only_uri()
        self._initialise()

    def _read_only_uri(self) -> str | None:
        """The SQLite URI a read-only store is opened with (``None`` when writable).

        A WAL database needs its -shm file, which a read-only folder cannot hold: then the
        file is opened as immutable (nothing can change it there anyway)."""
        if not self.read_only:
            return None
        base = f"{self.path.as_uri().replace('file://', 'file:', 1)}?mode=ro"
        try:
            probe = sqlite3.connect(base, uri=True)
            try:
                probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
                return base
            finally:
                probe.close()
        except sqlite3.Error:
            return base + "&immutable=1"

    def _connect(self) -> sqlite3.Connection:
        try:
            if self._uri is not None:
                con = sqlite3.connect(self._uri, uri=True, timeout=30.0, isolation_level=None)
            else:
                con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            con.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise StoreError(msg("store.cannot_open", path=self.path, detail=exc)) from None
        return con

    def _check_integrity(self, con: sqlite3.Connection) -> None:
        """``PRAGMA quick_check``: damaged pages are found now, not when a version is read."""
        found = [row[0] for row in con.execute("PRAGMA quick_check(5)").fetchall()]
        if found != ["ok"]:
            said = " ".join("; ".join(found).split())[:300]
            raise StoreError(msg("store.damaged", path=self.path, detail=said))

    _dialect = GEOPACKAGE

    def _initialise(self) -> None:
        if not self.read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(msg("store.no_folder", path=self.path, detail=exc)) from None
        con = self._connect()
        try:
            if self._is_current(con):
                self._check_integrity(con)
                return
            if self.read_only:
                raise StoreError(msg("store.read_only_old", path=self.path))
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("BEGIN IMMEDIATE")
            if con.execute("PRAGMA application_id").fetchone()[0] == 0:
                con.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
                con.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
            for statement in [*_gpkg_schema(), *GEOPACKAGE.schema(), *_append_only()]:
                con.execute(statement)
            for sql, params in _gpkg_rows():
                con.execute(sql, params)
            have = {row[1] for row in con.execute("PRAGMA table_info(enterprises)")}
            for statement in GEOPACKAGE.upgrade(have):
                con.execute(statement)
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(msg("store.not_usable", path=self.path, detail=exc)) from None
        finally:
            con.close()

    @staticmethod
    def _is_current(con: sqlite3.Connection) -> bool:
        """True if the schema is in place (no write lock needed, so a publish does not block)."""
        found = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'atlas_meta'"
        ).fetchone()
        if not found:
            return False
        row = con.execute(GEOPACKAGE.sql(SCHEMA_VERSION_SQL)).fetchone()
        return bool(row) and row[0] == SCHEMA_VERSION

    def _refuse_if_read_only(self, what: Msg) -> None:
        if self.read_only:
            raise StoreError(msg("store.read_only", what=what, path=self.path))

    @contextmanager
    def _transaction(self, *, publishing: bool) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` (one writer at a time numbers versions) … ``COMMIT``; a publish
        first checks the file's integrity and dates the GeoPackage contents."""
        self._refuse_if_read_only(msg("store.publishing" if publishing
                                      else "store.setting_default"))
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            if publishing:
                self._check_integrity(con)  # never add a version to a damaged file
            yield con
            if publishing:
                con.execute(GEOPACKAGE.sql(
                    "UPDATE gpkg_contents SET last_change = {now} WHERE table_name IN "
                    "('enterprises', 'atlas_versions')"))
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise self._failed(publishing, exc) from None
            raise
        finally:
            con.close()

    @contextmanager
    def _row_writer(self, con: sqlite3.Connection) -> Iterator[Callable[[Iterable[Any]], None]]:
        insert = GEOPACKAGE.sql(INSERT_ROW)

        def write(rows: Iterable[Any]) -> None:
            con.executemany(insert, rows)

        yield write

    def _encode_geoms(self, geoms: np.ndarray) -> list[Any]:
        return _gpkg_blob(geoms)

    def _decode_geom(self, value: Any) -> bytes | None:
        return _gpkg_wkb(value)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        con = self._connect()
        try:
            return con.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(msg("store.read_failed", path=self.path, detail=exc)) from None
        finally:
            con.close()
