"""Text from users shown as text: never as Markdown, HTML, LaTeX or a link.

Streamlit renders the body of ``st.caption``, ``st.error``, ``st.warning``, ``st.success``,
``st.toast`` … as Markdown (GitHub flavour, ``$…$`` as KaTeX, ``:red[…]`` directives,
``:emoji:`` short codes, bare ``www.``/``http://`` addresses as live links). A firm name, a
file name, an author, a search query from a shared link or an error quoting a cell is data:
every string that holds such text passes through :func:`plain` on its way to one of those
calls, so ``**粗体** [点此](http://evil.example)`` shows exactly those characters.
"""

from __future__ import annotations

import re
from typing import Final

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from geo.text import MessageError

# CommonMark lets any ASCII punctuation be escaped with a backslash; escaping all of it
# also breaks the extensions' triggers ($ math, : directives and emoji, www./http:// links).
_PUNCTUATION: Final = re.compile(r"([!-/:-@\[-`{-~])")
_SPACES: Final = re.compile(r"\s+")
# GFM turns bare addresses into links *after* parsing, in the text itself, so escapes do not
# stop it: an invisible word joiner (U+2060) breaks the patterns it looks for
# ("http://", "www.", "name@host"); the text still reads the same.
_LINK_TRIGGERS: Final = re.compile(r"(:)(?=//)|(?i:(?<=www)(?=\.))|(?=@)")
WORD_JOINER: Final = "\u2060"


def plain(text: object) -> str:
    """Return ``text`` as Markdown source that renders exactly as the text reads.

    Whitespace runs (newlines included) become one space: a line break or leading
    spaces would otherwise start a new block (a heading, a list, a code block). A word
    joiner (U+2060, invisible) follows ``:`` before ``//`` and precedes ``@`` and the dot
    after ``www``, so no bare address becomes a link.

    Examples
    --------
    >>> print(plain("**粗体** [点此](x.png)"))
    \\*\\*粗体\\*\\* \\[点此\\]\\(x\\.png\\)
    """
    text = _LINK_TRIGGERS.sub(lambda m: (m.group(1) or "") + WORD_JOINER,
                              _SPACES.sub(" ", str(text)).strip())
    return _PUNCTUATION.sub(r"\\\1", text)


def error_text(exc: BaseException, lang: str) -> str:
    """An error's message in ``lang`` (:meth:`geo.text.MessageError.render`; other errors
    as they read) through :func:`plain`: it quotes file names and cells."""
    return plain(exc.render(lang) if isinstance(exc, MessageError) else exc)


def source_column(label: str, trusted: bool) -> dict[str, ColumnConfig]:
    """``column_config`` for a table's source column: live links only for curated data
    (the bundled registry); the sources of an upload or a published version are text."""
    config = st.column_config.LinkColumn if trusted else st.column_config.TextColumn
    return {label: config(label)}
