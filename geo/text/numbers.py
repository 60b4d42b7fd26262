"""Numbers as text in the reader's language: thousands separators, shares as percentages."""

from __future__ import annotations

import math


def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """Format a number with thousands separators; ``–`` for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}"


def fmt_share(value: float | None) -> str:
    """Format a 0..1 share as a percentage."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.1f}%"
