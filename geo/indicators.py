"""Province and city indicators by year (``data/indicators.csv``): what is not summed from firms.

One row per published value: ``scope`` (``440000`` for the province or a city adcode),
``indicator`` (a code such as ``cluster_revenue``), ``year``, ``value``, ``unit`` (a code of
:data:`geo.units.UNITS`), ``definition`` (the statistical definition in Chinese, kept with
every value; it names the series) and ``definition_en``, ``source`` (URL or document),
``sample`` (true for made-up rows) and an optional note in both languages (``note_zh``,
``note_en``). Published figures
come in different definitions (the plan's 2019 主营收 "超过1000亿元", a 2018 laser-only
output of 320亿元 …); a *series* is one ``(scope, indicator, definition)``, never a mix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from geo import units
from geo.frames import require_columns
from geo.regions import DATA_DIR
from geo.text import MessageError, msg

INDICATORS_PATH: Final = DATA_DIR / "indicators.csv"
COLUMNS: Final = ("scope", "indicator", "year", "value", "unit", "definition",
                  "definition_en", "source", "sample")
NOTES: Final = ("note_zh", "note_en")
PROVINCE_SCOPE: Final = "440000"
_TRUE: Final = frozenset({"true", "1", "yes", "是", "示例", "sample"})
_FALSE: Final = frozenset({"false", "0", "no", "否", ""})


class IndicatorError(MessageError, ValueError):
    """The indicators file cannot be used; the message names the file, row and column."""


def load_indicators(path: Path | str = INDICATORS_PATH) -> pd.DataFrame:
    """Read and check an indicators CSV.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS` plus :data:`NOTES` ("" when absent); ``year`` int, ``value`` float,
        ``sample`` bool.

    Raises
    ------
    IndicatorError
        Missing file or column, or a row whose year, value, source, definition or sample
        cannot be read, a unit outside :data:`geo.units.UNITS`, or a text with only one of
        its zh/en forms (row numbers as a spreadsheet shows them, header = row 1).
    """
    path = Path(path)
    if not path.is_file():
        raise IndicatorError(msg("file.indicators_not_found", path=path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise IndicatorError(msg("file.indicators_unreadable", path=path, detail=exc)) from None
    require_columns(raw, COLUMNS, str(path), error=IndicatorError)
    raw = raw.apply(lambda s: s.str.strip())
    for column in NOTES:
        if column not in raw.columns:
            raw[column] = ""
    year = pd.to_numeric(raw["year"], errors="coerce")
    value = pd.to_numeric(raw["value"], errors="coerce")
    sample = raw["sample"].str.lower()
    checks = (
        ("year", year.notna() & (year == year.round()) & year.between(1990, 2100),
         msg("indicator.year")),
        ("value", value.notna() & np.isfinite(value),
         msg("indicator.value")),
        ("definition", raw["definition"] != "", msg("indicator.definition")),
        ("definition_en", raw["definition_en"] != "", msg("indicator.definition_en")),
        ("unit", raw["unit"].isin(units.UNITS), msg("indicator.unit", units=list(units.UNITS))),
        ("note_zh", (raw["note_zh"] != "") | (raw["note_en"] == ""), msg("project_note_zh")),
        ("note_en", (raw["note_en"] != "") | (raw["note_zh"] == ""), msg("project_note_en")),
        ("source", raw["source"] != "", msg("indicator.source")),
        ("scope", raw["scope"].str.fullmatch(r"\d{6}"), msg("indicator.scope")),
        ("indicator", raw["indicator"] != "", msg("indicator.code")),
        ("sample", sample.isin(_TRUE | _FALSE), msg("indicator.sample")),
    )
    for column, ok, message in checks:
        bad = np.flatnonzero(~ok.to_numpy(dtype=bool))
        if bad.size:
            rows = ", ".join(str(i + 2) for i in bad[:5])
            raise IndicatorError(msg("file.row", path=path, rows=rows, column=column,
                                     message=message))
    out = raw.assign(year=year.astype(int), value=value.astype(float),
                     sample=sample.isin(_TRUE))
    dup = out.duplicated(["scope", "indicator", "definition", "year"], keep=False)
    if dup.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(dup.to_numpy())[:5])
        raise IndicatorError(msg("file.indicators_repeat", path=path, rows=rows))
    return out[[*COLUMNS, *NOTES]].reset_index(drop=True)


def series(indicators: pd.DataFrame, indicator: str, definition: str,
           scope: str = PROVINCE_SCOPE) -> pd.DataFrame:
    """One series (one definition), sorted by year.

    >>> df = pd.DataFrame({"scope": ["440000"] * 3, "indicator": ["x"] * 3,
    ...                    "definition": ["a", "b", "a"], "year": [2021, 2020, 2019],
    ...                    "value": [3.0, 9.0, 1.0]})
    >>> series(df, "x", "a")["value"].tolist()
    [1.0, 3.0]
    """
    keep = ((indicators["scope"] == scope) & (indicators["indicator"] == indicator)
            & (indicators["definition"] == definition))
    return indicators[keep].sort_values("year").reset_index(drop=True)


def other_definitions(indicators: pd.DataFrame, indicator: str, definition: str,
                      scope: str = PROVINCE_SCOPE) -> pd.DataFrame:
    """Values of the same indicator under *other* definitions (shown apart, never mixed)."""
    keep = ((indicators["scope"] == scope) & (indicators["indicator"] == indicator)
            & (indicators["definition"] != definition))
    return indicators[keep].sort_values(["definition", "year"]).reset_index(drop=True)
