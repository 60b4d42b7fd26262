"""A development plan as data (``data/plans/*.toml``) and where each of its targets stands.

The plan file holds the period, the baseline year and one ``[[targets]]`` table per target
(see the comments at the top of ``data/plans/gd-laser-2021-2025.toml``). The next plan is a
new file, not code. :func:`assess` compares each target with the data:

- a target measured by an indicator uses one series of ``data/indicators.csv`` — one
  definition, never a mix (other definitions are counted and shown apart);
- a target measured by firms counts the firm-years (registry + firm-year panel) with a
  revenue at or above the threshold — a lower bound, as only registered firms count;
- a ``growth`` target takes the yearly compound growth of its series from the baseline year
  to the latest year.

Status (:data:`STATUSES`): ``met`` (the latest value meets the target; for a growth target
only once the period has ended), ``on_track`` (at or above the required path in its year),
``behind`` (below the path, or the period ended without the target met), ``no_data`` (no
value, no value after the baseline year, or no baseline to draw the path from). A missing
value is never a zero.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from geo import indicators as ind
from geo import units
from geo.regions import DATA_DIR
from geo.text import pick

PLAN_PATH: Final = DATA_DIR / "plans" / "gd-laser-2021-2025.toml"
MEASURES: Final = ("indicator", "firms")
KINDS: Final = ("level", "growth")
COMPARISONS: Final = (">", ">=")
PATHS: Final = ("geometric", "linear")
STATUSES: Final = ("met", "on_track", "behind", "no_data")
#: ``source`` of a series counted from firms (pages show it in the reader's language).
FIRMS_SOURCE: Final = "registry+panel"


class PlanError(ValueError):
    """The plan file cannot be used; the message names the file, target and field."""


@dataclass(frozen=True)
class Target:
    """One quantified target of a plan (fields as in the plan file)."""

    code: str
    zh: str
    en: str
    measure: str
    kind: str
    comparison: str
    target: float
    unit_zh: str
    unit_en: str
    quote: str
    scale: float = 1.0
    indicator: str = ""
    definition: str = ""
    threshold_10k_cny: float = math.nan
    baseline: float = math.nan
    baseline_year: int | None = None
    baseline_note: str = ""
    path: str = "geometric"

    def label(self, lang: str = "zh") -> str:
        """The target's name in ``lang``."""
        return pick(lang, self.zh, self.en)

    def unit(self, lang: str = "zh") -> str:
        """The target's unit in ``lang``."""
        return pick(lang, self.unit_zh, self.unit_en)

    def meets(self, value: float) -> bool:
        """True when ``value`` satisfies the target (``>`` or ``>=``)."""
        return value > self.target if self.comparison == ">" else value >= self.target


@dataclass(frozen=True)
class Plan:
    """A plan: period, baseline year, source and targets in file order."""

    code: str
    title_zh: str
    title_en: str
    source: str
    issued_zh: str
    issued_en: str
    baseline_year: int
    start_year: int
    end_year: int
    targets: tuple[Target, ...]

    def title(self, lang: str = "zh") -> str:
        """The plan's title in ``lang``."""
        return pick(lang, self.title_zh, self.title_en)

    def issue(self, lang: str = "zh") -> str:
        """Document number and where it was posted, in ``lang`` ("" when not given)."""
        return pick(lang, self.issued_zh, self.issued_en)


_TARGET_TEXT: Final = ("code", "zh", "en", "measure", "kind", "comparison", "quote")


def _text_pair(raw: dict, key: str, where: str) -> tuple[str, str]:
    """``key_zh`` and ``key_en`` of ``raw``: both or neither (a one-language field is refused)."""
    zh, en = raw.get(f"{key}_zh"), raw.get(f"{key}_en")
    if zh is None and en is None:
        return "", ""
    for lang, value in (("zh", zh), ("en", en)):
        if not isinstance(value, str) or not value.strip():
            raise PlanError(f"{where}: '{key}_{lang}' is missing or not text; every text shown "
                            f"on the page needs a zh and an en form ({key}_zh, {key}_en)")
    return str(zh), str(en)


def _units(raw: dict, where: str) -> tuple[str, str]:
    """(zh, en) unit labels: a ``unit`` code of :data:`geo.units.UNITS`, or both
    ``unit_zh`` and ``unit_en``."""
    if "unit" in raw:
        if raw["unit"] not in units.UNITS:
            raise PlanError(f"{where}: unit = {raw['unit']!r} is not a known unit code; "
                            f"use one of {list(units.UNITS)}")
        return units.label(raw["unit"], "zh"), units.label(raw["unit"], "en")
    pair = _text_pair(raw, "unit", where)
    if pair == ("", ""):
        raise PlanError(f"{where}: 'unit' is missing; give a unit code ({list(units.UNITS)}) "
                        "or both unit_zh and unit_en")
    return pair


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise PlanError(f"{where} must be a year (a whole number in 1990–2100), got {value!r}")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PlanError(f"{where} must be a number, got {value!r}")
    return float(value)


def _target(raw: dict, n: int, name: str) -> Target:
    where = f"{name}: targets[{n}]"
    if not isinstance(raw, dict):
        raise PlanError(f"{where} must be a table ([[targets]])")
    for key in _TARGET_TEXT:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise PlanError(f"{where}: '{key}' is missing or not text")
    where = f"{name}: target {raw['code']!r}"
    for key, allowed in (("measure", MEASURES), ("kind", KINDS), ("comparison", COMPARISONS),
                         ("path", PATHS)):
        if key in raw and raw[key] not in allowed:
            raise PlanError(f"{where}: {key} = {raw[key]!r}; expected one of {list(allowed)}")
    known = set(Target.__dataclass_fields__) | {"unit"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise PlanError(f"{where}: unknown fields {unknown}; expected some of {sorted(known)}")
    fields = {k: v for k, v in raw.items() if k != "unit"}
    fields["unit_zh"], fields["unit_en"] = _units(raw, where)
    fields["target"] = _number(raw.get("target"), f"{where}: target")
    if "scale" in raw:
        fields["scale"] = _number(raw["scale"], f"{where}: scale")
    if "baseline" in raw:
        fields["baseline"] = _number(raw["baseline"], f"{where}: baseline")
    if "baseline_year" in raw:
        fields["baseline_year"] = _int(raw["baseline_year"], f"{where}: baseline_year")
    if raw["measure"] == "indicator":
        for key in ("indicator", "definition"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise PlanError(f"{where}: measure 'indicator' needs '{key}'")
    else:
        fields["threshold_10k_cny"] = _number(raw.get("threshold_10k_cny"),
                                              f"{where}: threshold_10k_cny")
    return Target(**fields)


def load_plan(path: Path | str = PLAN_PATH) -> Plan:
    """Read and check a plan file.

    Raises
    ------
    PlanError
        Missing file, bad TOML, a missing or malformed field, or repeated target codes.
    """
    path = Path(path)
    if not path.is_file():
        raise PlanError(f"{path}: file not found; give the path of a plan .toml file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path.name}: not valid TOML ({exc}); fix the file") from None
    head = raw.get("plan")
    if not isinstance(head, dict):
        raise PlanError(f"{path.name}: the [plan] table is missing")
    for key in ("code", "title_zh", "title_en", "source"):
        if not isinstance(head.get(key), str) or not head[key].strip():
            raise PlanError(f"{path.name}: [plan] '{key}' is missing or not text")
    if "issued" in head:
        raise PlanError(f"{path.name}: [plan] 'issued' has one language; write issued_zh and "
                        "issued_en instead")
    issued = _text_pair(head, "issued", f"{path.name}: [plan]")
    years = {k: _int(head.get(k), f"{path.name}: [plan] {k}")
             for k in ("baseline_year", "start_year", "end_year")}
    if not years["baseline_year"] < years["end_year"] or years["start_year"] > years["end_year"]:
        raise PlanError(f"{path.name}: [plan] years must satisfy baseline_year < end_year and "
                        "start_year <= end_year")
    items = raw.get("targets")
    if not isinstance(items, list) or not items:
        raise PlanError(f"{path.name}: no [[targets]]; add at least one")
    targets = tuple(_target(t, i, path.name) for i, t in enumerate(items))
    codes = [t.code for t in targets]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise PlanError(f"{path.name}: target codes {dup} repeat; each code must be unique")
    return Plan(code=head["code"], title_zh=head["title_zh"], title_en=head["title_en"],
                source=head["source"], issued_zh=issued[0], issued_en=issued[1],
                targets=targets, **years)


# --------------------------------------------------------------------------- series
def firm_counts(firm_years: pd.DataFrame | None, threshold_10k_cny: float) -> pd.DataFrame:
    """Per year, the firms with a known revenue ≥ the threshold (``year, value, sample``).

    ``firm_years`` has ``id, year, revenue_10k_cny, sample`` (one row per firm and year).
    ``sample`` is true for a year when any counted firm-year is sample data.

    >>> fy = pd.DataFrame({"id": ["a", "b", "a"], "year": [2020, 2020, 2021],
    ...                    "revenue_10k_cny": [5.0, 20.0, 30.0], "sample": [False] * 3})
    >>> firm_counts(fy, 10)[["year", "value"]].values.tolist()
    [[2020, 1], [2021, 1]]
    """
    if firm_years is None or not len(firm_years):
        return pd.DataFrame({"year": pd.Series(dtype=int), "value": pd.Series(dtype=float),
                             "sample": pd.Series(dtype=bool)})
    rev = pd.to_numeric(firm_years["revenue_10k_cny"], errors="coerce")
    known = firm_years[rev.notna()].assign(hit=(rev[rev.notna()] >= threshold_10k_cny))
    known = known.assign(hit_sample=known["hit"] & known["sample"].astype(bool))
    out = known.groupby("year").agg(value=("hit", "sum"), sample=("hit_sample", "any"))
    return out.reset_index().astype({"year": int})


_SERIES_COLUMNS: Final = ["year", "value", "sample", "source", "definition", "definition_en",
                          "note_zh", "note_en"]


def _series(target: Target, indicators: pd.DataFrame | None,
            firm_years: pd.DataFrame | None) -> pd.DataFrame:
    """The target's observed series: ``year, value, sample, source, definition`` (zh),
    ``definition_en, note_zh, note_en``."""
    if target.measure == "firms":
        counts = firm_counts(firm_years, target.threshold_10k_cny)
        yi = f"{target.threshold_10k_cny / 1e4:g}"
        return counts.assign(source=FIRMS_SOURCE,
                             definition=f"登记企业中营收≥{yi}亿元的家数(下限)",
                             definition_en="registered firms with revenue ≥ "
                                           f"¥{target.threshold_10k_cny / 100:,.0f} m "
                                           "(lower bound)",
                             note_zh="", note_en="")
    if indicators is None:
        return pd.DataFrame(columns=_SERIES_COLUMNS)
    s = ind.series(indicators, target.indicator, target.definition)
    return s[_SERIES_COLUMNS]


def required(target: Target, year: int, end_year: int) -> float:
    """The value the path requires in ``year`` (NaN without a baseline).

    Level targets: from the baseline (value, year) to the target at ``end_year``,
    compound (``geometric``) or straight (``linear``). Growth targets: the rate itself.

    >>> t = Target("r", "", "", "indicator", "level", ">", 2500, "", "", "",
    ...            baseline=1000, baseline_year=2019)
    >>> round(required(t, 2022, 2025), 1)
    1581.1
    """
    if target.kind == "growth":
        return target.target
    b, by = target.baseline, target.baseline_year
    if by is None or not math.isfinite(b) or year < by:
        return math.nan
    frac = min((year - by) / (end_year - by), 1.0)
    if target.path == "linear":
        return b + (target.target - b) * frac
    if b <= 0:
        return math.nan
    return b * (target.target / b) ** frac


def status(target: Target, value: float, year: int | None, end_year: int,
           baseline_year: int | None) -> tuple[str, str]:
    """Return ``(status, reason)`` for a latest ``value`` observed in ``year``.

    >>> t = Target("n", "", "", "firms", "level", ">=", 15, "", "", "",
    ...            baseline=3, baseline_year=2019, path="linear")
    >>> status(t, 16, 2023, 2025, 2019)[0], status(t, 11, 2023, 2025, 2019)[0]
    ('met', 'on_track')
    >>> status(t, float("nan"), None, 2025, 2019)[0]
    'no_data'
    """
    if year is None:
        return "no_data", "no value in the data"
    ended = year >= end_year
    if target.kind == "growth":
        if baseline_year is None or year <= baseline_year:
            return "no_data", "no value after the baseline year"
        if not math.isfinite(value):
            return "no_data", "no value in the baseline year to grow from"
        if target.meets(value):
            return ("met", "") if ended else ("on_track", "")
        return "behind", ("period ended below the target" if ended
                          else "growth below the target rate")
    if not math.isfinite(value):
        return "no_data", "no value in the data"
    if target.meets(value):
        return "met", ""
    if ended:
        return "behind", "period ended below the target"
    if target.baseline_year is not None and year <= target.baseline_year:
        return "no_data", "no value after the baseline year"
    need = required(target, year, end_year)
    if not math.isfinite(need):
        return "no_data", "no baseline to draw the required path from"
    return ("on_track", "") if value >= need else ("behind", "below the required path")


def _growth_value(target: Target, s: pd.DataFrame, plan: Plan) -> tuple[float, int | None,
                                                                         int | None]:
    """(compound yearly growth, latest year, base year) of a growth target's series."""
    by = target.baseline_year or plan.baseline_year
    base = s[s["year"] == by]
    later = s[s["year"] > by]
    if base.empty or later.empty or not float(base["value"].iloc[0]) > 0:
        return math.nan, (int(s["year"].iloc[-1]) if len(s) else None), by
    last = later.iloc[-1]
    rate = (float(last["value"]) / float(base["value"].iloc[0])) ** (1 / (int(last["year"])
                                                                          - by)) - 1
    return rate, int(last["year"]), by


def assess(plan: Plan, indicators: pd.DataFrame | None = None,
           firm_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where each target of ``plan`` stands.

    Parameters
    ----------
    plan : Plan
    indicators : pandas.DataFrame, optional
        As :func:`geo.indicators.load_indicators` returns; without it every indicator
        target is ``no_data``.
    firm_years : pandas.DataFrame, optional
        ``id, year, revenue_10k_cny, sample`` (see :func:`geo.panel.firm_years`).

    Returns
    -------
    pandas.DataFrame
        One row per target in plan order: ``code, zh, en, kind, comparison, target, unit_zh,
        unit_en, scale, baseline, baseline_year, value`` (NaN when no data), ``year``
        (Int64), ``required`` (the path's value in ``year``), ``status``, ``reason``,
        ``definition`` (zh), ``definition_en, source, note_zh, note_en, sample,
        other_definitions`` (values of the same
        indicator under other definitions, not used), ``quote``.
    """
    rows = []
    for t in plan.targets:
        s = _series(t, indicators, firm_years)
        value, year, base_year = math.nan, None, t.baseline_year
        last = s.iloc[-1] if len(s) else None
        if t.kind == "growth":
            value, year, base_year = _growth_value(t, s, plan)
        elif last is not None:
            value, year = float(last["value"]), int(last["year"])
        at = s[s["year"] == year].iloc[0] if year is not None and len(s) else None
        st_, reason = status(t, value, year, plan.end_year, base_year)
        others = (0 if indicators is None or t.measure != "indicator"
                  else len(ind.other_definitions(indicators, t.indicator, t.definition)))
        rows.append({
            "code": t.code, "zh": t.zh, "en": t.en, "kind": t.kind,
            "comparison": t.comparison, "target": t.target, "unit_zh": t.unit_zh,
            "unit_en": t.unit_en, "scale": t.scale, "baseline": t.baseline,
            "baseline_year": t.baseline_year, "value": value, "year": year,
            "required": required(t, year, plan.end_year) if year is not None else math.nan,
            "status": st_, "reason": reason,
            **{c: "" if at is None else str(at[c])
               for c in ("definition", "definition_en", "source", "note_zh", "note_en")},
            "sample": False if at is None else bool(at["sample"]),
            "other_definitions": others, "quote": t.quote,
        })
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    return out


def trajectory(plan: Plan, target: Target, indicators: pd.DataFrame | None = None,
               firm_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Chart data for one target: ``year, value, series, definition`` (zh), ``definition_en``.

    ``series`` is ``actual`` (the target's own series), ``required`` (the path from the
    baseline to the target; for a growth target, the baseline compounded at the target
    rate), ``target`` (the end-year value) or ``other`` (same indicator, other
    definitions — drawn apart, never joined to the actual line).
    """
    s = _series(target, indicators, firm_years)
    parts = [pd.DataFrame({"year": s["year"].astype(int), "value": s["value"].astype(float),
                           "series": "actual", "definition": s["definition"],
                           "definition_en": s["definition_en"]})]
    years = np.arange(plan.baseline_year, plan.end_year + 1)
    if target.kind == "growth":
        base = s[s["year"] == (target.baseline_year or plan.baseline_year)]
        if len(base):
            b, by = float(base["value"].iloc[0]), int(base["year"].iloc[0])
            ys = years[years >= by]
            parts.append(pd.DataFrame({"year": ys, "value": b * (1 + target.target) ** (ys - by),
                                       "series": "required", "definition": "",
                                       "definition_en": ""}))
    else:
        if target.baseline_year is not None:
            ys = np.arange(target.baseline_year, plan.end_year + 1)
            path = [required(target, int(y), plan.end_year) for y in ys]
            parts.append(pd.DataFrame({"year": ys, "value": path, "series": "required",
                                       "definition": "", "definition_en": ""}))
        parts.append(pd.DataFrame({"year": [plan.end_year], "value": [target.target],
                                   "series": "target", "definition": "",
                                   "definition_en": ""}))
    if indicators is not None and target.measure == "indicator":
        o = ind.other_definitions(indicators, target.indicator, target.definition)
        parts.append(pd.DataFrame({"year": o["year"].astype(int),
                                   "value": o["value"].astype(float), "series": "other",
                                   "definition": o["definition"],
                                   "definition_en": o["definition_en"]}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return out[np.isfinite(out["value"].to_numpy(dtype=float))].reset_index(drop=True)
