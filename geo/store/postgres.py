"""The shared back end: PostgreSQL + PostGIS through psycopg 3, for several app replicas."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import shapely

from geo.store.config import StoreError, redact_url
from geo.store.dialect import ROW_FIELDS, SCHEMA_VERSION, SCHEMA_VERSION_SQL, TABLES, Dialect
from geo.store.interface import Store
from geo.text import msg

if TYPE_CHECKING:
    import psycopg

_SCHEMA_RE: Final = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _postgres_dialect(schema: str) -> Dialect:
    """The PostgreSQL spelling of the shared SQL (geo.store.dialect), tables in ``schema``."""
    return Dialect(
        mark="%s",
        tables={t: f'"{schema}".{t}' for t in TABLES},  # schema checked by _SCHEMA_RE
        types={"text": "text", "integer": "integer", "bigint": "bigint", "bytes": "bytea",
               "time": "timestamptz", "point": "geometry(Point, 4326)",
               "serial_key": "bigserial PRIMARY KEY", "feature_id": "", "row_key": "PRIMARY KEY"},
        kinds={"str": "text", "float": "double precision", "int": "bigint", "bool": "boolean"},
        now="now()",
        geom="ST_AsBinary(geom)",
    )


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
        self._dialect = _postgres_dialect(schema)
        self._initialise()

    def _connect(self) -> psycopg.Connection:
        try:
            return self._psycopg.connect(
                self._dsn, connect_timeout=self._timeout, application_name="gd-laser-atlas"
            )
        except self._psycopg.Error as exc:
            raise StoreError(msg("store.cannot_connect", path=self.url, detail=exc)) from None

    def _initialise(self) -> None:
        with self._connect() as conn:
            try:
                if self._is_current(conn):
                    return
                # concurrent replicas starting together: one creates, the others wait
                conn.execute("SELECT pg_advisory_xact_lock(hashtext('gd-laser-atlas store init'))")
                self._ensure_postgis(conn)
                d = self._dialect
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                for statement in [*d.schema(), *self._append_only()]:
                    conn.execute(statement)
                have = {row[0] for row in conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = %s AND table_name = 'enterprises'", (self.schema,))}
                for statement in d.upgrade(have):
                    conn.execute(statement)
            except self._psycopg.Error as exc:
                raise StoreError(msg("store.cannot_init", path=self.url, detail=exc)) from None

    def _is_current(self, conn: psycopg.Connection) -> bool:
        """True if the schema is in place; DDL would wait for the lock a publish holds."""
        found = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()
        if found is None or found[0] is None:
            return False
        row = conn.execute(self._dialect.sql(SCHEMA_VERSION_SQL)).fetchone()
        return row is not None and row[0] == SCHEMA_VERSION

    def _append_only(self) -> list[str]:
        """A function and the triggers refusing UPDATE, DELETE and TRUNCATE on all but meta."""
        refuse = f'"{self.schema}".refuse_change()'
        return [
            f"""CREATE OR REPLACE FUNCTION {refuse} RETURNS trigger
              LANGUAGE plpgsql AS $$ BEGIN
                RAISE EXCEPTION 'registry store is append-only: % on % refused',
                  TG_OP, TG_TABLE_NAME;
              END $$""",
            *(f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR "
              f"TRUNCATE ON {self._dialect.tables[table]} FOR EACH STATEMENT "
              f"EXECUTE FUNCTION {refuse}" for table in TABLES if table != "meta"),
        ]

    def _ensure_postgis(self, conn: psycopg.Connection) -> None:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
            return
        try:
            with conn.transaction():
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except self._psycopg.Error:
            raise StoreError(msg("store.postgis", path=self.url)) from None

    @contextmanager
    def _transaction(self, *, publishing: bool) -> Iterator[psycopg.Connection]:
        """One transaction; a publish holds the lock that numbers versions until it ends."""
        try:
            with self._connect() as conn:
                if publishing:  # readers are not blocked (SELECT takes ACCESS SHARE)
                    conn.execute(self._dialect.sql(
                        "LOCK TABLE {versions} IN SHARE ROW EXCLUSIVE MODE"))
                yield conn
        except self._psycopg.Error as exc:
            raise self._failed(publishing, exc) from None

    @contextmanager
    def _row_writer(self, con: psycopg.Connection) -> Iterator[Callable[[Iterable[Any]], None]]:
        copy_sql = self._dialect.sql(f"COPY {{enterprises}} ({ROW_FIELDS}) FROM STDIN")
        with con.cursor().copy(copy_sql) as copy:

            def write(rows: Iterable[Any]) -> None:
                for row in rows:
                    copy.write_row(row)

            yield write

    def _encode_geoms(self, geoms: np.ndarray) -> list[Any]:
        """Hex EWKB with SRID 4326, as COPY takes a PostGIS geometry."""
        ewkb = shapely.to_wkb(shapely.set_srid(geoms, 4326), hex=True, include_srid=True)
        return list(ewkb.tolist())

    def _decode_geom(self, value: Any) -> bytes | None:
        return None if value is None else bytes(value)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._connect() as conn:
                return conn.cursor(binary=True).execute(sql, params).fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(msg("store.read_failed", path=self.url, detail=exc)) from None
