"""The store interface: :class:`Store` (publish, set the default, list and load versions)
and :class:`Version`. The SQL is written once here and in :mod:`geo.store.dialect`; a back
end gives a dialect and a few primitives (connect, transact, write rows, code geometries)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.auth import require_editor
from geo.datum import normalize_datum
from geo.store.attachments import Attachment, _check_attachments
from geo.store.config import (
    BUNDLED_PATH,
    StoreError,
    _clean_author,
    check_upload_size,
    display_name,
)
from geo.store.dialect import (
    ATTACHED,
    ATTACHMENTS,
    DEFAULT_ID,
    GENERATION,
    INSERT_ATTACHMENT,
    INSERT_DEFAULT,
    INSERT_ORIGINAL,
    INSERT_VERSION,
    NEXT_VERSION,
    ORIGINAL,
    ROWS,
    VERSION,
    VERSIONS,
    Dialect,
)
from geo.store.frames import _check_frame, _chunks, _decode_frame, _encode_columns, _unpack
from geo.text import msg

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Version:
    """One published registry version (id 0 = the bundled data).

    Attributes
    ----------
    id : int
        Version number, 0 for the bundled data, then 1, 2, … in publishing order.
    created_at : datetime or None
        When it was published (timezone-aware UTC); None for version 0.
    author : str
        Who published it (as given to :meth:`Store.publish`).
    file_name : str
        The uploaded file's name, sanitised for display (never a path).
    rows, valid_rows : int or None
        Data rows in the file and rows that passed validation; None for version 0.
    problems : int
        Problems the validation reported (a row can have several).
    checksum : str
        SHA-256 (hex) of the original file's bytes ("" if the bundled file is missing).
    size_bytes : int
        Size of the original file.
    datum : str
        Coordinate datum of the source file ("wgs84", "gcj02", "bd09"); stored as WGS-84.
    is_default : bool
        True for the shared default version the dashboard opens with.
    """

    id: int
    created_at: datetime | None
    author: str
    file_name: str
    rows: int | None
    valid_rows: int | None
    problems: int
    checksum: str
    size_bytes: int
    datum: str
    is_default: bool = False

    @property
    def is_bundled(self) -> bool:
        """True for version 0, the data shipped with the app."""
        return self.id == 0

    def label(self) -> str:
        """Short language-neutral label, e.g. ``v3 · 2025-05-01 09:30 UTC · alice · a.xlsx``."""
        if self.created_at is None:
            return f"v{self.id} · {self.file_name}"
        when = self.created_at.strftime("%Y-%m-%d %H:%M UTC")
        return f"v{self.id} · {when} · {self.author} · {self.file_name}"



@dataclass(frozen=True)
class _Meta:
    author: str
    file_name: str
    rows: int
    valid_rows: int
    problems: int
    checksum: str
    size_bytes: int
    datum: str


class Store(ABC):
    """A versioned registry store (see the module docstring). Use :func:`open_store`."""

    #: human-readable location (password redacted); also a good cache key
    url: str

    def __init__(self, *, secrets_path: str | Path | None = None) -> None:
        self._secrets_path = secrets_path

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    # -- writing ----------------------------------------------------------------------------
    def publish(
        self,
        result: Any,
        *,
        original: bytes,
        file_name: str,
        author: str,
        token: str | None,
        datum: str = "wgs84",
        make_default: bool = True,
        progress: Progress | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Version:
        """Store a validated registry as a new version, atomically.

        Parameters
        ----------
        result : RegistryResult or GeoDataFrame
            Output of :func:`geo.registry.load_registry` (its ``.frame`` — the valid rows —
            is stored; ``.rows``, ``.valid_rows`` and the number of ``.problems`` are
            recorded), or a canonical frame directly.
        original : bytes
            The file exactly as uploaded; stored with its SHA-256.
        file_name : str
            The uploaded file's name (sanitised, kept for display only).
        author : str
            Who publishes.
        token : str or None
            The editor token presented by the caller.
        datum : str
            Datum of the source file's coordinates (the frame itself is WGS-84).
        make_default : bool
            Make the new version the shared default (what the dashboard opens with).
        progress : callable, optional
            Called with the fraction of rows written (0–1) inside the transaction; an
            exception it raises aborts the publish with nothing written.
        attachments : sequence of Attachment
            Files published with the version in the same transaction, at most one of each
            kind (firm-year panel, key projects); read back with :meth:`load_panel` and
            :meth:`load_projects`.

        Returns
        -------
        Version
            The new version.

        Raises
        ------
        PublishRefused
            No editor token configured, or ``token`` missing or wrong.
        UploadTooLarge
            ``original`` exceeds :func:`max_upload_bytes`.
        ValueError, TypeError
            The frame is not canonical (missing columns, not EPSG:4326, not points, empty).
        StoreError
            The database failed; nothing was written.
        """
        require_editor(token, secrets_path=self._secrets_path)
        if not isinstance(original, bytes | bytearray | memoryview):
            raise TypeError(f"original must be bytes, got {type(original).__name__}")
        data = bytes(original)
        check_upload_size(len(data))
        files = _check_attachments(attachments)
        frame, rows, valid, problems = _unpack(result)
        _check_frame(frame)
        meta = _Meta(
            author=_clean_author(author),
            file_name=display_name(file_name),
            rows=rows,
            valid_rows=valid,
            problems=problems,
            checksum=hashlib.sha256(data).hexdigest(),
            size_bytes=len(data),
            datum=normalize_datum(datum),
        )
        columns = _encode_columns(frame)
        geoms = np.asarray(frame.geometry.values, dtype=object)
        version = self._write(meta, data, columns, geoms, make_default, progress, files)
        return _replace_default(version, version.id == self.get_default())

    def set_default(self, version_id: int, token: str | None, *, author: str = "editor") -> None:
        """Make ``version_id`` (0 = bundled data) the shared default; needs the editor token.

        Raises
        ------
        PublishRefused
            As for :meth:`publish`.
        ValueError
            If no such version exists.
        """
        require_editor(token, action="set the default version", secrets_path=self._secrets_path)
        version_id = self._existing(version_id)
        self._append_default(version_id, _clean_author(author))

    # -- reading ----------------------------------------------------------------------------
    def versions(self) -> list[Version]:
        """All versions, newest first, ending with version 0 (the bundled data)."""
        default = self.get_default()
        stored = [_replace_default(v, v.id == default) for v in self._stored_versions()]
        return [*stored, _bundled_version(default == 0)]

    def latest_id(self) -> int:
        """Id of the newest published version (0 if none)."""
        stored = self._stored_versions()
        return stored[0].id if stored else 0

    def get_default(self) -> int:
        """The shared default version id: the last one published or set (0 if none)."""
        return self._default_id()

    def generation(self) -> tuple[int, int]:
        """``(newest version id, default version id)`` in one cheap query.

        :meth:`versions` depends on nothing else (versions are append-only), so a replica
        that caches the version list by this pair sees another replica's publish or
        default switch as soon as it asks again, without reading the whole list.
        """
        return self._generation()

    def load(self, version_id: int | None = None) -> gpd.GeoDataFrame:
        """The canonical enterprise frame of a version (default: :meth:`get_default`).

        Version 0 is the bundled data (:func:`geo.registry.load_enterprises`). Other
        versions come back with the columns of :data:`COLUMNS` plus ``geometry``, EPSG:4326,
        in the order they were published.

        Raises
        ------
        ValueError
            If no such version exists.
        """
        vid = self.get_default() if version_id is None else self._existing(version_id)
        if vid == 0:
            return importlib.import_module("geo.registry").load_enterprises()
        records, geoms = self._read_rows(vid)
        return _decode_frame(records, geoms)

    def original(self, version_id: int) -> bytes:
        """The file exactly as it was published, checked against its stored SHA-256.

        Raises
        ------
        StoreError
            If the stored bytes no longer match the checksum.
        """
        vid = self._existing(version_id)
        if vid == 0:
            return BUNDLED_PATH.read_bytes()
        data, checksum = self._read_original(vid)
        if hashlib.sha256(data).hexdigest() != checksum:
            raise StoreError(msg("store.checksum_original", path=self.url, vid=vid))
        return data

    def attachments(self, version_id: int) -> dict[str, Attachment]:
        """The files published with a version, by kind (none for version 0 or older versions).

        Raises
        ------
        StoreError
            If a stored file no longer matches its SHA-256.
        """
        vid = self._existing(version_id)
        if vid == 0:
            return {}
        out = {}
        for kind, file_name, checksum, _size, content in self._read_attachments(vid):
            found = Attachment(kind, file_name, bytes(content))
            if found.checksum != checksum:
                raise StoreError(msg("store.checksum_file", path=self.url, vid=vid, kind=kind))
            out[kind] = found
        return out

    def attached(self) -> dict[int, dict[str, str]]:
        """Kind -> file name of the files published with each version, by version id, in one
        query without reading the files (versions without any are left out, as is 0)."""
        out: dict[int, dict[str, str]] = {}
        for vid, kind, file_name in self._select(ATTACHED):
            out.setdefault(int(vid), {})[kind] = file_name
        return out

    def load_panel(self, version_id: int) -> tuple[pd.DataFrame, str] | None:
        """The firm-year panel of a version and its file name; ``None`` if it has none.

        Version 0 gives the shipped ``data/enterprise_years.csv``; a published version the
        panel published with it (:func:`geo.panel.load_panel` frame), or ``None`` when it
        was published without one: the caller says so rather than borrowing another's.
        """
        panel = importlib.import_module("geo.panel")
        if self._existing(version_id) == 0:
            return panel.load_enterprise_years(), Path(panel.PANEL_PATH).name
        found = self.attachments(version_id).get("panel")
        if found is None:
            return None
        return panel.load_panel(found.content, name=found.file_name).frame, found.file_name

    def load_projects(self, version_id: int) -> tuple[pd.DataFrame, str] | None:
        """The key-project register of a version and its file name; ``None`` if it has none.

        Version 0 gives the shipped ``data/projects.csv``.
        """
        projects = importlib.import_module("geo.projects")
        if self._existing(version_id) == 0:
            return projects.load_projects(), Path(projects.PROJECTS_PATH).name
        found = self.attachments(version_id).get("projects")
        if found is None:
            return None
        return projects.load_projects(found.content, name=found.file_name), found.file_name

    def _existing(self, version_id: int) -> int:
        if isinstance(version_id, bool) or not isinstance(version_id, int | np.integer):
            raise TypeError(f"version_id must be an int, got {version_id!r}")
        vid = int(version_id)
        if vid != 0 and vid not in {v.id for v in self._stored_versions()}:
            raise ValueError(f"{self.url} has no version {vid}; see store.versions()")
        return vid

    # -- the shared SQL, run through the back end's primitives -------------------------------
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
        sql = self._dialect.sql
        encoded = self._encode_geoms(geoms)
        n = len(encoded)
        with self._transaction(publishing=True) as con:
            vid = int(con.execute(sql(NEXT_VERSION)).fetchone()[0])  # an aggregate: one row
            con.execute(sql(INSERT_VERSION), (vid, meta.author, meta.file_name, meta.rows,
                                              meta.valid_rows, meta.problems, meta.checksum,
                                              meta.size_bytes, meta.datum))
            con.execute(sql(INSERT_ORIGINAL), (vid, original))
            for a in attachments:
                con.execute(sql(INSERT_ATTACHMENT),
                            (vid, a.kind, a.file_name, a.checksum, len(a.content), a.content))
            with self._row_writer(con) as write:
                for start, stop in _chunks(n):
                    write((vid, i, *(col[i] for col in columns), encoded[i])
                          for i in range(start, stop))
                    if progress is not None:
                        progress(stop / n)
            if make_default:
                con.execute(sql(INSERT_DEFAULT), (vid, meta.author))
        return self._stored_version(vid)

    def _append_default(self, version_id: int, author: str) -> None:
        with self._transaction(publishing=False) as con:
            con.execute(self._dialect.sql(INSERT_DEFAULT), (version_id, author))

    def _select(self, template: str, *params: Any) -> list[tuple[Any, ...]]:
        return self._query(self._dialect.sql(template), params)

    def _stored_versions(self) -> list[Version]:
        return [_version_from_row(r) for r in self._select(VERSIONS)]

    def _stored_version(self, vid: int) -> Version:
        return _version_from_row(self._select(VERSION, vid)[0])

    def _default_id(self) -> int:
        rows = self._select(DEFAULT_ID)
        return int(rows[0][0]) if rows else 0

    def _generation(self) -> tuple[int, int]:
        rows = self._select(GENERATION)
        return int(rows[0][0]), int(rows[0][1])

    def _read_rows(self, version_id: int) -> tuple[list[tuple[Any, ...]], list[bytes | None]]:
        rows = self._select(ROWS, version_id)
        return [r[:-1] for r in rows], [self._decode_geom(r[-1]) for r in rows]

    def _read_original(self, version_id: int) -> tuple[bytes, str]:
        rows = self._select(ORIGINAL, version_id)
        return bytes(rows[0][0]), rows[0][1]

    def _read_attachments(self, version_id: int) -> list[tuple[Any, ...]]:
        return self._select(ATTACHMENTS, version_id)

    def _failed(self, publishing: bool, exc: BaseException) -> StoreError:
        """The error a failed write raises: what failed, where, and that nothing was kept."""
        if publishing:
            return StoreError(msg("store.publish_failed", path=self.url, detail=exc))
        return StoreError(msg("store.default_failed", path=self.url, detail=exc))

    # -- back end primitives ----------------------------------------------------------------
    #: how the back end spells the shared statements of geo.store.dialect
    _dialect: Dialect

    @abstractmethod
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of one read; a database error raises :class:`StoreError`."""

    @abstractmethod
    def _transaction(self, *, publishing: bool) -> AbstractContextManager[Any]:
        """A connection inside one write transaction, committed when the block ends and rolled
        back on any exception; a database error raises :meth:`_failed`. A publishing
        transaction first takes what numbers versions (a lock, an integrity check)."""

    @abstractmethod
    def _row_writer(self, con: Any) -> AbstractContextManager[Callable[[Iterable[Any]], None]]:
        """A function writing enterprise rows (tuples in :data:`~geo.store.dialect.ROW_FIELDS`
        order, geometry as :meth:`_encode_geoms` gives it) in the transaction ``con``."""

    @abstractmethod
    def _encode_geoms(self, geoms: np.ndarray) -> list[Any]:
        """Point geometries as the back end stores them (``None`` stays ``None``)."""

    @abstractmethod
    def _decode_geom(self, value: Any) -> bytes | None:
        """WKB of one stored geometry as :data:`~geo.store.dialect.ROWS` reads it."""


def _replace_default(version: Version, is_default: bool) -> Version:
    return dataclasses.replace(version, is_default=is_default)


def _bundled_version(is_default: bool) -> Version:
    exists = BUNDLED_PATH.is_file()
    data = BUNDLED_PATH.read_bytes() if exists else b""
    return Version(
        id=0,
        created_at=None,
        author="bundled",
        file_name=BUNDLED_PATH.name,
        rows=None,
        valid_rows=None,
        problems=0,
        checksum=hashlib.sha256(data).hexdigest() if exists else "",
        size_bytes=len(data),
        datum="wgs84",
        is_default=is_default,
    )


def _version_from_row(row: Sequence[Any]) -> Version:
    vid, created, author, file_name, rows, valid, problems, checksum, size, datum = row
    if isinstance(created, str):
        created = datetime.fromisoformat(created)
    return Version(
        id=int(vid),
        created_at=created.astimezone(UTC),
        author=author,
        file_name=file_name,
        rows=int(rows),
        valid_rows=int(valid),
        problems=int(problems),
        checksum=checksum,
        size_bytes=int(size),
        datum=datum,
    )

