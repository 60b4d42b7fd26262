"""The shared back end: PostgreSQL + PostGIS through psycopg 3, for several app replicas."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

if TYPE_CHECKING:
    import psycopg

from geo.store.attachments import _ATTACHMENT_FIELDS, Attachment
from geo.store.config import StoreError, redact_url
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

_PG_TYPES: Final = {"str": "text", "float": "double precision", "int": "bigint", "bool": "boolean"}
_SCHEMA_RE: Final = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresStore(Store):
    """The shared back end: PostgreSQL + PostGIS via psycopg 3. Use :func:`open_store`."""

    def __init__(
        self,
        url: str,
        *,
        schema: str = "atlas",
        secrets_path: str | Path | None = None,
        connect_timeout: int = 10,
    ) -> None:
        super().__init__(secrets_path=secrets_path)
        if not isinstance(schema, str) or not _SCHEMA_RE.match(schema):
            raise ValueError(f"schema must be a lower-case SQL identifier, got {schema!r}")
        try:
            self._psycopg = importlib.import_module("psycopg")
        except ImportError:
            raise StoreError(
                "the PostgreSQL store needs psycopg: pip install 'psycopg[binary]>=3.2'"
            ) from None
        self._dsn = url
        self.schema = schema
        self.url = redact_url(url) + ("" if schema == "atlas" else f" (schema {schema})")
        self._timeout = connect_timeout
        self._initialise()

    def _connect(self) -> psycopg.Connection:
        try:
            return self._psycopg.connect(
                self._dsn, connect_timeout=self._timeout, application_name="gd-laser-atlas"
            )
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to the registry store {self.url}: {exc}") from None

    def _sql(self, template: str) -> Any:
        """Compose SQL with ``{s}`` standing for the (validated, quoted) schema."""
        sql = self._psycopg.sql
        return sql.SQL(template).format(s=sql.Identifier(self.schema))

    def _ddl(self) -> list[str]:
        cols = ",\n  ".join(f'"{n}" {_PG_TYPES[k]}' for n, k in COLUMNS.items())
        ddl = [
            "CREATE SCHEMA IF NOT EXISTS {s}",
            "CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
            """CREATE TABLE IF NOT EXISTS {s}.versions (
              version_id integer PRIMARY KEY CHECK (version_id > 0),
              created_at timestamptz NOT NULL DEFAULT now(),
              author text NOT NULL, file_name text NOT NULL,
              row_count integer NOT NULL, valid_count integer NOT NULL,
              problem_count integer NOT NULL, checksum text NOT NULL,
              size_bytes bigint NOT NULL, datum text NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS {s}.originals (
              version_id integer PRIMARY KEY REFERENCES {s}.versions, content bytea NOT NULL)""",
            f"""CREATE TABLE IF NOT EXISTS {{s}}.enterprises (
              version_id integer NOT NULL REFERENCES {{s}}.versions,
              row_no integer NOT NULL,
              {cols},
              geom geometry(Point, 4326),
              PRIMARY KEY (version_id, row_no))""",
            """CREATE TABLE IF NOT EXISTS {s}.attachments (
              version_id integer NOT NULL REFERENCES {s}.versions,
              kind text NOT NULL, file_name text NOT NULL, checksum text NOT NULL,
              size_bytes bigint NOT NULL, content bytea NOT NULL,
              PRIMARY KEY (version_id, kind))""",
            """CREATE TABLE IF NOT EXISTS {s}.defaults (
              seq bigserial PRIMARY KEY, version_id integer NOT NULL CHECK (version_id >= 0),
              set_at timestamptz NOT NULL DEFAULT now(), set_by text NOT NULL)""",
            """CREATE OR REPLACE FUNCTION {s}.refuse_change() RETURNS trigger
              LANGUAGE plpgsql AS $$ BEGIN
                RAISE EXCEPTION 'registry store is append-only: % on % refused',
                  TG_OP, TG_TABLE_NAME;
              END $$""",
            "INSERT INTO {s}.meta VALUES ('schema_version', '" + _SCHEMA_VERSION + "') "
            "ON CONFLICT DO NOTHING",
        ]
        ddl += [
            f"CREATE OR REPLACE TRIGGER {table}_append_only "
            f"BEFORE UPDATE OR DELETE OR TRUNCATE ON {{s}}.{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse_change()"
            for table in ("versions", "originals", "enterprises", "defaults", "attachments")
        ]
        ddl += [  # columns added since the store was created
            f'ALTER TABLE {{s}}.enterprises ADD COLUMN IF NOT EXISTS "{name}" {_PG_TYPES[kind]}'
            for name, kind in COLUMNS.items()
        ]
        ddl.append("UPDATE {s}.meta SET value = '" + _SCHEMA_VERSION
                   + "' WHERE key = 'schema_version'")
        return ddl

    def _initialise(self) -> None:
        with self._connect() as conn:
            try:
                if self._is_current(conn):
                    return
                # concurrent replicas starting together: one creates, the others wait
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('gd-laser-atlas store init'))")
                self._ensure_postgis(conn)
                for statement in self._ddl():
                    conn.execute(self._sql(statement))
            except self._psycopg.Error as exc:
                raise StoreError(
                    f"cannot initialise the registry store {self.url}: {exc}"
                ) from None

    def _is_current(self, conn: psycopg.Connection) -> bool:
        """True if the schema is in place; DDL would wait for the lock a publish holds."""
        found = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()
        if found is None or found[0] is None:
            return False
        row = conn.execute(
            self._sql("SELECT value FROM {s}.meta WHERE key = 'schema_version'")
        ).fetchone()
        return row is not None and row[0] == _SCHEMA_VERSION

    def _ensure_postgis(self, conn: psycopg.Connection) -> None:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
            return
        try:
            with conn.transaction():
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except self._psycopg.Error:
            raise StoreError(
                f"PostGIS is not enabled in {self.url}; a superuser must run "
                "CREATE EXTENSION postgis in that database (Debian: postgresql-15-postgis-3)"
            ) from None

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
        ewkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
        ewkb_list = ewkb.tolist()
        names = ", ".join(f'"{n}"' for n in COLUMNS)
        copy_sql = self._sql(
            f"COPY {{s}}.enterprises (version_id, row_no, {names}, geom) FROM STDIN"
        )
        try:
            with self._connect() as conn:
                # numbers versions; readers are not blocked (SELECT takes ACCESS SHARE)
                conn.execute(self._sql("LOCK TABLE {s}.versions IN SHARE ROW EXCLUSIVE MODE"))
                vid = int(conn.execute(  # an aggregate: always one row
                    self._sql("SELECT coalesce(max(version_id), 0) + 1 FROM {s}.versions")
                ).fetchall()[0][0])
                conn.execute(
                    self._sql(
                        "INSERT INTO {s}.versions (version_id, author, file_name, row_count, "
                        "valid_count, problem_count, checksum, size_bytes, datum) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                    ),
                    (vid, meta.author, meta.file_name, meta.rows, meta.valid_rows,
                     meta.problems, meta.checksum, meta.size_bytes, meta.datum),
                )
                conn.execute(
                    self._sql("INSERT INTO {s}.originals VALUES (%s, %s)"), (vid, original)
                )
                for a in attachments:
                    conn.execute(
                        self._sql(f"INSERT INTO {{s}}.attachments (version_id, "
                                  f"{_ATTACHMENT_FIELDS}) VALUES (%s, %s, %s, %s, %s, %s)"),
                        (vid, a.kind, a.file_name, a.checksum, len(a.content), a.content),
                    )
                n = len(ewkb_list)
                with conn.cursor().copy(copy_sql) as copy:
                    for start, stop in _chunks(n):
                        for i in range(start, stop):
                            copy.write_row((vid, i, *(col[i] for col in columns), ewkb_list[i]))
                        if progress is not None:
                            progress(stop / n)
                if make_default:
                    conn.execute(
                        self._sql("INSERT INTO {s}.defaults (version_id, set_by) VALUES (%s, %s)"),
                        (vid, meta.author),
                    )
        except self._psycopg.Error as exc:
            raise StoreError(f"publishing to {self.url} failed, nothing written: {exc}") from None
        return self._stored_version(int(vid))

    def _query(self, template: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._connect() as conn:
                return conn.cursor(binary=True).execute(self._sql(template), params).fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(f"reading the registry store {self.url} failed: {exc}") from None

    def _stored_versions(self) -> list[Version]:
        rows = self._query(f"SELECT {_VERSION_FIELDS} FROM {{s}}.versions ORDER BY version_id DESC")
        return [_version_from_row(r) for r in rows]

    def _stored_version(self, vid: int) -> Version:
        rows = self._query(
            f"SELECT {_VERSION_FIELDS} FROM {{s}}.versions WHERE version_id = %s", (vid,)
        )
        return _version_from_row(rows[0])

    def _default_id(self) -> int:
        rows = self._query("SELECT version_id FROM {s}.defaults ORDER BY seq DESC LIMIT 1")
        return int(rows[0][0]) if rows else 0

    def _generation(self) -> tuple[int, int]:
        rows = self._query(
            "SELECT (SELECT coalesce(max(version_id), 0) FROM {s}.versions), "
            "(SELECT coalesce((SELECT version_id FROM {s}.defaults "
            "ORDER BY seq DESC LIMIT 1), 0))"
        )
        return int(rows[0][0]), int(rows[0][1])

    def _append_default(self, version_id: int, author: str) -> None:
        try:
            with self._connect() as conn:
                conn.execute(
                    self._sql("INSERT INTO {s}.defaults (version_id, set_by) VALUES (%s, %s)"),
                    (version_id, author),
                )
        except self._psycopg.Error as exc:
            raise StoreError(f"setting the default in {self.url} failed: {exc}") from None

    def _read_rows(self, version_id: int) -> tuple[list[tuple[Any, ...]], list[bytes | None]]:
        names = ", ".join(f'"{n}"' for n in COLUMNS)
        rows = self._query(
            f"SELECT {names}, ST_AsBinary(geom) FROM {{s}}.enterprises "
            "WHERE version_id = %s ORDER BY row_no",
            (version_id,),
        )
        return [r[:-1] for r in rows], [None if r[-1] is None else bytes(r[-1]) for r in rows]

    def _read_original(self, version_id: int) -> tuple[bytes, str]:
        rows = self._query(
            "SELECT o.content, v.checksum FROM {s}.originals o "
            "JOIN {s}.versions v USING (version_id) WHERE version_id = %s",
            (version_id,),
        )
        return bytes(rows[0][0]), rows[0][1]

    def _read_attachments(self, version_id: int) -> list[tuple[Any, ...]]:
        return self._query(f"SELECT {_ATTACHMENT_FIELDS} FROM {{s}}.attachments "
                           "WHERE version_id = %s ORDER BY kind", (version_id,))

