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
    "unit.亿元": ("亿元", "¥100 m"),
    "unit.万元": ("万元", "¥10k"),
    "unit.家": ("家", "firms"),
    "unit.件": ("件", "items"),
    "unit.项": ("项", "items"),
    "unit.%": ("%", "%"),
    "unit.%/年": ("%/年", "%/yr"),
}
