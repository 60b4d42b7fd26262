"""Who may publish: the editor token, read from configuration and compared in constant time.

Viewing needs nothing. Publishing a registry version and switching the shared default
version need the **editor token**.

Configured token
    The root-level key ``EDITOR_TOKEN`` in ``.streamlit/secrets.toml`` (the project's file;
    another path with the environment variable ``ATLAS_SECRETS_FILE`` or the
    ``secrets_path=`` argument), else the environment variable ``EDITOR_TOKEN``. The file
    wins when both are set, so a deployment's secrets cannot be overridden by a stray
    variable in one process. With no token configured anywhere (or an empty one),
    publishing is off and every publish is refused.
Presented token
    In the dashboard: what the editor types into the password field (:func:`check_token`).
    On the command line (``python -m geo publish``): the first line of ``--token-file``,
    else the environment variable ``EDITOR_TOKEN`` of the shell running the command. So an
    administrator whose shell exports ``EDITOR_TOKEN`` (with no secrets file) both
    configures and presents it; where the secrets file holds the token, the administrator
    must present the same value.

Tokens are compared as UTF-8 bytes with :func:`hmac.compare_digest`, surrounding
whitespace ignored (a token file's trailing newline). No function here logs, prints or
puts a token into an exception message.
"""

from __future__ import annotations

import hmac
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from geo.text import MessageError, msg

PROJECT_DIR: Final[Path] = Path(__file__).resolve().parents[1]
#: the project's Streamlit secrets file (git-ignored)
DEFAULT_SECRETS_PATH: Final[Path] = PROJECT_DIR / ".streamlit" / "secrets.toml"
#: environment variable / secrets key holding the editor token
TOKEN_KEY: Final[str] = "EDITOR_TOKEN"
#: environment variable naming another secrets file (tests, deployments)
SECRETS_ENV: Final[str] = "ATLAS_SECRETS_FILE"
#: what :func:`require_editor` guards -> its name in the text catalogue
_ACTIONS: Final = {"publish": "auth.publish", "set the default version": "auth.set_default"}


class PublishRefused(MessageError, PermissionError):
    """A publish (or default switch) was refused: no token configured, none or a wrong one given."""


def secrets_file(secrets_path: str | Path | None = None) -> Path:
    """The secrets file in force: the argument, else ``$ATLAS_SECRETS_FILE``, else the project's.

    Parameters
    ----------
    secrets_path : str or Path, optional
        Explicit path; wins over the environment.

    Returns
    -------
    Path
        The path (it need not exist).
    """
    if secrets_path is not None:
        return Path(secrets_path)
    env = os.environ.get(SECRETS_ENV, "").strip()
    return Path(env) if env else DEFAULT_SECRETS_PATH


def read_secrets(secrets_path: str | Path | None = None) -> dict[str, Any]:
    """Parse the secrets file as TOML; a missing file is an empty mapping.

    Parameters
    ----------
    secrets_path : str or Path, optional
        See :func:`secrets_file`.

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    ValueError
        If the file exists but is not valid TOML (the message names the file, not its content).
    """
    path = secrets_file(secrets_path)
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        # the decoder's message can quote the offending line, which may hold a secret
        line = _toml_line(exc)
        raise ValueError(f"{path} is not valid TOML; fix its syntax (line {line})") from None


def _toml_line(exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    return text.rsplit("line", 1)[-1].split(",")[0].strip() if "line" in text else "?"


def configured_token(
    *, secrets_path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The editor token configured for this deployment, or None when publishing is off.

    Parameters
    ----------
    secrets_path : str or Path, optional
        See :func:`secrets_file`.
    environ : Mapping, optional
        Environment to read (default ``os.environ``).

    Returns
    -------
    str or None
        The stripped token; None if neither the secrets file nor the environment sets a
        non-empty one.
    """
    environ = os.environ if environ is None else environ
    value = read_secrets(secrets_path).get(TOKEN_KEY)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{TOKEN_KEY} in {secrets_file(secrets_path)} must be a string")
    token = (value or "").strip() or environ.get(TOKEN_KEY, "").strip()
    return token or None


def editor_token_configured(
    *, secrets_path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """True if an editor token is configured, i.e. publishing is possible at all.

    The dashboard shows its publish controls only when this is true.
    """
    return configured_token(secrets_path=secrets_path, environ=environ) is not None


def check_token(
    presented: str | None,
    *,
    secrets_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """True if ``presented`` equals the configured editor token (constant-time comparison).

    Parameters
    ----------
    presented : str or None
        The token the user gave. None or empty never matches.
    secrets_path, environ
        See :func:`configured_token`.

    Returns
    -------
    bool
        False when no token is configured, none is presented, or they differ.

    Examples
    --------
    >>> check_token("s3cret", environ={"EDITOR_TOKEN": "s3cret"}, secrets_path="/nonexistent")
    True
    >>> check_token("guess", environ={"EDITOR_TOKEN": "s3cret"}, secrets_path="/nonexistent")
    False
    """
    if presented is not None and not isinstance(presented, str):
        raise TypeError(f"presented token must be str or None, got {type(presented).__name__}")
    expected = configured_token(secrets_path=secrets_path, environ=environ)
    given = (presented or "").strip()
    if expected is None or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_editor(
    presented: str | None,
    *,
    action: str = "publish",
    secrets_path: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Raise :class:`PublishRefused` unless ``presented`` is the configured editor token.

    Parameters
    ----------
    presented : str or None
        The token given by the caller.
    action : str
        What is being attempted, for the message ("publish", "set the default version").
    secrets_path, environ
        See :func:`configured_token`.

    Raises
    ------
    PublishRefused
        With a message saying which of the three cases applies (never the token itself).
    """
    said = msg(_ACTIONS[action]) if action in _ACTIONS else action
    if not editor_token_configured(secrets_path=secrets_path, environ=environ):
        raise PublishRefused(msg("auth.no_token", action=said, setting=TOKEN_KEY,
                                 secrets=secrets_file(secrets_path)))
    if not (presented or "").strip():
        raise PublishRefused(msg("auth.token_required", action=said))
    if not check_token(presented, secrets_path=secrets_path, environ=environ):
        raise PublishRefused(msg("auth.token_wrong", action=said))
