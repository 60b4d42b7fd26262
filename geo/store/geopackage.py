"""The embedded back end: one GeoPackage file (SQLite in WAL mode) that GDAL/QGIS open."""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely

from geo.store.attachments import _ATTACHMENT_FIELDS, Attachment
from geo.store.config import StoreError
from geo.store.frames import COLUMNS, _chunks
from geo.store.interface import (
    _SCHEMA_VERSION,
    _VERSION_FIELDS,
    Progress,
    Store,
    Version,
    _Meta,
    _version_from_row,
)

_SQLITE_TYPES: Final = {"str": "TEXT", "float": "REAL", "int": "INTEGER", "bool": "BOOLEAN"}
_WGS84_WKT: Final = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)
_GPKG_APPLICATION_ID: Final = 0x47504B47  # "GPKG"
_GPKG_USER_VERSION: Final = 10400  # GeoPackage 1.4
_APPEND_ONLY: Final = ("atlas_versions", "atlas_originals", "enterprises", "atlas_defaults",
                       "atlas_attachments")


def _gpkg_schema() -> list[str]:
    cols = ",\n  ".join(f'"{n}" {_SQLITE_TYPES[k]}' for n, k in COLUMNS.items())
    ddl = [
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
        """CREATE TABLE IF NOT EXISTS atlas_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS atlas_versions (
          version_id INTEGER PRIMARY KEY CHECK (version_id > 0),
          created_at DATETIME NOT NULL, author TEXT NOT NULL, file_name TEXT NOT NULL,
          row_count INTEGER NOT NULL, valid_count INTEGER NOT NULL,
          problem_count INTEGER NOT NULL, checksum TEXT NOT NULL,
          size_bytes INTEGER NOT NULL, datum TEXT NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS atlas_originals (
          version_id INTEGER PRIMARY KEY REFERENCES atlas_versions(version_id),
          content BLOB NOT NULL)""",
        f"""CREATE TABLE IF NOT EXISTS enterprises (
          fid INTEGER PRIMARY KEY AUTOINCREMENT,
          version_id INTEGER NOT NULL REFERENCES atlas_versions(version_id),
          row_no INTEGER NOT NULL,
          {cols},
          geom POINT,
          UNIQUE (version_id, row_no))""",
        """CREATE TABLE IF NOT EXISTS atlas_attachments (
          version_id INTEGER NOT NULL REFERENCES atlas_versions(version_id),
          kind TEXT NOT NULL, file_name TEXT NOT NULL, checksum TEXT NOT NULL,
          size_bytes INTEGER NOT NULL, content BLOB NOT NULL,
          PRIMARY KEY (version_id, kind))""",
        """CREATE TABLE IF NOT EXISTS atlas_defaults (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          version_id INTEGER NOT NULL CHECK (version_id >= 0),
          set_at DATETIME NOT NULL, set_by TEXT NOT NULL)""",
    ]
    for table in _APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            ddl.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'registry store is append-only: {op} refused'); END"
            )
    return ddl


def _gpkg_rows(now: str) -> list[tuple[str, tuple[Any, ...]]]:
    srs = "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)"
    contents = (
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)"
    )
    return [
        (srs, ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None)),
        (srs, ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None)),
        (srs, ("WGS 84 geodetic", 4326, "EPSG", 4326, _WGS84_WKT, "longitude/latitude WGS 84")),
        (contents, ("enterprises", "features", "enterprises",
                    "published registry versions; filter on version_id", now, 4326)),
        (contents, ("atlas_versions", "attributes", "atlas_versions",
                    "one row per published registry version", now, None)),
        (contents, ("atlas_attachments", "attributes", "atlas_attachments",
                    "files published with a version: firm-year panel, key projects", now, None)),
        ("INSERT OR IGNORE INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, ?, ?)",
         ("enterprises", "geom", "POINT", 4326, 0, 0)),
        ("INSERT OR IGNORE INTO atlas_meta VALUES (?, ?)", ("schema_version", _SCHEMA_VERSION)),
    ]


def _utc_now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


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
            raise StoreError(f"cannot open the registry store {self.path}: {exc}") from None
        return con

    def _check_integrity(self, con: sqlite3.Connection) -> None:
        """``PRAGMA quick_check``: damaged pages are found now, not when a version is read."""
        found = [row[0] for row in con.execute("PRAGMA quick_check(5)").fetchall()]
        if found != ["ok"]:
            said = " ".join("; ".join(found).split())[:300]
            raise StoreError(
                f"{self.path} is damaged (SQLite quick_check: {said}); "
                "restore it from a backup, or point the store setting at a new file"
            )

    def _initialise(self) -> None:
        if not self.read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for {self.path}: {exc}") from None
        con = self._connect()
        try:
            if self._is_current(con):
                self._check_integrity(con)
                return
            if self.read_only:
                raise StoreError(
                    f"{self.path} is read-only and not a registry store of this version; "
                    "point the store setting at a writable file, or open it once writable"
                )
            con.execute("PRAGMA journal_mode = WAL")
            con.execute("BEGIN IMMEDIATE")
            if con.execute("PRAGMA application_id").fetchone()[0] == 0:
                con.execute(f"PRAGMA application_id = {_GPKG_APPLICATION_ID}")
                con.execute(f"PRAGMA user_version = {_GPKG_USER_VERSION}")
            for statement in _gpkg_schema():
                con.execute(statement)
            for sql, params in _gpkg_rows(_utc_now_text()):
                con.execute(sql, params)
            have = {row[1] for row in con.execute("PRAGMA table_info(enterprises)")}
            for name, kind in COLUMNS.items():  # columns added since the store was created
                if name not in have:
                    con.execute(f'ALTER TABLE enterprises ADD COLUMN "{name}" '
                                f"{_SQLITE_TYPES[kind]}")
            con.execute("UPDATE atlas_meta SET value = ? WHERE key = 'schema_version'",
                        (_SCHEMA_VERSION,))
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(
                f"{self.path} is not a usable registry store ({exc}); point the store "
                "setting at a new file or a GeoPackage written by this app"
            ) from None
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
        row = con.execute("SELECT value FROM atlas_meta WHERE key = 'schema_version'").fetchone()
        return bool(row) and row[0] == _SCHEMA_VERSION

    def _write(
        self,
        meta: _Meta,
        original: bytes,
        columns: list[list[Any]],
        geoms: np.ndarray,
        make_default: bool,
        progress: Progress | None,
        attachments: Sequence[Attachment],
    ) -> Version:
        blobs = _gpkg_blob(geoms)
        names = ", ".join(f'"{n}"' for n in COLUMNS)
        marks = ", ".join("?" * (len(COLUMNS) + 3))
        insert = f"INSERT INTO enterprises (version_id, row_no, {names}, geom) VALUES ({marks})"
        self._refuse_if_read_only("publishing")
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            self._check_integrity(con)  # never add a version to a damaged file
            vid = int(con.execute(
                "SELECT coalesce(max(version_id), 0) + 1 FROM atlas_versions").fetchone()[0])
            now = _utc_now_text()
            con.execute(
                f"INSERT INTO atlas_versions ({_VERSION_FIELDS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (vid, now, meta.author, meta.file_name, meta.rows, meta.valid_rows,
                 meta.problems, meta.checksum, meta.size_bytes, meta.datum),
            )
            con.execute("INSERT INTO atlas_originals VALUES (?, ?)", (vid, original))
            con.executemany(
                f"INSERT INTO atlas_attachments (version_id, {_ATTACHMENT_FIELDS}) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(vid, a.kind, a.file_name, a.checksum, len(a.content), a.content)
                 for a in attachments],
            )
            n = len(blobs)
            for start, stop in _chunks(n):
                con.executemany(insert, (
                    (vid, i, *(col[i] for col in columns), blobs[i]) for i in range(start, stop)
                ))
                if progress is not None:
                    progress(stop / n)
            if make_default:
                con.execute(
                    "INSERT INTO atlas_defaults (version_id, set_at, set_by) VALUES (?, ?, ?)",
                    (vid, now, meta.author),
                )
            con.execute(
                "UPDATE gpkg_contents SET last_change = ? WHERE table_name IN "
                "('enterprises', 'atlas_versions')",
                (now,),
            )
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    f"publishing to {self.path} failed, nothing written: {exc}"
                ) from None
            raise
        finally:
            con.close()
        return self._stored_version(vid)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        con = self._connect()
        try:
            return con.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"reading the registry store {self.path} failed: {exc}") from None
        finally:
            con.close()

    def _stored_versions(self) -> list[Version]:
        rows = self._query(f"SELECT {_VERSION_FIELDS} FROM atlas_versions ORDER BY version_id DESC")
        return [_version_from_row(r) for r in rows]

    def _stored_version(self, vid: int) -> Version:
        row = self._query(
            f"SELECT {_VERSION_FIELDS} FROM atlas_versions WHERE version_id = ?", (vid,)
        )
        return _version_from_row(row[0])

    def _default_id(self) -> int:
        rows = self._query("SELECT version_id FROM atlas_defaults ORDER BY seq DESC LIMIT 1")
        return int(rows[0][0]) if rows else 0

    def _generation(self) -> tuple[int, int]:
        rows = self._query(
            "SELECT (SELECT coalesce(max(version_id), 0) FROM atlas_versions), "
            "(SELECT coalesce((SELECT version_id FROM atlas_defaults "
            "ORDER BY seq DESC LIMIT 1), 0))"
        )
        return int(rows[0][0]), int(rows[0][1])

    def _refuse_if_read_only(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"{what} refused: {self.path} is read-only here (a read-only "
                             "mount or file); publish through a writable copy of the store")

    def _append_default(self, version_id: int, author: str) -> None:
        self._refuse_if_read_only("setting the default")
        con = self._connect()
        try:
            con.execute(
                "INSERT INTO atlas_defaults (version_id, set_at, set_by) VALUES (?, ?, ?)",
                (version_id, _utc_now_text(), author),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"setting the default in {self.path} failed: {exc}") from None
        finally:
            con.close()

    def _read_rows(self, version_id: int) -> tuple[list[tuple[Any, ...]], list[bytes | None]]:
        names = ", ".join(f'"{n}"' for n in COLUMNS)
        rows = self._query(
            f"SELECT {names}, geom FROM enterprises WHERE version_id = ? ORDER BY row_no",
            (version_id,),
        )
        return [r[:-1] for r in rows], [_gpkg_wkb(r[-1]) for r in rows]

    def _read_original(self, version_id: int) -> tuple[bytes, str]:
        rows = self._query(
            "SELECT o.content, v.checksum FROM atlas_originals o "
            "JOIN atlas_versions v USING (version_id) WHERE version_id = ?",
            (version_id,),
        )
        return bytes(rows[0][0]), rows[0][1]

    def _read_attachments(self, version_id: int) -> list[tuple[Any, ...]]:
        return self._query(f"SELECT {_ATTACHMENT_FIELDS} FROM atlas_attachments "
                           "WHERE version_id = ? ORDER BY kind", (version_id,))

