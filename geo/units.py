"""Units of the plan and indicator files: one catalogue from a unit code to its zh/en labels.

Data files write a unit as its code (the Chinese unit a planner types, e.g. ``亿元``); pages
and exports show :func:`label` in the reader's language. A code not in :data:`UNITS` is an
input error, never shown as it is.
"""

from __future__ import annotations

from typing import Final

#: unit code -> (zh label, en label)
UNITS: Final[dict[str, tuple[str, str]]] = {
    "亿元": ("亿元", "¥100 m"),
    "万元": ("万元", "¥10k"),
    "家": ("家", "firms"),
    "件": ("件", "items"),
    "项": ("项", "items"),
    "%": ("%", "%"),
    "%/年": ("%/年", "%/yr"),
}


def label(code: str, lang: str = "zh") -> str:
    """The label of unit ``code`` in ``lang`` (``"zh"`` or ``"en"``).

    >>> label("亿元", "en"), label("项", "zh")
    ('¥100 m', '项')

    Raises
    ------
    KeyError
        ``code`` is not in :data:`UNITS`.
    """
    zh, en = UNITS[code]
    return zh if lang == "zh" else en
