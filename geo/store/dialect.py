"""The SQL both back ends run, written once, and the :class:`Dialect` that fills in what
SQLite (the GeoPackage file) and PostgreSQL spell differently: the parameter mark, table
names, type names, the current time and how a geometry is read back.

What has no common spelling stays with its back end: the GeoPackage's own tables and
integrity check, PostGIS and the version-numbering lock in PostgreSQL, the append-only
triggers, and the bulk row write (``executemany`` there, ``COPY`` here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from geo.store.frames import COLUMNS

#: 2: chain tags (products, applications) added; a version-1 store gains them on open
#: 3: files published with a version (firm-year panel, key projects); older stores gain the
#: table on open, their versions carry none
SCHEMA_VERSION: Final[str] = "3"
#: the columns of a version row, in the order :class:`geo.store.interface.Version` takes them
VERSION_FIELDS: Final = (
    "version_id, created_at, author, file_name, row_count, valid_count, problem_count, "
    "checksum, size_bytes, datum"
)
#: the columns of an enterprise row as written (``geom`` last)
ROW_FIELDS: Final = "version_id, row_no, " + ", ".join(f'"{n}"' for n in COLUMNS) + ", geom"
#: the columns of an attachment as read back
ATTACHMENT_FIELDS: Final = "kind, file_name, checksum, size_bytes, content"
#: the tables both back ends have, by role (:attr:`Dialect.tables` names them)
TABLES: Final = ("meta", "versions", "originals", "enterprises", "attachments", "defaults")


@dataclass(frozen=True)
class Dialect:
    """How one back end spells the shared statements; :meth:`sql` fills a template in.

    Attributes
    ----------
    mark : str
        The driver's parameter mark: ``?`` (sqlite3) or ``%s`` (psycopg). Templates are
        written with ``?``; none of them holds a literal question mark.
    tables : Mapping[str, str]
        Each role of :data:`TABLES` -> the table as written in SQL (schema-qualified in
        PostgreSQL).
    types : Mapping[str, str]
        Words of the table definitions: ``text``, ``integer``, ``bigint``, ``bytes``,
        ``time``, ``point`` (the geometry column), ``serial_key`` (an auto-numbered primary
        key), ``feature_id`` (a leading column definition, or empty) and ``row_key`` (the
        constraint keeping ``(version_id, row_no)`` unique).
    kinds : Mapping[str, str]
        Column type of each kind of :data:`geo.store.frames.COLUMNS` (str, float, int, bool).
    now : str
        SQL expression for the current time, stored as the back end stores times.
    geom : str
        SQL expression reading ``geom`` back as WKB (or what the back end decodes to WKB).
    """

    mark: str
    tables: Mapping[str, str]
    types: Mapping[str, str]
    kinds: Mapping[str, str]
    now: str
    geom: str

    def sql(self, template: str) -> str:
        """``template`` with ``{versions}``, ``{text}``, ``{now}``… filled in and ``?`` marks
        turned into the driver's."""
        text = template.format(**self.tables, **self.types, now=self.now, geom=self.geom)
        return text if self.mark == "?" else text.replace("?", self.mark)

    def schema(self) -> list[str]:
        """The statements creating the shared tables (if missing) and recording the schema
        version; run in one transaction after the back end's own set-up."""
        cols = ",\n  ".join(f'"{n}" {self.kinds[k]}' for n, k in COLUMNS.items())
        return [self.sql(s) for s in (
            "CREATE TABLE IF NOT EXISTS {meta} (key {text} PRIMARY KEY, value {text} NOT NULL)",
            """CREATE TABLE IF NOT EXISTS {versions} (
              version_id {integer} PRIMARY KEY CHECK (version_id > 0),
              created_at {time} NOT NULL DEFAULT ({now}),
              author {text} NOT NULL, file_name {text} NOT NULL,
              row_count {integer} NOT NULL, valid_count {integer} NOT NULL,
              problem_count {integer} NOT NULL, checksum {text} NOT NULL,
              size_bytes {bigint} NOT NULL, datum {text} NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS {originals} (
              version_id {integer} PRIMARY KEY REFERENCES {versions}(version_id),
              content {bytes} NOT NULL)""",
            """CREATE TABLE IF NOT EXISTS {enterprises} (
              {feature_id}version_id {integer} NOT NULL REFERENCES {versions}(version_id),
              row_no {integer} NOT NULL,
              """ + cols + """,
              geom {point},
              {row_key} (version_id, row_no))""",
            """CREATE TABLE IF NOT EXISTS {attachments} (
              version_id {integer} NOT NULL REFERENCES {versions}(version_id),
              kind {text} NOT NULL, file_name {text} NOT NULL, checksum {text} NOT NULL,
              size_bytes {bigint} NOT NULL, content {bytes} NOT NULL,
              PRIMARY KEY (version_id, kind))""",
            """CREATE TABLE IF NOT EXISTS {defaults} (
              seq {serial_key}, version_id {integer} NOT NULL CHECK (version_id >= 0),
              set_at {time} NOT NULL DEFAULT ({now}), set_by {text} NOT NULL)""",
            "INSERT INTO {meta} VALUES ('schema_version', '" + SCHEMA_VERSION + "') "
            "ON CONFLICT DO NOTHING",
        )]

    def upgrade(self, have: set[str]) -> list[str]:
        """Statements bringing a store up to :data:`SCHEMA_VERSION` once :meth:`schema` ran:
        the enterprise columns added since (``have``: the columns it has), the new version."""
        return [
            *(self.sql("ALTER TABLE {enterprises} ADD COLUMN " + f'"{name}" {self.kinds[kind]}')
              for name, kind in COLUMNS.items() if name not in have),
            self.sql("UPDATE {meta} SET value = '" + SCHEMA_VERSION
                     + "' WHERE key = 'schema_version'"),
        ]


# statements the interface runs on either back end (see geo.store.interface.Store)
SCHEMA_VERSION_SQL: Final = "SELECT value FROM {meta} WHERE key = 'schema_version'"
NEXT_VERSION: Final = "SELECT coalesce(max(version_id), 0) + 1 FROM {versions}"
INSERT_VERSION: Final = (
    f"INSERT INTO {{versions}} ({VERSION_FIELDS}) VALUES (?, {{now}}, ?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_ORIGINAL: Final = "INSERT INTO {originals} (version_id, content) VALUES (?, ?)"
INSERT_ATTACHMENT: Final = (
    f"INSERT INTO {{attachments}} (version_id, {ATTACHMENT_FIELDS}) VALUES (?, ?, ?, ?, ?, ?)")
INSERT_ROW: Final = f"INSERT INTO {{enterprises}} ({ROW_FIELDS}) VALUES (" + ", ".join(
    "?" * (len(COLUMNS) + 3)) + ")"
INSERT_DEFAULT: Final = "INSERT INTO {defaults} (version_id, set_at, set_by) VALUES (?, {now}, ?)"
VERSIONS: Final = f"SELECT {VERSION_FIELDS} FROM {{versions}} ORDER BY version_id DESC"
VERSION: Final = f"SELECT {VERSION_FIELDS} FROM {{versions}} WHERE version_id = ?"
DEFAULT_ID: Final = "SELECT version_id FROM {defaults} ORDER BY seq DESC LIMIT 1"
GENERATION: Final = (
    "SELECT (SELECT coalesce(max(version_id), 0) FROM {versions}), "
    "(SELECT coalesce((SELECT version_id FROM {defaults} ORDER BY seq DESC LIMIT 1), 0))"
)
ROWS: Final = (
    "SELECT " + ", ".join(f'"{n}"' for n in COLUMNS)
    + ", {geom} FROM {enterprises} WHERE version_id = ? ORDER BY row_no"
)
ORIGINAL: Final = (
    "SELECT o.content, v.checksum FROM {originals} o "
    "JOIN {versions} v USING (version_id) WHERE version_id = ?"
)
ATTACHMENTS: Final = (
    f"SELECT {ATTACHMENT_FIELDS} FROM {{attachments}} WHERE version_id = ? ORDER BY kind")
ATTACHED: Final = "SELECT version_id, kind, file_name FROM {attachments} ORDER BY version_id, kind"
