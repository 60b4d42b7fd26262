"""Punctuation and words every part of the atlas shares (lists, quotes, the province), in both
languages: Chinese text takes full-width marks, English text ASCII ones."""

from __future__ import annotations

from typing import Final

#: key -> (Chinese, English)
WORDS: Final[dict[str, tuple[str, str]]] = {
    "colon": ("：", ": "),  # after a label
    "list_sep": ("、", ", "),  # between the items of a list
    "clause_sep": ("；", "; "),  # between clauses
    "quoted": ("“{text}”", '"{text}"'),
    "plan_cited": ("《{title}》", "{title}"),  # a document's title in running text
    "within_km": ("{text}（{km} 公里）", "{text} ({km} km)"),
    "rank_of": ("{name}：第 {place} / {of}", "{name}: {place} of {of}"),
    "whole_province": ("全省", "Whole province"),
    "listed_firms": ("上市企业", "listed firms"),
    "real_data": ("真实数据", "real data"),
    "sample_data": ("示例数据", "sample data"),
    "with_year": ("{text}（{year} 年）", "{text}, {year}"),
    # a bracketed aside: a title's unit, a value's year, a count's sample part
    "aside": ("{text}（{aside}）", "{text} ({aside})"),
    # location precisions (geo.registry.schema COORD_PRECISIONS / SITE_PRECISIONS)
    "precision.exact": ("精确坐标", "Exact point"),
    "precision.town": ("镇街", "Town or street"),
    "precision.district": ("区县", "District"),
    "precision.city": ("地市", "City"),
    "precision.none": ("无地点", "No place"),
    # units (geo.units.UNITS): the code is the Chinese unit
    "unit.亿元": ("亿元", "¥100 m"),
    "unit.万元": ("万元", "¥10k"),
    "unit.家": ("家", "firms"),
    "unit.件": ("件", "items"),
    "unit.项": ("项", "items"),
    "unit.%": ("%", "%"),
    "unit.%/年": ("%/年", "%/yr"),
    "unit.处": ("处", "sites"),
    "unit.公里": ("公里", "km"),
    "unit.家/千平方公里": ("家/千平方公里", "firms per 1,000 km²"),
    "unit.万元/平方公里": ("万元/平方公里", "¥10k per km²"),
    "unit.个（共6）": ("个（共6）", "of 6"),
    "unit.0–1": ("0–1", "0–1"),
}
