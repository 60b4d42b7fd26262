"""Versioned registry store: publish a validated registry once, every colleague sees it.

One interface (:class:`Store`), two back ends chosen by the URL given to :func:`open_store`:

``var/registry.gpkg``, ``gpkg:PATH``, ``sqlite:PATH`` (any file path)
    Embedded default, nothing to install. A single GeoPackage file written with the
    standard library's :mod:`sqlite3` in WAL mode: GDAL/QGIS open it (feature table
    ``enterprises``, all versions, filter on ``version_id``). Several app processes on the
    same machine may share it; not for network file systems.
``postgresql://user:password@host:port/db``
    PostgreSQL + PostGIS (``geometry(Point, 4326)``) for a shared deployment with several
    app replicas. Tables live in one schema (``atlas`` unless told otherwise).

Which store: the ``url`` argument, else the environment variable ``ATLAS_STORE``, else the
root-level key ``store_url`` in ``.streamlit/secrets.toml``, else ``var/registry.gpkg``
in the project (git-ignored). A relative path from configuration is taken from the project
directory; one given on the command line from the current directory.

Versions
    Each :meth:`Store.publish` writes a new version: metadata (who, when in UTC, the
    sanitised file name, row counts, datum of the source coordinates), the original file's
    bytes with their SHA-256, and the canonical enterprise frame (:data:`COLUMNS` plus a
    point geometry). Version ids count up from 1; **version 0 is the bundled data**
    (``data/enterprises.csv``), always listed, never stored. Nothing is updated or deleted:
    the tables refuse UPDATE and DELETE (triggers). The *shared default* version (what the
    dashboard opens with) is an append-only log too: publishing makes the new version the
    default; :meth:`Store.set_default` switches back to any version, 0 included.
Atomicity
    A publish is one database transaction (SQLite ``BEGIN IMMEDIATE … COMMIT``; in
    PostgreSQL one transaction holding a table lock that numbers versions). Readers see a
    version only once all of it is committed; a crash or a killed process mid-publish
    leaves the previous versions untouched and no trace of the half-written one.
Who may publish
    Publishing and switching the default need the editor token, see :mod:`geo.auth`;
    without one configured the store refuses (:class:`~geo.auth.PublishRefused`).
Limits
    The original file may be at most :func:`max_upload_bytes` (``ATLAS_MAX_UPLOAD_MB``,
    default 50). User file names are kept as display metadata only, never used as paths.

In the dashboard, cache :meth:`Store.load` by ``(store.url, version_id)`` without expiry (a
version never changes) and :meth:`Store.versions` / :meth:`Store.get_default` with a short
TTL, so every replica picks up new versions.

Examples
--------
>>> store = open_store(tmp_path / "registry.gpkg")                     # doctest: +SKIP
>>> v = store.publish(result, original=raw, file_name="名录.xlsx",      # doctest: +SKIP
...                   author="alice", token=presented_token)
>>> store.load(v.id)                                                    # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import re
import sqlite3
import struct
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.auth import PROJECT_DIR, PublishRefused, read_secrets, require_editor
from geo.datum import normalize_datum

if TYPE_CHECKING:
    import psycopg

__all__ = [
    "ATTACHMENT_KINDS",
    "COLUMNS",
    "DEFAULT_STORE_PATH",
    "OPTIONAL_COLUMNS",
    "Attachment",
    "GeoPackageStore",
    "PostgresStore",
    "PublishRefused",
    "Store",
    "StoreError",
    "UploadTooLarge",
    "Version",
    "check_upload_size",
    "default_store_url",
    "display_name",
    "max_upload_bytes",
    "open_store",
    "redact_url",
]

DEFAULT_STORE_PATH: Final[Path] = PROJECT_DIR / "var" / "registry.gpkg"
STORE_ENV: Final[str] = "ATLAS_STORE"
STORE_KEY: Final[str] = "store_url"
MAX_UPLOAD_ENV: Final[str] = "ATLAS_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB: Final[float] = 50.0
BUNDLED_PATH: Final[Path] = PROJECT_DIR / "data" / "enterprises.csv"

#: enterprise columns stored per version -> kind ("str", "float", "int", "bool"), in the
#: order of geo.registry.FRAME_COLUMNS; other columns of a published frame are not stored.
COLUMNS: Final[dict[str, str]] = {
    "id": "str",
    "name_zh": "str",
    "name_en": "str",
    "city": "str",
    "district": "str",
    "city_adcode": "str",
    "district_adcode": "str",
    "address": "str",
    "lon": "float",
    "lat": "float",
    "coord_precision": "str",
    "sector": "str",
    "segment": "str",
    "revenue_10k_cny": "float",
    "revenue_year": "int",
    "listed": "str",
    "employees": "int",
    "credit_code": "str",
    "source": "str",
    "note": "str",
    "products": "str",
    "applications": "str",
    "sample": "bool",
    "tier": "str",
}
#: columns a published frame may lack (stored as missing values then)
OPTIONAL_COLUMNS: Final[frozenset[str]] = frozenset(
    {"credit_code", "note", "products", "applications"})
_SQLITE_TYPES: Final = {"str": "TEXT", "float": "REAL", "int": "INTEGER", "bool": "BOOLEAN"}
_PG_TYPES: Final = {"str": "text", "float": "double precision", "int": "bigint", "bool": "boolean"}
_CHUNK: Final[int] = 5000
#: 2: chain tags (products, applications) added; a version-1 store gains them on open
#: 3: files published with a version (firm-year panel, key projects); older stores gain the
#: table on open, their versions carry none
_SCHEMA_VERSION: Final[str] = "3"
#: files a version may carry besides the registry: the firm-year panel (canonical long CSV,
#: geo.panel) and the key-project register (geo.projects)
ATTACHMENT_KINDS: Final = ("panel", "projects")
_ATTACHMENT_FIELDS: Final = "kind, file_name, checksum, size_bytes, content"

Progress = Callable[[float], None]


class StoreError(RuntimeError):
    """The store cannot be opened, reached or read; the message names the store and the fix."""


class UploadTooLarge(ValueError):
    """A registry file is larger than the configured upload limit."""


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
class Attachment:
    """A file published with a registry version (see :data:`ATTACHMENT_KINDS`).

    Attributes
    ----------
    kind : str
        ``"panel"`` (firm-years as :func:`geo.panel.to_csv_bytes` writes them) or
        ``"projects"`` (a key-project register CSV, :func:`geo.projects.load_projects`).
    file_name : str
        The uploaded file's name, sanitised for display when stored.
    content : bytes
        The file's bytes; stored with their SHA-256 and checked when read.
    """

    kind: str
    file_name: str
    content: bytes

    @property
    def checksum(self) -> str:
        """SHA-256 (hex) of :attr:`content`."""
        return hashlib.sha256(self.content).hexdigest()


def _check_attachments(attachments: Sequence[Attachment]) -> list[Attachment]:
    kinds = [a.kind for a in attachments if isinstance(a, Attachment)]
    if len(kinds) != len(attachments):
        raise TypeError("attachments must be geo.store.Attachment values")
    unknown = sorted(set(kinds) - set(ATTACHMENT_KINDS))
    if unknown or len(set(kinds)) != len(kinds):
        raise ValueError(f"attachments: one of each of {list(ATTACHMENT_KINDS)} at most, "
                         f"got {kinds}")
    out = []
    for a in attachments:
        if not isinstance(a.content, bytes | bytearray) or not a.content:
            raise ValueError(f"attachment {a.kind!r} has no content")
        check_upload_size(len(a.content))
        out.append(Attachment(a.kind, display_name(a.file_name), bytes(a.content)))
    return out


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


# --------------------------------------------------------------------------- configuration


def default_store_url(*, secrets_path: str | Path | None = None) -> str:
    """The configured store: ``$ATLAS_STORE``, else secrets ``store_url``, else the project file.

    Parameters
    ----------
    secrets_path : str or Path, optional
        Secrets file to read (see :func:`geo.auth.secrets_file`).

    Returns
    -------
    str
        A ``postgresql://`` URL or an absolute file path.
    """
    value = os.environ.get(STORE_ENV, "").strip()
    if not value:
        configured = read_secrets(secrets_path).get(STORE_KEY, "")
        if not isinstance(configured, str):
            raise ValueError(f"{STORE_KEY} in the secrets file must be a string")
        value = configured.strip()
    if not value:
        return str(DEFAULT_STORE_PATH)
    if _is_postgres_url(value):
        return value
    path = Path(_strip_file_scheme(value)).expanduser()
    return str(path if path.is_absolute() else PROJECT_DIR / path)


def max_upload_bytes() -> int:
    """Largest registry file accepted, from ``$ATLAS_MAX_UPLOAD_MB`` (default 50 MB).

    Raises
    ------
    ValueError
        If the variable is not a positive number.
    """
    raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_UPLOAD_MB
    except ValueError:
        raise ValueError(f"{MAX_UPLOAD_ENV}={raw!r} is not a number of megabytes") from None
    if not megabytes > 0:
        raise ValueError(f"{MAX_UPLOAD_ENV}={raw!r} must be positive")
    return int(megabytes * 1024 * 1024)


def check_upload_size(size_bytes: int) -> None:
    """Raise :class:`UploadTooLarge` if ``size_bytes`` exceeds :func:`max_upload_bytes`.

    Examples
    --------
    >>> check_upload_size(1024)
    """
    if isinstance(size_bytes, bool) or not isinstance(size_bytes, int) or size_bytes < 0:
        raise TypeError(f"size_bytes must be a non-negative int, got {size_bytes!r}")
    limit = max_upload_bytes()
    if size_bytes > limit:
        raise UploadTooLarge(
            f"the file is {_size_text(size_bytes)}; the limit is {_size_text(limit)}. "
            f"Split the registry, or ask the administrator to raise {MAX_UPLOAD_ENV}"
        )


def _size_text(n: int) -> str:
    """``512 bytes``, ``3.5 KB``, ``50 MB`` (binary units, one decimal where it matters)."""
    if n < 1024:
        return f"{n} bytes"
    value, unit = (n / 1024, "KB") if n < 2**20 else (n / 2**20, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def display_name(file_name: str) -> str:
    """A user-supplied file name made safe to show: last path part, no control characters.

    The result is metadata only; the store never opens or creates a file by this name.

    Examples
    --------
    >>> display_name("../../etc/passwd")
    'passwd'
    >>> display_name("C:\\\\Users\\\\li\\\\名录\\u202e.xlsx")
    '名录.xlsx'
    """
    if not isinstance(file_name, str):
        raise TypeError(f"file_name must be str, got {type(file_name).__name__}")
    name = re.split(r"[\\/]", file_name)[-1]
    name = _printable(name).strip().lstrip(".").strip()
    return name[:120] or "upload"


def redact_url(url: str | Path) -> str:
    """The store URL without its password, for messages and logs.

    Examples
    --------
    >>> redact_url("postgresql://atlas:s3cret@db:5432/atlas")
    'postgresql://atlas:***@db:5432/atlas'
    """
    text = str(url)
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return text.split("://", 1)[0] + "://***"
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[-1]
        text = text.replace(parts.netloc, f"{parts.username or ''}:***@{host}", 1)
    if parts.query:
        query = re.sub(r"(password=)[^&]*", r"\1***", parts.query)
        text = text.replace("?" + parts.query, "?" + query, 1)
    return text


def open_store(
    url: str | Path | None = None,
    *,
    schema: str = "atlas",
    secrets_path: str | Path | None = None,
) -> Store:
    """Open (creating on first use) the store at ``url``.

    Parameters
    ----------
    url : str or Path, optional
        A file path (optionally ``gpkg:``/``sqlite:`` prefixed) for the GeoPackage back end,
        or a ``postgresql://`` URL. Default: :func:`default_store_url`.
    schema : str
        PostgreSQL schema holding the tables (ignored for a file).
    secrets_path : str or Path, optional
        Secrets file for the editor token and ``store_url`` (tests; default the project's).

    Returns
    -------
    Store

    Raises
    ------
    ValueError
        For an unsupported URL scheme.
    StoreError
        If the store cannot be opened or initialised.
    """
    if url is None:
        url = default_store_url(secrets_path=secrets_path)
    if isinstance(url, Path):
        return GeoPackageStore(url, secrets_path=secrets_path)
    if not isinstance(url, str) or not url.strip():
        raise TypeError(f"url must be a non-empty str or Path, got {url!r}")
    text = url.strip()
    if _is_postgres_url(text):
        return PostgresStore(text, schema=schema, secrets_path=secrets_path)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE) and not text.startswith("sqlite:"):
        raise ValueError(
            f"unsupported store URL {redact_url(text)!r}; give a file path or a postgresql:// URL"
        )
    return GeoPackageStore(Path(_strip_file_scheme(text)).expanduser(), secrets_path=secrets_path)


def _is_postgres_url(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


def _strip_file_scheme(text: str) -> str:
    for prefix in ("sqlite:///", "sqlite://", "sqlite:", "gpkg:"):
        if text.startswith(prefix):
            rest = text[len(prefix):]
            return "/" + rest if prefix == "sqlite:///" else rest
    return text


def _printable(text: str) -> str:
    # drop control and format characters (incl. bidi overrides that disguise extensions)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def _clean_author(author: str) -> str:
    if not isinstance(author, str):
        raise TypeError(f"author must be str, got {type(author).__name__}")
    cleaned = _printable(author).strip()[:100]
    if not cleaned:
        raise ValueError("author must name who publishes (got an empty string)")
    return cleaned


# --------------------------------------------------------------------------- frame encoding


def _unpack(result: Any) -> tuple[gpd.GeoDataFrame, int, int, int]:
    """(frame, rows, valid_rows, problems) of a RegistryResult-like object or a GeoDataFrame."""
    if isinstance(result, gpd.GeoDataFrame):
        return result, len(result), len(result), 0
    frame = getattr(result, "frame", None)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise TypeError(
            "publish needs a RegistryResult (with a .frame GeoDataFrame) or a GeoDataFrame, "
            f"got {type(result).__name__}"
        )
    rows = int(getattr(result, "rows", len(frame)))
    valid = int(getattr(result, "valid_rows", len(frame)))
    problems = len(getattr(result, "problems", ()) or ())
    if not 0 <= valid <= rows:
        raise ValueError(f"inconsistent counts: valid_rows={valid}, rows={rows}")
    return frame, rows, valid, problems


def _check_frame(frame: gpd.GeoDataFrame) -> None:
    missing = [c for c in COLUMNS if c not in frame.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ValueError(f"registry frame lacks canonical columns {missing}")
    if len(frame) == 0:
        raise ValueError("nothing to publish: the registry has no valid rows")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError(f"registry frame must be in EPSG:4326 (WGS-84), got {frame.crs}")
    types = shapely.get_type_id(np.asarray(frame.geometry.values, dtype=object))
    bad = np.flatnonzero((types != 0) & (types != -1))
    if bad.size:
        raise ValueError(
            f"registry geometry must be points; row positions {bad[:5].tolist()} are not"
        )


def _column_values(series: pd.Series, kind: str, name: str) -> list[Any]:
    """Plain Python values for one column (None for missing), ready for any DB driver."""
    try:
        if kind == "str":
            # pandas documents na_value=None; pandas-stubs types it as a non-None Scalar
            values = series.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]
            return [v if v is None or type(v) is str else str(v) for v in values]
        if kind == "float":
            arr = pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
            return [None if np.isnan(v) else v for v in arr.tolist()]
        if kind == "int":
            values = series.astype("Int64").to_numpy(  # type: ignore[call-overload]  # na_value=None
                dtype=object, na_value=None)
            return [None if v is None else int(v) for v in values]
        values = series.astype("boolean").to_numpy(  # type: ignore[call-overload]  # na_value=None
            dtype=object, na_value=None)
        return [None if v is None else bool(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name!r} does not hold {kind} values: {exc}") from None


def _encode_columns(frame: gpd.GeoDataFrame) -> list[list[Any]]:
    return [
        _column_values(frame[name], kind, name) if name in frame.columns else [None] * len(frame)
        for name, kind in COLUMNS.items()
    ]


def _decode_frame(
    records: Sequence[Sequence[Any]], geoms: Sequence[bytes | None]
) -> gpd.GeoDataFrame:
    """Rebuild the canonical frame from rows of :data:`COLUMNS` values and WKB geometries."""
    n = len(records)
    columns = list(zip(*records, strict=True)) if n else [()] * len(COLUMNS)
    out: dict[str, Any] = {}
    for (name, kind), values in zip(COLUMNS.items(), columns, strict=True):
        if kind == "str":  # object dtype, as geo.registry builds its frames
            out[name] = pd.Series(np.array(values, dtype=object), dtype=object)
        elif kind == "float":  # None -> NaN
            out[name] = pd.Series(np.array(values, dtype=float))
        elif kind == "int":
            out[name] = pd.Series(pd.array(values, dtype="Int64"))
        else:
            flags = pd.Series(pd.array([None if v is None else bool(v) for v in values],
                                       dtype="boolean"))
            out[name] = flags if flags.isna().any() else flags.astype(bool)
    geometry = shapely.from_wkb(np.asarray(list(geoms), dtype=object))
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry, crs="EPSG:4326"))


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, _CHUNK):
        yield start, min(start + _CHUNK, n)


# --------------------------------------------------------------------------- interface


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
            raise StoreError(f"{self.url}: version {vid}'s original file fails its checksum")
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
                raise StoreError(f"{self.url}: version {vid}'s {kind} file fails its checksum")
            out[kind] = found
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

    # -- back end ---------------------------------------------------------------------------
    @abstractmethod
    def _write(
        self,
        meta: _Meta,
        original: bytes,
        columns: list[list[Any]],
        geoms: np.ndarray,
        make_default: bool,
        progress: Progress | None,
        attachments: Sequence[Attachment],
    ) -> Version: ...

    @abstractmethod
    def _read_attachments(self, version_id: int) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _stored_versions(self) -> list[Version]: ...

    @abstractmethod
    def _default_id(self) -> int: ...

    @abstractmethod
    def _generation(self) -> tuple[int, int]: ...

    @abstractmethod
    def _append_default(self, version_id: int, author: str) -> None: ...

    @abstractmethod
    def _read_rows(self, version_id: int) -> tuple[list[tuple[Any, ...]], list[bytes | None]]: ...

    @abstractmethod
    def _read_original(self, version_id: int) -> tuple[bytes, str]: ...


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


_VERSION_FIELDS: Final = (
    "version_id, created_at, author, file_name, row_count, valid_count, problem_count, "
    "checksum, size_bytes, datum"
)

# --------------------------------------------------------------------------- GeoPackage

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


# --------------------------------------------------------------------------- PostgreSQL

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
