"""The action plan's spatial layout and vocabularies, in one place.

Everything that names a city, a zone, a chain segment, a sector or a size tier reads it
from here, so pages, maps, figures and exports never hard-code a list.

Sources
-------
- Zones (一核一带一区) and their cities: 广东省人民政府《关于构建"一核一带一区"区域发展新格局
  促进全省区域协调发展的意见》(2019), as used by the 2021–2025 laser & additive
  manufacturing action plan (``data/sources/action-plan-2021-2025.txt``).
- Guangzhou–Shenzhen science & technology innovation corridor (广深科技创新走廊):
  Guangzhou – Dongguan – Shenzhen (《广深科技创新走廊规划》, 2017).
- Manufacturing carriers: the action plan names Dongguan, Huizhou, Foshan, Zhuhai, Zhongshan
  and Jiangmen.
- Adcodes: GB/T 2260 (national administrative division codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.text import pick

Lang = str  # "zh" | "en"
LANGS: Final = ("zh", "en")
#: The (Chinese, English) name columns of the frames of cities, districts, firms and projects.
NAME_COLUMNS: Final = ("name_zh", "name_en")


@dataclass(frozen=True)
class City:
    """A prefecture-level city of Guangdong with its place in the plan's layout."""

    adcode: str
    name_zh: str
    name_en: str
    zone: str
    corridor: bool = False
    carrier: bool = False


@dataclass(frozen=True)
class Term:
    """A coded term with its Chinese and English labels."""

    code: str
    zh: str
    en: str

    def label(self, lang: Lang) -> str:
        """Return the label in ``lang`` ("zh" or "en")."""
        return pick(lang, self.zh, self.en)


ZONES: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("core", "珠三角核心区", "Pearl River Delta core"),
        Term("east_wing", "沿海经济带东翼", "Coastal belt, east wing"),
        Term("west_wing", "沿海经济带西翼", "Coastal belt, west wing"),
        Term("north", "北部生态发展区", "Northern ecological zone"),
    )
}
#: "The belt" (一带) is the two wings together.
BELT_ZONES: Final = ("east_wing", "west_wing")
#: Layout groups used for core / belt / north shares.
LAYOUT_GROUPS: Final[dict[str, Term]] = {
    "core": Term("core", "一核", "Core"),
    "belt": Term("belt", "一带", "Belt"),
    "north": Term("north", "一区", "North"),
}

CITIES: Final[tuple[City, ...]] = (
    City("440100", "广州市", "Guangzhou", "core", corridor=True),
    City("440300", "深圳市", "Shenzhen", "core", corridor=True),
    City("440400", "珠海市", "Zhuhai", "core", carrier=True),
    City("440600", "佛山市", "Foshan", "core", carrier=True),
    City("441300", "惠州市", "Huizhou", "core", carrier=True),
    City("441900", "东莞市", "Dongguan", "core", corridor=True, carrier=True),
    City("442000", "中山市", "Zhongshan", "core", carrier=True),
    City("440700", "江门市", "Jiangmen", "core", carrier=True),
    City("441200", "肇庆市", "Zhaoqing", "core"),
    City("440500", "汕头市", "Shantou", "east_wing"),
    City("441500", "汕尾市", "Shanwei", "east_wing"),
    City("445200", "揭阳市", "Jieyang", "east_wing"),
    City("445100", "潮州市", "Chaozhou", "east_wing"),
    City("440800", "湛江市", "Zhanjiang", "west_wing"),
    City("440900", "茂名市", "Maoming", "west_wing"),
    City("441700", "阳江市", "Yangjiang", "west_wing"),
    City("440200", "韶关市", "Shaoguan", "north"),
    City("441400", "梅州市", "Meizhou", "north"),
    City("441800", "清远市", "Qingyuan", "north"),
    City("441600", "河源市", "Heyuan", "north"),
    City("445300", "云浮市", "Yunfu", "north"),
)
CITY_BY_ADCODE: Final[dict[str, City]] = {c.adcode: c for c in CITIES}

#: The corridor's spine, Guangzhou – Dongguan – Shenzhen, in order.
CORRIDOR: Final = ("440100", "441900", "440300")
CORRIDOR_LABEL: Final = Term(
    "corridor", "广深科技创新走廊", "Guangzhou–Shenzhen innovation corridor"
)

#: The industrial chain in the plan's own words, in its order (二、工作目标(三): "打造产品设计、
#: 基础材料、专用材料、关键零部件、高端装备与系统、应用技术与服务等全流程产业链"). Codes are stable;
#: the importer still reads this atlas's older labels (特种材料, 关键器件, 应用服务) as aliases.
SEGMENTS: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("design", "产品设计", "Product design"),
        Term("basic_materials", "基础材料", "Basic materials"),
        Term("special_materials", "专用材料", "Special-purpose materials"),
        Term("components", "关键零部件", "Key parts & components"),
        Term("equipment", "高端装备与系统", "High-end equipment & systems"),
        Term("services", "应用技术与服务", "Application technology & services"),
    )
}

SECTORS: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("laser", "激光", "Laser"),
        Term("additive", "增材制造", "Additive manufacturing"),
        Term("both", "激光与增材", "Laser & additive"),
    )
}

#: Size tiers by yearly revenue, lower bound in 万元 (10k CNY), largest first.
TIERS: Final[dict[str, tuple[Term, float]]] = {
    "t1bn": (Term("t1bn", "营收≥10亿元", "Revenue ≥ ¥1 bn"), 100_000.0),
    "t100m": (Term("t100m", "1亿–10亿元", "¥100 m – 1 bn"), 10_000.0),
    "t10m": (Term("t10m", "1千万–1亿元", "¥10 m – 100 m"), 1_000.0),
    "small": (Term("small", "<1千万元", "< ¥10 m"), 0.0),
}
TIER_UNKNOWN: Final = Term("unknown", "营收未知", "Revenue unknown")

SITE_KINDS: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("park", "产业园区", "Industrial park"),
        Term("platform", "创新平台", "Innovation platform"),
        Term("facility", "大科学装置", "Big science facility"),
    )
}
SITE_STATUSES: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("operating", "已运行", "Operating"),
        Term("building", "在建", "Under construction"),
        Term("planned", "规划", "Planned"),
    )
}

#: The action plan's title exactly as the first line of its text
#: (``data/sources/action-plan-2021-2025.txt``). The province *cultivates* (培育) its ten
#: emerging clusters and *develops* (发展) its ten pillar clusters. Every page, figure, export
#: and quote uses this one constant.
PLAN_TITLE: Final = Term(
    "plan",
    "广东省培育激光与增材制造产业集群行动计划(2021—2025年)",
    "Guangdong Action Plan for Cultivating the Laser and Additive Manufacturing Industry "
    "Cluster (2021–2025)",
)
#: What is known of the plan's dates, with sources. The plan is one of the "1+20" documents:
#: the 意见 (粤府函〔2020〕82号) and 20 cluster action plans.
PLAN_DATES: Final = Term(
    "plan_dates",
    "《广东省人民政府关于培育发展战略性支柱产业集群和战略性新兴产业集群的意见》"
    "(粤府函〔2020〕82号)2020年5月18日出台、5月20日在省政府网发布;20个产业集群行动计划"
    "(含本计划)与之作为“1+20”政策文件于2020年9月对外公布(省政府新闻发布会2020-09-28)。"
    "计划文本所载“发布时间:2020-05-15”是网页发布日期,不是印发日期,未找到其他来源印证。",
    "The opinion 粤府函〔2020〕82号 on the strategic clusters was issued on 2020-05-18 and "
    "posted on the provincial government's site on 2020-05-20; the 20 cluster action plans, "
    "this one included, were made public with it as the '1+20' documents in September 2020 "
    "(press conference 2020-09-28). The '发布时间: 2020-05-15' in the plan text is a web "
    "posting date, not an issuance date; no other source confirms it.",
)
#: Sources of :data:`PLAN_DATES`.
PLAN_DATES_SOURCES: Final = (
    "https://m.news.shi-fen.com/china/202009/50-840737.html (repost of the 2020-09-28 press "
    "conference report: 省政府于5月18日出台《意见》… “1+20”政策文件正式对外公布)",
    "https://economy.southcn.com/node_8f82098ebb/9c1f021275.shtml (南方网 2020-05-21: "
    "5月20日省政府官网发布《意见》)",
    "http://doc.cserver.com.cn/doc-82-81-4-11.html (省科技厅 省工信厅 notice citing the 意见 "
    "as 粤府函〔2020〕82号)",
)


def city_name(adcode: str, lang: Lang = "zh") -> str:
    """Return a city's name in ``lang``; raise ``KeyError`` naming an unknown adcode."""
    try:
        city = CITY_BY_ADCODE[adcode]
    except KeyError:
        raise KeyError(f"unknown city adcode {adcode!r}") from None
    return pick(lang, city.name_zh, city.name_en)


def layout_group(zone: str) -> str:
    """Map a zone code to its layout group: ``core``, ``belt`` or ``north``."""
    if zone not in ZONES:
        raise ValueError(f"unknown zone {zone!r}; expected one of {sorted(ZONES)}")
    return "belt" if zone in BELT_ZONES else zone


def tier_codes(revenue_10k_cny: pd.Series) -> pd.Series:
    """Return the size-tier code for each revenue in 万元 (``unknown`` where missing).

    >>> tier_codes(pd.Series([150_000, 10_000, 999, None])).tolist()
    ['t1bn', 't100m', 'small', 'unknown']
    """
    rev = pd.to_numeric(revenue_10k_cny, errors="coerce").to_numpy(dtype=float)
    bounds = [lower for _, lower in TIERS.values()]
    codes = np.array([*TIERS, TIER_UNKNOWN.code], dtype=object)
    idx = np.full(rev.shape, len(bounds), dtype=int)
    for i in reversed(range(len(bounds))):
        idx[rev >= bounds[i]] = i
    return pd.Series(codes[idx], index=revenue_10k_cny.index, dtype=object)
