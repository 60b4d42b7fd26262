"""The units of the atlas: the unit codes a plan or indicator file may write and the metrics
use (:mod:`geo.metrics.catalogue`).

Data files write a unit as its code (the Chinese unit a planner types, e.g. ``亿元``); pages
and exports show :func:`label` in the reader's language (entries ``unit.<code>`` of the text
catalogue, :mod:`geo.text.words`). A code not in :data:`UNITS` is an input error, never shown
as it is.
"""

from __future__ import annotations

from typing import Final

from geo.text import t

#: the unit codes
UNITS: Final = ("亿元", "万元", "家", "件", "项", "%", "%/年", "处", "公里", "家/千平方公里",
                "万元/平方公里", "个（共6）", "0–1")


def label(code: str, lang: str = "zh") -> str:
    """The label of unit ``code`` in ``lang`` (``"zh"`` or ``"en"``).

    >>> label("亿元", "en"), label("项", "zh")
    ('¥100 m', '项')

    Raises
    ------
    KeyError
        ``code`` is not in :data:`UNITS`.
    """
    if code not in UNITS:
        raise KeyError(f"unknown unit code {code!r}; expected one of {list(UNITS)}")
    return t(f"unit.{code}", lang)
