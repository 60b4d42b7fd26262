"""Where the store is and what it accepts: the store URL from configuration, the upload
limit, display names for user-supplied file names and authors, redacted URLs, the errors."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

from geo.auth import PROJECT_DIR, read_secrets
from geo.text import MessageError, msg

DEFAULT_STORE_PATH: Final[Path] = PROJECT_DIR / "var" / "registry.gpkg"
STORE_ENV: Final[str] = "ATLAS_STORE"
STORE_KEY: Final[str] = "store_url"
MAX_UPLOAD_ENV: Final[str] = "ATLAS_MAX_UPLOAD_MB"
DEFAULT_MAX_UPLOAD_MB: Final[float] = 50.0
BUNDLED_PATH: Final[Path] = PROJECT_DIR / "data" / "enterprises.csv"


class StoreError(MessageError, RuntimeError):
    """The store cannot be opened, reached or read; the message names the store and the fix."""


class UploadTooLarge(MessageError, ValueError):
    """A registry file is larger than the configured upload limit."""



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
        raise UploadTooLarge(msg("file.too_large", size=_size_text(size_bytes),
                                 limit=_size_text(limit), setting=MAX_UPLOAD_ENV))


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

