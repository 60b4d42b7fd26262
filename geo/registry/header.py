"""Finding the header row of a sheet and mapping its columns to the canonical schema."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from geo.registry.schema import (
    _HEADER_SCAN,
    CHINESE_HEADERS,
    Problem,
    RegistryError,
    _revenue_scale,
    canonical_header,
)
from geo.text import Msg, msg

_LOCATION_COLUMNS: Final = frozenset({"lon", "lat", "city", "district"})


def _header_candidate(records: list[list[str]]) -> int | None:
    for i, rec in enumerate(records[:_HEADER_SCAN]):
        found = {canonical_header(c) for c in rec}
        if "name_zh" in found and found & _LOCATION_COLUMNS:
            return i
    return None


def _missing_columns_message(records: list[list[str]], name: str) -> Msg:
    first = next((r for r in records if "".join(r).strip()), [])
    found = {canonical_header(c) for c in first}
    shown = ", ".join(c.strip() for c in first[:12] if c.strip())
    if not found - {None}:
        return msg("file.no_header", name=name, first=shown[:200])
    need = ("file.need_location" if "name_zh" in found
            else "file.need_name" if found & _LOCATION_COLUMNS else "file.need_both")
    return msg("file.missing_columns", name=name, need=msg(need), found=shown[:200])


@dataclass(frozen=True)
class _Header:
    row: int  # spreadsheet row of the header
    index: dict[str, int]  # canonical -> position
    label: dict[str, str]  # canonical -> header as written
    revenue_scale: float
    ignored: list[str]
    problems: list[Problem]  # header-level problems (duplicate or unpaired columns)


def _parse_header(records: list[list[str]], name: str) -> _Header:
    pos = _header_candidate(records)
    if pos is None:
        raise RegistryError(_missing_columns_message(records, name))
    index: dict[str, int] = {}
    label: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for j, text in enumerate(records[pos]):
        canonical = canonical_header(text)
        if canonical is None:
            if text.strip():
                ignored.append(text.strip())
        elif canonical in index:
            problems.append(Problem.of(pos + 1, text.strip(), msg(
                "header_duplicate", first=label[canonical], canonical=canonical)))
        else:
            index[canonical], label[canonical] = j, text.strip()
    if ("lon" in index) != ("lat" in index):
        have, lack = ("lon", "lat") if "lon" in index else ("lat", "lon")
        if not {"city", "district"} & set(index):
            raise RegistryError(msg("file.unpaired", name=name, label=label[have], have=have,
                                    partner=CHINESE_HEADERS[lack], lack=lack))
        problems.append(Problem.of(pos + 1, label[have], msg(
            "header_unpaired", label=label.pop(have), have=have, partner=CHINESE_HEADERS[lack],
            lack=lack)))
        del index[have]
    scale = _revenue_scale(label["revenue_10k_cny"]) if "revenue_10k_cny" in index else 1.0
    return _Header(pos + 1, index, label, scale, ignored, problems)
