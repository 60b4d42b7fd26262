"""Files published with a registry version besides the registry itself (firm-year panel,
key-project register)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from geo.store.config import check_upload_size, display_name

#: files a version may carry besides the registry: the firm-year panel (canonical long CSV,
#: geo.panel) and the key-project register (geo.projects)
ATTACHMENT_KINDS: Final = ("panel", "projects")


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

