"""Locate a CJK font for static figures, or fail with a message that says how to get one.

Matplotlib's default fonts have no Chinese glyphs: without a CJK font every 广 becomes an
empty box ("tofu"). This module finds one (Debian's ``fonts-noto-cjk`` first), registers it
with matplotlib's font manager and checks that it really covers the characters we draw.
A missing font raises :class:`FontNotFoundError`; a figure is never rendered with tofu.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

#: Preferred families, best first: Simplified-Chinese faces of pan-CJK fonts, then others.
FAMILY_PREFERENCE: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",  # same pan-CJK cmap; Japanese glyph shapes for a few characters
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Droid Sans Fallback",
)
#: Files tried when the font manager's cache does not know a CJK family (fresh install).
FALLBACK_FILES: Final = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
#: Characters every figure draws; a font lacking any of them is not used.
PROBE_TEXT: Final = "广东省深圳东莞汕尾东沙群岛示意图仅供参考无数据企业"
INSTALL_HINT: Final = (
    "no CJK font found for Chinese text in figures; install one, e.g. "
    "`apt-get install fonts-noto-cjk` (Debian/Ubuntu) or `dnf install google-noto-sans-cjk-fonts`"
)


class FontNotFoundError(RuntimeError):
    """No usable CJK font is installed; the message names the package to install."""


@dataclass(frozen=True)
class CJKFont:
    """A located CJK font: the family name matplotlib knows it by, its file and face."""

    family: str
    path: Path
    index: int = 0

    @property
    def is_cff(self) -> bool:
        """True for PostScript-outline (CFF) OpenType faces such as Noto Sans CJK."""
        with TTFont(self.path, fontNumber=self.index, lazy=True) as font:
            return "CFF " in font or "CFF2" in font

    @property
    def pdf_fonttype(self) -> int:
        """PDF font type that embeds this font correctly: 42 (TrueType), or 3 for CFF.

        Matplotlib writes CFF outlines from a collection as a broken Type 42 font
        (matplotlib issue #20870: text renders as garbage); Type 3 embeds the glyphs.
        """
        return 3 if self.is_cff else 42

    def properties(self, weight: str = "normal", size: float | None = None
                   ) -> font_manager.FontProperties:
        """Return :class:`FontProperties` selecting this family (``weight`` "normal"/"bold")."""
        return font_manager.FontProperties(family=self.family, weight=weight, size=size)


def _covers(path: str, index: int, text: str) -> bool:
    try:
        font = FT2Font(path, face_index=index)
    except (OSError, RuntimeError, TypeError):
        return False
    cmap = font.get_charmap()
    return all(ord(ch) in cmap for ch in text)


def _from_manager() -> CJKFont | None:
    entries = {e.name: e for e in font_manager.fontManager.ttflist if e.weight in (400, "normal")}
    for family in FAMILY_PREFERENCE:
        entry = entries.get(family)
        index = int(getattr(entry, "index", 0)) if entry is not None else 0
        if entry is not None and _covers(entry.fname, index, PROBE_TEXT):
            return CJKFont(family, Path(entry.fname), index)
    return None


def _from_files(candidates: tuple[str, ...]) -> CJKFont | None:
    for name in candidates:
        path = Path(name)
        if not path.is_file():
            continue
        font_manager.fontManager.addfont(str(path))
        found = _from_manager()
        if found is not None:
            return found
    return None


@functools.cache
def find_cjk_font() -> CJKFont:
    """Locate (once per process) a CJK font that covers :data:`PROBE_TEXT`.

    Looks in matplotlib's font manager for the families in :data:`FAMILY_PREFERENCE`,
    then registers the files in :data:`FALLBACK_FILES` that exist and looks again.

    Raises
    ------
    FontNotFoundError
        If no installed font can draw the probe characters.
    """
    found = _from_manager() or _from_files(FALLBACK_FILES)
    if found is None:
        raise FontNotFoundError(INSTALL_HINT)
    return found


def cjk_font_path() -> Path:
    """Return the file of the CJK font figures use (raises :class:`FontNotFoundError`)."""
    return find_cjk_font().path


def cjk_font_family() -> str:
    """Return the family name of the CJK font figures use, e.g. ``"Noto Sans CJK SC"``."""
    return find_cjk_font().family


def resolved_font_file(props: font_manager.FontProperties) -> Path:
    """Return the file matplotlib actually draws ``props`` with (no silent fallback)."""
    return Path(font_manager.findfont(props, fallback_to_default=False))
