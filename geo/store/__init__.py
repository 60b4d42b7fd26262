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

import re
from pathlib import Path

from geo.auth import PublishRefused
from geo.store.attachments import ATTACHMENT_KINDS, Attachment
from geo.store.config import (
    DEFAULT_STORE_PATH,
    StoreError,
    UploadTooLarge,
    _is_postgres_url,
    _strip_file_scheme,
    check_upload_size,
    default_store_url,
    display_name,
    max_upload_bytes,
    redact_url,
)
from geo.store.frames import COLUMNS, OPTIONAL_COLUMNS
from geo.store.geopackage import GeoPackageStore
from geo.store.interface import Store, Version
from geo.store.postgres import PostgresStore

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

