"""``python -m geo publish``: validate a registry file and publish it as a new store version.

``--years FILE`` and ``--projects FILE`` publish a firm-year panel (long or wide, checked
against the registry) and a key-project register with the version; a version published
without them carries none (the dashboard then says so).

Exit codes: 0 published, 1 store error, 2 file refused, 3 editor token refused.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Final

from geo import panel as pnl
from geo import projects as prj
from geo.auth import PublishRefused, require_editor
from geo.datum import DATUMS
from geo.registry import RegistryError, RegistryResult, load_registry
from geo.store import Attachment, StoreError, UploadTooLarge, check_upload_size, open_store

EXIT_OK: Final = 0
EXIT_STORE: Final = 1  # store unreachable or broken
EXIT_INVALID: Final = 2  # file missing, too large, or refused by validation
EXIT_REFUSED: Final = 3  # editor token not configured, not presented, or wrong


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo publish",
        description=(
            "Validate a registry file and publish it as a new version. Needs the editor "
            "token: configured as EDITOR_TOKEN in .streamlit/secrets.toml or the environment, "
            "presented with --token-file or the environment variable EDITOR_TOKEN. "
            "Exit codes: 0 published, 1 store error, 2 file refused, 3 token refused."
        ),
    )
    parser.add_argument("path", type=Path, help="registry file (CSV or XLSX)")
    parser.add_argument("--store", help="file path or postgresql:// URL (default: configured)")
    parser.add_argument("--datum", default="wgs84", choices=DATUMS,
                        help="datum of the file's coordinates (default wgs84)")
    parser.add_argument("--author", help="who publishes (default: the login name)")
    parser.add_argument("--token-file", type=Path,
                        help="file whose first line is the editor token (else $EDITOR_TOKEN)")
    parser.add_argument("--years", type=Path,
                        help="firm-year panel (CSV or XLSX, long or wide) to publish with it")
    parser.add_argument("--projects", type=Path,
                        help="key-project register (CSV, columns of data/projects.csv)")
    parser.add_argument("--keep-default", action="store_true",
                        help="do not make the new version the dashboard's default")
    return parser


def _presented_token(token_file: Path | None) -> str | None:
    if token_file is None:
        return os.environ.get("EDITOR_TOKEN")
    try:
        lines = token_file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise PublishRefused(
            f"cannot read the token file {token_file}: {exc.__class__.__name__}"
        ) from None
    return lines[0] if lines else None


def err(message: str) -> None:
    """Print ``error: message`` to stderr."""
    print(f"error: {message}", file=sys.stderr)


def _validate_file(path: Path, datum: str) -> tuple[RegistryResult, bytes] | int:
    """(RegistryResult, raw bytes), or an exit code after printing why the file is refused."""
    data = _read(path)
    if isinstance(data, int):
        return data
    try:
        result = load_registry(data, name=path.name, datum=datum)
    except RegistryError as exc:
        err(str(exc))
        return EXIT_INVALID
    if result.valid_rows == 0 or len(result.frame) == 0:
        err(f"{path.name}: no valid rows to publish; run `python -m geo validate {path}`")
        return EXIT_INVALID
    return result, data


def _read(path: Path) -> bytes | int:
    """The file's bytes, or an exit code after printing why it is refused (missing, too big)."""
    if not path.is_file():
        err(f"{path}: no such file")
        return EXIT_INVALID
    try:
        check_upload_size(path.stat().st_size)
    except UploadTooLarge as exc:
        err(f"{path.name}: {exc}")
        return EXIT_INVALID
    return path.read_bytes()


def _attachments(args: argparse.Namespace, result: RegistryResult
                 ) -> tuple[list[Attachment], list[str]] | int:
    """The panel and projects files as attachments with a line each for the report, or an
    exit code after printing why a file is refused."""
    files: list[Attachment] = []
    lines: list[str] = []
    if args.years is not None:
        data = _read(args.years)
        if isinstance(data, int):
            return data
        try:
            panel = pnl.load_panel(data, name=args.years.name, registry=result.frame)
        except RegistryError as exc:
            err(str(exc))
            return EXIT_INVALID
        if not len(panel.frame):
            err(f"{args.years.name}: no usable firm-year rows; "
                f"run `python -m geo growth --years {args.years} …` to see why")
            return EXIT_INVALID
        if panel.unmatched_ids:
            shown = ", ".join(panel.unmatched_ids[:10])
            print(f"warning: {args.years.name}: {len(panel.unmatched_ids)} id(s) not in the "
                  f"registry, their rows left out: {shown}", file=sys.stderr)
        for problem in panel.problems[:5]:
            print(f"  {args.years.name} row {problem.row}, {problem.column}: "
                  f"{problem.message}", file=sys.stderr)
        files.append(Attachment("panel", args.years.name, pnl.to_csv_bytes(panel.frame)))
        lines.append(f"firm-years: {len(panel.frame)} of {panel.rows} rows "
                     f"({args.years.name}, {panel.form} form)")
    if args.projects is not None:
        data = _read(args.projects)
        if isinstance(data, int):
            return data
        try:
            register = prj.load_projects(data, name=args.projects.name)
        except prj.ProjectError as exc:
            err(str(exc))
            return EXIT_INVALID
        files.append(Attachment("projects", args.projects.name, data))
        lines.append(f"key projects: {len(register)} ({args.projects.name})")
    return files, lines


def _report_problems(result: RegistryResult, path: Path) -> None:
    problems = result.problems
    if not problems:
        return
    left_out = result.rows - result.valid_rows
    print(
        f"warning: {len(problems)} problem(s); {left_out} row(s) left out of the published "
        f"version. Details: python -m geo validate {path}",
        file=sys.stderr,
    )
    for problem in problems[:5]:
        print(f"  row {problem.row}, {problem.column}: {problem.message}", file=sys.stderr)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "admin"


def cli(argv: list[str]) -> int:
    """``python -m geo publish PATH [--years F] [--projects F] [--store URL] [--datum D] …``.

    Validates first (exit 2 with the registry's message if the file is refused or has no
    valid row), then checks the editor token (exit 3), then publishes the valid rows and
    prints the new version id (exit 0). Exit 1 if the store cannot be reached.
    """
    args = _parser().parse_args(argv)
    checked = _validate_file(args.path, args.datum)
    if isinstance(checked, int):
        return checked
    result, data = checked
    extra = _attachments(args, result)
    if isinstance(extra, int):
        return extra
    files, lines = extra
    try:
        token = _presented_token(args.token_file)
        require_editor(token)
        store = open_store(args.store)
        version = store.publish(
            result, original=data, file_name=args.path.name,
            author=args.author or _login_name(), token=token, datum=args.datum,
            make_default=not args.keep_default, attachments=files,
        )
    except PublishRefused as exc:
        err(str(exc))
        return EXIT_REFUSED
    except (StoreError, ValueError) as exc:
        err(str(exc))
        return EXIT_STORE
    _report_problems(result, args.path)
    print(
        f"published version {version.id} to {store.url}: {version.file_name}, "
        f"{version.valid_rows} of {version.rows} rows, sha256 {version.checksum[:12]}"
    )
    for line in lines:
        print(f"  with {line}")
    return EXIT_OK
