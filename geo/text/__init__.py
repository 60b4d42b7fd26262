"""Every user-facing string in Chinese and English: one catalogue, one way to render it.

An entry is a key and a ``(Chinese, English)`` pair of :meth:`str.format` templates. The
library speaks in keys and parameters (:class:`Msg`); whoever shows the text — a page, the
command line, a map or a figure — chooses the language and calls :func:`t` or
:meth:`Msg.render`. The sections live in their own modules — :mod:`geo.text.words`
(punctuation, shared words, units ``unit.*``), :mod:`geo.text.ui` (the dashboard),
:mod:`geo.text.messages` (row messages of the input files), :mod:`geo.text.maps` (web maps,
``map.*``), :mod:`geo.text.legends` (``legend.*``), :mod:`geo.text.figures` (``figure.*``,
``chain_figure.*``), :mod:`geo.text.metrics` (``metric.*``), :mod:`geo.text.exports`
(``provenance.*``, ``cli.*``), :mod:`geo.text.errors` (whole-file errors, ``file.*``) — and
are joined here into :data:`CATALOGUE`, which refuses a key defined twice.
:mod:`geo.text.numbers` writes numbers; :class:`MessageError` is the base of the library's
errors that speak the catalogue.

The rule: **UI prose lives in the catalogue; a vocabulary term carries its own two names.**
Labels, titles, units, messages and patterns written in code are entries here. A vocabulary
whose entries are data — a term of :mod:`geo.layout` or :mod:`geo.chain` with its Chinese and
English name, a city's two names, a plan's title — keeps both names in its definition, and a
template takes the term itself as a parameter (``t("metric.lq", lang, segment=term)``), which
:func:`t` shows by the term's ``label(lang)``. :func:`pick` chooses between such data, never
between two texts written in code.

This package imports nothing else from ``geo``, so every module may use it.

Examples
--------
>>> t("expect_year", "en", high=2027)
'a year between 1949 and 2027'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Protocol, TypeVar, runtime_checkable

from geo.text.errors import ERRORS
from geo.text.exports import EXPORTS
from geo.text.figures import FIGURES
from geo.text.legends import LEGENDS
from geo.text.maps import MAPS
from geo.text.messages import MESSAGES
from geo.text.metrics import METRIC_TEXT
from geo.text.numbers import fmt_number, fmt_share, group_symbol
from geo.text.ui import UI
from geo.text.words import WORDS

__all__ = ["CATALOGUE", "LANGS", "MessageError", "Msg", "Named", "check_lang", "colon",
           "fmt_100m_cny", "fmt_number", "fmt_share", "group_symbol", "msg", "pick",
           "t"]

T = TypeVar("T")

#: The languages, in the order of every catalogue pair.
LANGS: Final = ("zh", "en")


def _join(*sections: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for section in sections:
        twice = out.keys() & section.keys()
        if twice:
            raise ValueError(f"text keys defined twice: {sorted(twice)}")
        out.update(section)
    return out


#: key -> (Chinese, English) templates, every section joined.
CATALOGUE: Final[dict[str, tuple[str, str]]] = _join(
    WORDS, UI, MESSAGES, ERRORS, MAPS, LEGENDS, FIGURES, METRIC_TEXT, EXPORTS)


@runtime_checkable
class Named(Protocol):
    """A vocabulary term: anything that shows its own name in a language."""

    def label(self, lang: str) -> str:
        """The name in ``lang`` ("zh" or "en")."""
        ...


def _render(value: object, lang: str) -> object:
    if isinstance(value, Msg):
        return value.render(lang)
    return value.label(lang) if isinstance(value, Named) else value


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"zh"`` or ``"en"``; raise ``ValueError`` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unknown lang {lang!r}; expected 'zh' or 'en'")
    return lang


def t(key: str, lang: str, **params: object) -> str:
    """The text ``key`` in ``lang``, ``{placeholders}`` filled from ``params``.

    A parameter that is a :class:`Msg` is rendered in the same language first; one that is a
    vocabulary term (:class:`Named`: it has ``label(lang)``) shows its name in that language.

    Raises
    ------
    KeyError
        ``key`` is not in :data:`CATALOGUE`.
    ValueError
        ``lang`` is neither ``"zh"`` nor ``"en"``.
    """
    try:
        pair = CATALOGUE[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the catalogue") from None
    template = pair[LANGS.index(check_lang(lang))]
    if not params:
        return template
    return template.format(**{k: _render(v, lang) for k, v in params.items()})


@dataclass(frozen=True)
class Msg:
    """A message: a key of :data:`CATALOGUE` and its parameters, rendered later.

    Examples
    --------
    >>> Msg("expect_year", {"high": 2027}).render("zh")
    ' 1949 至 2027 之间的年份'
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.key not in CATALOGUE:
            raise KeyError(f"unknown message key {self.key!r}")

    def render(self, lang: str = "en") -> str:
        """The message in ``lang`` ("zh" or "en"), nested messages rendered alike."""
        check_lang(lang)
        return t(self.key, lang, **self.params)

    def values(self) -> list[object]:
        """Every parameter that is a value (not a nested message), nested ones included."""
        out: list[object] = []
        for v in self.params.values():
            out += v.values() if isinstance(v, Msg) else [v]
        return out


class MessageError(Exception):
    """An error whose text is a catalogue message: ``str(exc)`` is the English text (the
    command line, logs), :meth:`render` the same message in the user's language.

    Raise it with a :class:`Msg` (or, for text that has no entry, a plain ``str``, then
    shown as is in every language). Subclasses mix in the built-in type they are
    (``class RegistryError(MessageError, ValueError)``).

    Examples
    --------
    >>> exc = MessageError(msg("file.empty", name="firms.csv"))
    >>> str(exc)
    'firms.csv: the file is empty; export the registry again'
    >>> exc.render("zh")
    'firms.csv：文件是空的；请重新导出名录'
    """

    def __init__(self, message: Msg | str) -> None:
        self.msg: Msg | None = message if isinstance(message, Msg) else None
        super().__init__(message.render("en") if isinstance(message, Msg) else message)

    def render(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        check_lang(lang)
        return str(self) if self.msg is None else self.msg.render(lang)


def pick(lang: str, zh: T, en: T) -> T:
    """The one of a Chinese/English pair of *data* that ``lang`` reads (a city's two names,
    a term's two labels, a frame's ``name_zh``/``name_en`` column).

    Text written in code belongs in :data:`CATALOGUE`, not in a ``pick`` (a test checks).

    >>> pick("en", "深圳市", "Shenzhen")
    'Shenzhen'
    """
    return zh if check_lang(lang) == "zh" else en


def colon(lang: str) -> str:
    """The colon after a label: full-width in Chinese, ``": "`` in English."""
    return t("colon", lang)


def fmt_100m_cny(value: float | None, lang: str, trim: bool = False) -> str:
    """A revenue in 亿元 (100 million CNY) as its reader says it: ``15.2 亿元`` /
    ``¥1.52 bn`` (never "15.2 ¥100 m"); ``–`` when missing. ``trim`` shows only the
    decimals the figure needs (at most 2): ``1,000 亿元`` / ``¥100 bn`` for a target.

    >>> fmt_100m_cny(15.2, "zh"), fmt_100m_cny(15.2, "en"), fmt_100m_cny(None, "en")
    ('15.2 亿元', '¥1.52 bn', '–')
    >>> fmt_100m_cny(2500, "en", trim=True), fmt_100m_cny(1000, "zh", trim=True)
    ('¥250 bn', '1,000 亿元')
    """
    if value is None or value != value:
        return fmt_number(None, lang)
    shown = pick(lang, value, value / 10)
    decimals = pick(lang, 1, 2)
    if trim:
        decimals = next((d for d in (0, 1) if abs(round(shown, d) - shown) < 1e-9), 2)
    return t("chain_revenue", lang, v=fmt_number(shown, lang, decimals))


def msg(key: str, **params: object) -> Msg:
    """Shorthand for ``Msg(key, params)``."""
    return Msg(key, params)
