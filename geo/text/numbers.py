"""Numbers as text in the reader's language, through Babel (CLDR): grouping, decimals,
percentages.

Tables keep full numbers with a fixed number of decimals (every row alike). Babel's
compact forms (``1.2亿``, ``5.7万`` / ``123.5M``) were checked and not used: every figure
here already names its unit (万元, 亿元) in its label, where a compact form would mix two
units in one column.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from typing import Final

from babel.numbers import format_decimal, format_percent, get_group_symbol

#: CLDR locale of each language
LOCALES: Final = {"zh": "zh_Hans_CN", "en": "en"}
MISSING: Final = "–"


def _locale(lang: str) -> str:
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(f"unknown lang {lang!r}; expected 'zh' or 'en'") from None


def _exact(value: float | int) -> Decimal:
    """The number's exact value (numpy integers and floats included)."""
    return Decimal(int(value)) if isinstance(value, numbers.Integral) else Decimal(float(value))


def fmt_number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """``value`` with the language's grouping and exactly ``decimals`` decimals; ``–`` when
    missing.

    The float's exact value is rounded (half to even), as Python's own formatting does.

    >>> fmt_number(1234567.891, "zh", 1), fmt_number(None, "en")
    ('1,234,567.9', '–')
    """
    locale = _locale(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(_exact(value), format=pattern, locale=locale)


def fmt_share(value: float | None, lang: str) -> str:
    """A 0..1 share as a percentage with one decimal; ``–`` when missing.

    >>> fmt_share(0.1234, "en")
    '12.3%'
    """
    locale = _locale(lang)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    # the share times 100 in floating point, as the pages always showed it (0.9405 -> 94.0 %)
    return format_percent(_exact(value * 100).scaleb(-2), format="#,##0.0%", locale=locale)


def group_symbol(lang: str) -> str:
    """The thousands separator of ``lang`` (for table formats that group digits themselves).

    >>> group_symbol("zh"), group_symbol("en")
    (',', ',')
    """
    return str(get_group_symbol(_locale(lang)))
