"""The CJK font of static figures: the one bundled with the project, never a system lookup.

Matplotlib's default fonts have no Chinese glyphs: without a CJK font every 广 becomes an
empty box ("tofu"). The atlas ships Noto Sans CJK SC (SIL OFL 1.1), subset to GB 2312 plus
every character of its data and text, in ``static/fonts/`` (``scripts/vendor_font.py``);
the same faces serve the pages as a web font. :func:`find_cjk_font` registers the bundled
files with matplotlib, ahead of any installed font of the same family, so a figure looks the
same on every machine.

A character the bundled subset lacks (a rare name in an uploaded registry) is drawn with an
installed CJK font when there is one (matplotlib's per-glyph family fallback); otherwise
:func:`report_missing` logs it once — it is never drawn as a silent empty box.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

FONT_DIR: Final = Path(__file__).resolve().parents[1] / "static" / "fonts"
#: The bundled faces by weight (``scripts/vendor_font.py`` writes them).
BUNDLED_FILES: Final = {
    "normal": FONT_DIR / "NotoSansCJKsc-Regular.otf",
    "bold": FONT_DIR / "NotoSansCJKsc-Bold.otf",
}
BUNDLED_FAMILY: Final = "Noto Sans CJK SC"
#: Installed families tried, best first, for characters the bundled subset lacks.
FALLBACK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",  # same pan-CJK collection, another face name
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Droid Sans Fallback",
)
#: Characters every figure draws; a bundled file lacking any of them is damaged.
PROBE_TEXT: Final = "广东省深圳东莞汕尾东沙群岛示意图仅供参考无数据企业"
REPAIR_HINT: Final = (
    "restore static/fonts/ from the project's repository, or rebuild it with "
    "`python scripts/vendor_font.py`"
)

_lock = threading.Lock()
_reported: set[str] = set()


class FontNotFoundError(RuntimeError):
    """The bundled CJK font is missing or damaged; the message says how to restore it."""


@dataclass(frozen=True)
class CJKFont:
    """The figures' CJK font: family name, regular file, and installed fallback families."""

    family: str
    path: Path
    index: int = 0
    fallbacks: tuple[str, ...] = ()

    @property
    def families(self) -> list[str]:
        """``font.family`` for figures: the bundled family, installed fallbacks, DejaVu Sans."""
        return [self.family, *self.fallbacks, "DejaVu Sans"]

    @property
    def is_cff(self) -> bool:
        """True for PostScript-outline (CFF) OpenType faces such as Noto Sans CJK."""
        with TTFont(self.path, fontNumber=self.index, lazy=True) as font:
            return "CFF " in font or "CFF2" in font

    @property
    def pdf_fonttype(self) -> int:
        """PDF font type that embeds this font correctly: 42 (TrueType), or 3 for CFF.

        Matplotlib writes CFF outlines as a broken Type 42 font (matplotlib issue #20870:
        text renders as garbage); Type 3 embeds the glyphs.
        """
        return 3 if self.is_cff else 42

    def properties(self, weight: str = "normal", size: float | None = None
                   ) -> font_manager.FontProperties:
        """Return :class:`FontProperties` selecting this family (``weight`` "normal"/"bold")."""
        return font_manager.FontProperties(family=self.family, weight=weight, size=size)


def _charmap(path: Path | str, index: int = 0) -> set[int]:
    try:
        return set(FT2Font(str(path), face_index=index).get_charmap())
    except (OSError, RuntimeError, TypeError):
        return set()


def _register_bundled() -> None:
    """Add the bundled files to matplotlib's font list, first, so they win over installed
    fonts of the same family (``findfont`` keeps the first of equally good matches)."""
    manager = font_manager.fontManager
    bundled = {str(p) for p in BUNDLED_FILES.values()}
    manager.ttflist = [e for e in manager.ttflist if e.fname not in bundled]
    for path in BUNDLED_FILES.values():
        manager.addfont(str(path))  # appends, and clears findfont's cache
    manager.ttflist.sort(key=lambda e: e.fname not in bundled)  # stable: bundled first


def _installed_fallbacks() -> tuple[str, ...]:
    bundled = {str(p) for p in BUNDLED_FILES.values()}
    present = {e.name for e in font_manager.fontManager.ttflist if e.fname not in bundled}
    # a family both bundled and installed resolves to the bundled file: not a fallback
    return tuple(f for f in FALLBACK_FAMILIES if f in present and f != BUNDLED_FAMILY)[:2]


@functools.cache
def find_cjk_font() -> CJKFont:
    """Register (once per process) the bundled CJK font with matplotlib and return it.

    Raises
    ------
    FontNotFoundError
        If a bundled file is missing or cannot draw :data:`PROBE_TEXT`.
    """
    for path in BUNDLED_FILES.values():
        cmap = _charmap(path)
        if not all(ord(ch) in cmap for ch in PROBE_TEXT):
            raise FontNotFoundError(f"bundled CJK font {path} is missing or damaged; "
                                    f"{REPAIR_HINT}")
    with _lock:
        _register_bundled()
        return CJKFont(BUNDLED_FAMILY, BUNDLED_FILES["normal"], 0, _installed_fallbacks())


def cjk_font_path() -> Path:
    """Return the file of the CJK font figures use (raises :class:`FontNotFoundError`)."""
    return find_cjk_font().path


def cjk_font_family() -> str:
    """Return the family name of the CJK font figures use, ``"Noto Sans CJK SC"``."""
    return find_cjk_font().family


def resolved_font_file(props: font_manager.FontProperties) -> Path:
    """Return the file matplotlib actually draws ``props`` with (no silent fallback)."""
    return Path(font_manager.findfont(props, fallback_to_default=False))


@functools.cache
def _coverage(families: tuple[str, ...]) -> frozenset[int]:
    codepoints: set[int] = set()
    for family in families:
        props = font_manager.FontProperties(family=family)
        path = font_manager.findfont(props, fallback_to_default=False)
        codepoints |= _charmap(path, getattr(path, "face_index", 0))
    return frozenset(codepoints)


def missing_glyphs(texts: Iterable[str], font: CJKFont | None = None) -> str:
    """Characters of ``texts`` no font of the figure family list can draw, in first-seen order.

    Whitespace and control characters are ignored.
    """
    font = font or find_cjk_font()
    covered = _coverage(tuple(font.families))
    seen = dict.fromkeys(ch for text in texts for ch in text
                         if ch.isprintable() and not ch.isspace() and ord(ch) not in covered)
    return "".join(seen)


def report_missing(texts: Iterable[str], font: CJKFont | None = None) -> str:
    """Log (once per character and process) the characters no font can draw; return them all.

    Figures call this with every string they draw, so a rare character shows up in the log
    as a named problem instead of a silent empty box.
    """
    missing = missing_glyphs(texts, font)
    with _lock:
        new = "".join(ch for ch in missing if ch not in _reported)
        _reported.update(new)
    if new:
        log.warning("no font can draw %s (%s): shown as empty boxes; install a CJK font "
                    "covering them, e.g. Debian's fonts-noto-cjk",
                    new, ", ".join(f"U+{ord(ch):04X}" for ch in new))
    return missing
