"""Filtering the canonical enterprise frame, and saying the filters in words.

A :class:`Filters` value is what a planner chose (prefectures, zone, segments, …). It is
immutable and hashable, so the UI can use it as a cache key, and it round-trips through
URL query parameters (:meth:`Filters.to_params` / :meth:`Filters.from_params`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, overload

import numpy as np
import pandas as pd

from geo.frames import require_columns
from geo.layout import CITY_BY_ADCODE, SECTORS, SEGMENTS, TIER_UNKNOWN, TIERS, ZONES, city_name
from geo.text import t

if TYPE_CHECKING:
    import geopandas as gpd

SAMPLE_CHOICES: Final = ("all", "real", "sample")


@dataclass(frozen=True)
class Filters:
    """What to keep. Empty tuples mean "no restriction"."""

    cities: tuple[str, ...] = ()
    zone: str = ""
    segments: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    listed_only: bool = False
    sample: str = "all"
    query: str = ""

    def __post_init__(self) -> None:
        _check_codes("cities", self.cities, CITY_BY_ADCODE)
        if self.zone and self.zone not in ZONES:
            raise ValueError(f"unknown zone {self.zone!r}; expected one of {sorted(ZONES)}")
        _check_codes("segments", self.segments, SEGMENTS)
        _check_codes("sectors", self.sectors, SECTORS)
        _check_codes("tiers", self.tiers, [*TIERS, TIER_UNKNOWN.code])
        if self.sample not in SAMPLE_CHOICES:
            raise ValueError(f"unknown sample choice {self.sample!r}; expected {SAMPLE_CHOICES}")

    # -- URL round trip -------------------------------------------------------------
    def to_params(self) -> dict[str, str]:
        """Encode the non-default filters as query parameters."""
        out: dict[str, str] = {}
        for key, value in (
            ("city", ",".join(self.cities)), ("zone", self.zone),
            ("seg", ",".join(self.segments)), ("sector", ",".join(self.sectors)),
            ("tier", ",".join(self.tiers)), ("listed", "1" if self.listed_only else ""),
            ("sample", "" if self.sample == "all" else self.sample), ("q", self.query),
        ):
            if value:
                out[key] = value
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> tuple[Filters, list[str]]:
        """Decode query parameters; unknown values are dropped and reported, not fatal.

        Prefectures may be given by adcode or name (``city=佛山``). Each problem is the
        ignored ``param=value`` (the UI says it in the user's language).
        """
        problems: list[str] = []

        def codes(key: str, vocab: Mapping[str, object] | list[str]) -> tuple[str, ...]:
            raw = [c.strip() for c in str(params.get(key, "")).replace("，", ",").split(",")
                   if c.strip()]
            if key == "city":
                raw = [city_code(c) or c for c in raw]
            bad = [c for c in raw if c not in vocab]
            if bad:
                problems.extend(f"{key}={c}" for c in bad)
            return tuple(dict.fromkeys(c for c in raw if c in vocab))

        zone = str(params.get("zone", ""))
        if zone and zone not in ZONES:
            problems.append(f"zone={zone}")
            zone = ""
        sample = str(params.get("sample", "all")) or "all"
        if sample not in SAMPLE_CHOICES:
            problems.append(f"sample={sample}")
            sample = "all"
        filters = cls(
            cities=codes("city", CITY_BY_ADCODE),
            zone=zone,
            segments=codes("seg", SEGMENTS),
            sectors=codes("sector", SECTORS),
            tiers=codes("tier", [*TIERS, TIER_UNKNOWN.code]),
            listed_only=str(params.get("listed", "")) in ("1", "true"),
            sample=sample,
            query=str(params.get("q", ""))[:100],
        )
        return filters, problems

    def with_(self, **changes: object) -> Filters:
        """Return a copy with ``changes`` applied (validated)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    # -- words ----------------------------------------------------------------------
    def describe(self, lang: str = "zh") -> str:
        """Say the filters in words, for subtitles and captions ("全省" when none)."""
        parts: list[str] = []
        if self.cities:
            short = [city_name(a, lang).removesuffix("市") for a in self.cities]
            parts.append(t("list_sep", lang).join(short))
        if self.zone:
            parts.append(ZONES[self.zone].label(lang))
        for codes, vocab in ((self.segments, SEGMENTS), (self.sectors, SECTORS)):
            if codes:
                parts.append(t("list_sep", lang).join(vocab[c].label(lang) for c in codes))
        if self.tiers:
            labels = {**{k: v[0] for k, v in TIERS.items()}, TIER_UNKNOWN.code: TIER_UNKNOWN}
            parts.append(t("list_sep", lang).join(
                labels[c].label(lang) for c in self.tiers))
        if self.listed_only:
            parts.append(t("listed_firms", lang))
        if self.sample != "all":
            parts.append(t(f"{self.sample}_data", lang))
        if self.query:
            parts.append(t("quoted", lang, text=self.query))
        if not parts:
            return t("whole_province", lang)
        return t("clause_sep", lang).join(parts)


def _check_codes(name: str, codes: tuple[str, ...], vocab: object) -> None:
    if not isinstance(codes, tuple):
        raise TypeError(f"{name} must be a tuple of codes, got {type(codes).__name__}")
    bad = [c for c in codes if c not in vocab]  # type: ignore[operator]
    if bad:
        raise ValueError(f"unknown {name} {bad}")


def _city_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for adcode, city in CITY_BY_ADCODE.items():
        for name in (adcode, city.name_zh, city.name_zh.removesuffix("市"), city.name_en):
            keys[name.casefold()] = adcode
    return keys


_CITY_KEYS: Final = _city_keys()


def city_code(text: str) -> str | None:
    """The adcode of a prefecture given by adcode or name (佛山市, 佛山, Foshan); else None.

    >>> city_code("佛山"), city_code("foshan"), city_code("440600"), city_code("火星")
    ('440600', '440600', '440600', None)
    """
    return _CITY_KEYS.get(str(text).strip().casefold())


_ZONE_OF_CITY: Final = {a: c.zone for a, c in CITY_BY_ADCODE.items()}


def _columns_read(filters: Filters) -> list[str]:
    """The columns :func:`apply` reads for ``filters``."""
    wanted = {"segment": filters.segments, "sector": filters.sectors, "tier": filters.tiers,
              "listed": filters.listed_only, "sample": filters.sample != "all",
              "name_zh": filters.query}
    return ["city_adcode", *(c for c, used in wanted.items() if used)]


@overload
def apply(enterprises: gpd.GeoDataFrame, filters: Filters) -> gpd.GeoDataFrame: ...
@overload
def apply(enterprises: pd.DataFrame, filters: Filters) -> pd.DataFrame: ...
def apply(enterprises: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Return the rows of a canonical enterprise frame that pass ``filters``.

    Vectorised boolean masks only; the index is kept so rows can be traced back.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"name_zh": ["甲激光", "乙"], "city_adcode": ["440300", "440500"],
    ...     "segment": ["equipment", ""], "sector": ["laser", ""], "tier": ["t1bn", "unknown"],
    ...     "listed": ["002008", ""], "sample": [False, True]})
    >>> apply(df, Filters(zone="core")).name_zh.tolist()
    ['甲激光']
    """
    if filters == Filters():
        return enterprises
    require_columns(enterprises, _columns_read(filters), "enterprises")
    keep = np.ones(len(enterprises), dtype=bool)
    city = enterprises["city_adcode"].astype(str)
    if filters.cities:
        keep &= city.isin(filters.cities).to_numpy()
    if filters.zone:
        keep &= (city.map(_ZONE_OF_CITY) == filters.zone).to_numpy()
    for column, codes in (("segment", filters.segments), ("sector", filters.sectors),
                          ("tier", filters.tiers)):
        if codes:
            keep &= enterprises[column].isin(codes).to_numpy()
    if filters.listed_only:
        keep &= (enterprises["listed"].fillna("").astype(str) != "").to_numpy()
    if filters.sample != "all":
        is_sample = enterprises["sample"].astype(bool).to_numpy()
        keep &= is_sample if filters.sample == "sample" else ~is_sample
    if filters.query:
        names = enterprises["name_zh"].astype(str)
        hit = names.str.contains(filters.query, case=False, regex=False)
        if "name_en" in enterprises:
            hit |= enterprises["name_en"].fillna("").astype(str).str.contains(
                filters.query, case=False, regex=False)
        keep &= hit.to_numpy()
    return enterprises[keep]

