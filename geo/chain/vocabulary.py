"""The chain's vocabularies and the tags of a firm: parts, application fields, needs.

The action plan names the chain's segments (二(三)) and, within them, the parts Guangdong
still partly imports (四(一)2 强基固本, 3 装备突破); its application fields (三(三), 四(二))
are a second, separate vocabulary. A firm's ``products`` and ``applications`` are
``;``-separated codes of these vocabularies (the importer also reads the Chinese labels):
:func:`parse_tags` reads them and reports unknown values, :func:`tag_matrix` /
:func:`products_of` turn them into a (firms × parts) matrix.

Sources
-------
《广东省培育激光与增材制造产业集群行动计划(2021—2025年)》: 二(三) (segments), 三(三) and
四(二)4–5 (application fields), 四(一)2–3 (the parts). The inputs each part needs
(:data:`NEEDS`) are the usual bill of materials of fibre, solid-state and ultrafast lasers,
laser processing systems and powder-bed AM machines; they are this atlas's assumption, not
the plan's words.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from geo.layout import Term
from geo.text import Msg, msg, pick, t


@dataclass(frozen=True)
class Part:
    """A part (product) of the chain, under one segment of :data:`geo.layout.SEGMENTS`.

    ``group`` is an optional heading inside the segment (``"lasers"``: the plan lists the
    lasers with the equipment it must break through, 四(一)3). ``short_en`` is a shorter
    English name for where space is short (a box of the chain diagram), given where the
    full one does not fit there in two lines; the Chinese names are short already.
    """

    code: str
    zh: str
    en: str
    segment: str
    group: str = ""
    aliases: tuple[str, ...] = ()
    short_en: str = ""

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` ("zh" or "en")."""
        return pick(lang, self.zh, self.en)

    def short_label(self, lang: str) -> str:
        """The label in ``lang`` where space is short: ``short_en`` if given, else the
        label."""
        return pick(lang, self.zh, self.short_en or self.en)


GROUPS: Final[dict[str, Term]] = {"lasers": Term("lasers", "激光器", "Lasers")}

PARTS: Final[dict[str, Part]] = {
    p.code: p
    for p in (
        Part("product_design", "产品设计", "Product design", "design",
             aliases=("设计", "工业设计", "结构设计", "光学设计")),
        Part("lma_fiber", "大模场光纤", "Large-mode-area fibre", "basic_materials",
             aliases=("有源光纤", "增益光纤", "掺镱光纤", "大模场双包层光纤")),
        Part("laser_crystal", "高品质晶体", "High-quality laser crystals", "basic_materials",
             aliases=("激光晶体", "晶体", "光学晶体", "非线性晶体")),
        Part("metal_powder", "高性能金属粉末", "High-performance metal powder",
             "special_materials", aliases=("金属粉末", "金属粉", "球形粉末", "3d打印金属粉末")),
        Part("am_polymer", "增材制造高分子材料", "AM polymer materials", "special_materials",
             aliases=("高分子材料", "高分子", "光敏树脂", "3d打印耗材")),
        Part("biomedical_material", "生物医用材料", "Biomedical materials", "special_materials",
             aliases=("生物材料", "医用材料")),
        Part("combiner", "高功率合束器", "High-power combiner", "components",
             aliases=("合束器", "泵浦合束器", "光纤合束器")),
        Part("fiber_grating", "光纤光栅", "Fibre Bragg grating", "components",
             aliases=("fbg", "光栅")),
        Part("isolator", "光隔离器", "Optical isolator", "components",
             aliases=("隔离器", "光纤隔离器")),
        Part("galvo_scanner", "扫描振镜", "Galvo scanner", "components",
             aliases=("振镜", "激光振镜", "振镜系统", "scanner")),
        Part("laser_head", "激光加工头", "Laser processing head", "components",
             aliases=("加工头", "激光切割头", "切割头", "激光焊接头", "焊接头", "激光头")),
        Part("laser_chip", "高亮度芯片", "High-brightness laser chip", "components",
             aliases=("激光芯片", "泵浦芯片", "半导体激光芯片", "激光器芯片", "pump chip")),
        Part("software", "专用软件", "Dedicated software", "components",
             aliases=("软件", "控制软件", "工艺软件", "数据处理软件", "切片软件")),
        Part("fiber_laser_10kw", "万瓦级工业光纤激光器", "10 kW-class industrial fibre laser",
             "equipment", "lasers",
             aliases=("万瓦级光纤激光器", "万瓦光纤激光器", "万瓦级激光器"),
             short_en="10 kW fibre laser"),
        Part("fiber_laser", "其他光纤激光器", "Other fibre lasers", "equipment", "lasers",
             aliases=("光纤激光器", "脉冲光纤激光器", "连续光纤激光器", "mopa光纤激光器",
                      "fiber laser", "fibre laser")),
        Part("ultrafast_laser", "超短脉冲激光器", "Ultrashort-pulse laser", "equipment",
             "lasers", aliases=("超快激光器", "超快激光", "皮秒激光器", "飞秒激光器",
                                "ultrafast laser")),
        Part("other_laser", "其他激光器", "Other lasers", "equipment", "lasers",
             aliases=("激光器", "半导体激光器", "固体激光器", "紫外激光器", "二氧化碳激光器",
                      "co2激光器", "激光光源", "laser")),
        Part("laser_equipment", "精密激光加工装备", "Precision laser processing equipment",
             "equipment", aliases=("激光加工装备", "激光加工设备", "激光设备", "激光装备",
                                   "激光切割机", "激光焊接机", "激光打标机")),
        Part("am_equipment", "增材制造装备", "Additive manufacturing equipment", "equipment",
             aliases=("增材制造设备", "3d打印机", "3d打印设备", "金属3d打印机", "增材装备"),
             short_en="AM equipment"),
        Part("application_services", "应用技术与服务", "Application technology & services",
             "services", aliases=("应用服务", "加工服务", "激光加工服务", "3d打印服务",
                                  "增材制造服务", "服务", "检测服务"),
             short_en="Application tech & services"),
    )
}

APPLICATIONS: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("aerospace", "航空航天", "Aerospace"),
        Term("electronics", "电子信息", "Electronics & IT"),
        Term("automotive", "汽车", "Automotive"),
        Term("shipbuilding", "船舶", "Shipbuilding"),
        Term("nuclear", "核电", "Nuclear power"),
        Term("moulds", "模具", "Moulds & dies"),
        Term("new_energy", "新能源", "New energy"),
        Term("quantum", "量子信息", "Quantum information"),
        Term("medical", "医疗器械", "Medical devices"),
    )
}
_APPLICATION_ALIASES: Final[dict[str, str]] = {
    "航空": "aerospace", "航天": "aerospace", "电子": "electronics", "消费电子": "electronics",
    "3c": "electronics", "汽车制造": "automotive", "新能源汽车": "automotive",
    "造船": "shipbuilding", "核能": "nuclear", "模具制造": "moulds", "锂电": "new_energy",
    "锂电池": "new_energy", "动力电池": "new_energy", "光伏": "new_energy", "量子": "quantum",
    "医疗": "medical", "医疗器械制造": "medical", "molds": "moulds",
}

#: The inputs each part needs (see the module's Sources): what a city's own makers need.
NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "fiber_laser_10kw": ("lma_fiber", "combiner", "fiber_grating", "isolator", "laser_chip"),
    "fiber_laser": ("lma_fiber", "combiner", "fiber_grating", "isolator", "laser_chip"),
    "ultrafast_laser": ("laser_crystal", "isolator", "laser_chip"),
    "other_laser": ("laser_crystal", "isolator", "laser_chip"),
    "laser_equipment": ("fiber_laser_10kw", "fiber_laser", "ultrafast_laser", "other_laser",
                        "galvo_scanner", "laser_head", "software"),
    "am_equipment": ("fiber_laser", "galvo_scanner", "software", "metal_powder", "am_polymer"),
    "application_services": ("laser_equipment", "am_equipment", "metal_powder"),
}
#: Key components for the 配套半径 measure: the plan's 核心器件 and the lasers.
KEY_COMPONENTS: Final = tuple(
    c for c, p in PARTS.items() if p.segment == "components" or p.group == "lasers")
#: Makers counted by the 配套半径 measure: equipment and laser makers.
MAKERS: Final = tuple(c for c, p in PARTS.items() if p.segment == "equipment")

VOCABULARIES: Final = ("products", "applications")
#: Separators between values in one cell: ``;`` (also full-width), ``、`` and ``|``.
_SEPARATORS: Final = re.compile(r"[;；、|]")


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip().lower()


def _terms(vocabulary: str) -> dict[str, Part] | dict[str, Term]:
    if vocabulary == "products":
        return PARTS
    if vocabulary == "applications":
        return APPLICATIONS
    raise ValueError(f"unknown vocabulary {vocabulary!r}; expected one of {VOCABULARIES}")


def _lookup(vocabulary: str) -> dict[str, str]:
    """Normalised spelling (code, zh, en, alias) -> code."""
    terms = _terms(vocabulary)
    out: dict[str, str] = {}
    extra = _APPLICATION_ALIASES if vocabulary == "applications" else {
        a: p.code for p in PARTS.values() for a in (*p.aliases, p.short_en) if a}
    out.update({_norm(k): v for k, v in extra.items()})
    for code, term in terms.items():  # codes and labels win over aliases
        out.update({code: code, _norm(term.zh): code, _norm(term.en): code})
    return out


_LOOKUPS: Final = {v: _lookup(v) for v in VOCABULARIES}


def label(code: str, lang: str = "zh", vocabulary: str = "products") -> str:
    """The label of a product or application code; ``KeyError`` naming an unknown code."""
    terms = _terms(vocabulary)
    if code not in terms:
        raise KeyError(f"unknown {vocabulary} code {code!r}")
    return terms[code].label(lang)


def labels(codes: str, lang: str = "zh", vocabulary: str = "products") -> str:
    """The labels of ``;``-joined canonical codes, joined for reading.

    >>> labels("galvo_scanner;laser_head"), labels("new_energy", "en", "applications")
    ('扫描振镜、激光加工头', 'New energy')
    """
    terms = _terms(vocabulary)
    return t("list_sep", lang).join(terms[c].label(lang) for c in str(codes).split(";")
                                    if c in terms)


def suggest(value: str, vocabulary: str = "products") -> str | None:
    """The code of the known term closest to ``value``, ``None`` if none is close.

    >>> suggest("扫描镇镜")
    'galvo_scanner'
    """
    lookup = _LOOKUPS[vocabulary] if vocabulary in _LOOKUPS else _lookup(vocabulary)
    key = _norm(value)
    hits = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.5)
    if not hits:  # a longer phrase holding a known label: "光纤激光器（20kW）"
        inside = [k for k in lookup if len(k) >= 2 and k in key]
        hits = sorted(inside, key=len, reverse=True)[:1]
    if not hits:
        return None
    return lookup[hits[0]]


@dataclass(frozen=True)
class Unknown:
    """A value of a tag cell that is no term of the vocabulary."""

    position: int  # row position in the parsed sequence
    value: str  # as written
    suggestion: str | None  # the code of the closest term, if any

    def msg(self, vocabulary: str = "products") -> Msg:
        """What the registry reports for this value, as a :class:`geo.text.Msg`; the
        suggested term is named in the language the message is rendered in.

        >>> bad = Unknown(0, "扫描镇镜", "galvo_scanner").msg()
        >>> bad.render("en").split("?")[0]
        "unknown product '扫描镇镜'; did you mean Galvo scanner (galvo_scanner)"
        >>> bad.render("zh").split("？")[0]
        "未知产品 '扫描镇镜'；是否指 扫描振镜（galvo_scanner）"
        """
        hint: Msg | str = ""
        if self.suggestion:
            term = _terms(vocabulary)[self.suggestion]
            hint = msg("did_you_mean", suggestion=msg("aside", text=term, aside=self.suggestion))
        return msg(f"unknown_{vocabulary[:-1]}", value=self.value, hint=hint)

    def message(self, vocabulary: str = "products") -> str:
        """What the registry reports for this value (in English)."""
        return self.msg(vocabulary).render("en")


def _parse_cell(cell: str, lookup: dict[str, str], order: dict[str, int]
                ) -> tuple[str, list[str]]:
    codes: set[str] = set()
    bad: list[str] = []
    for raw in _SEPARATORS.split(cell):
        value = raw.strip()
        if not value:
            continue
        code = lookup.get(_norm(value))
        if code is None:
            bad.append(value)
        else:
            codes.add(code)
    return ";".join(sorted(codes, key=order.__getitem__)), bad


def parse_tags(values: Sequence[str] | pd.Series, vocabulary: str = "products"
               ) -> tuple[pd.Series, list[Unknown]]:
    """Parse cells of ``;``-separated codes or labels into canonical codes.

    Each distinct cell is parsed once (registries repeat a handful of combinations).

    Parameters
    ----------
    values : sequence of str
        One cell per firm; blank cells give ``""``.
    vocabulary : {"products", "applications"}

    Returns
    -------
    codes : pandas.Series of str
        Known codes per cell, ``;``-joined in vocabulary order, duplicates removed.
    unknown : list of Unknown
        Every value that is no term, with the closest term as a suggestion.

    Examples
    --------
    >>> codes, bad = parse_tags(["扫描振镜；laser_chip", "光纤光珊", ""])
    >>> codes.tolist()
    ['galvo_scanner;laser_chip', '', '']
    >>> bad[0].position, bad[0].suggestion
    (1, 'fiber_grating')
    """
    lookup = _LOOKUPS[vocabulary] if vocabulary in _LOOKUPS else _lookup(vocabulary)
    order = {c: i for i, c in enumerate(_terms(vocabulary))}
    cells = pd.Series(values, dtype=object).fillna("").astype(str)
    codes, uniques = pd.factorize(cells)
    parsed = [_parse_cell(u, lookup, order) for u in uniques]
    joined = np.array([p[0] for p in parsed] or [""], dtype=object)
    out = pd.Series(joined[codes] if len(cells) else [], index=cells.index, dtype=object)
    unknown: list[Unknown] = []
    bad_u = [i for i, p in enumerate(parsed) if p[1]]
    if bad_u:
        hint = {v: suggest(v, vocabulary) for i in bad_u for v in parsed[i][1]}
        for pos in np.flatnonzero(np.isin(codes, bad_u)):
            unknown += [Unknown(int(pos), v, hint[v]) for v in parsed[codes[pos]][1]]
    return out, unknown


def tag_matrix(tags: pd.Series | Sequence[str], vocabulary: str = "products") -> np.ndarray:
    """Boolean (firms × terms) matrix of canonical ``;``-joined codes.

    Unknown codes raise ``ValueError`` (tags are parsed where they enter: the registry).

    >>> tag_matrix(["lma_fiber;combiner", ""])[:, :7].astype(int).tolist()
    [[0, 1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0]]
    """
    terms = list(_terms(vocabulary))
    cells = pd.Series(tags, dtype=object).fillna("").astype(str)
    codes, uniques = pd.factorize(cells)
    index = {c: j for j, c in enumerate(terms)}
    table = np.zeros((max(len(uniques), 1), len(terms)), dtype=bool)
    for i, cell in enumerate(uniques):
        for code in filter(None, cell.split(";")):
            if code not in index:
                raise ValueError(f"unknown {vocabulary} code {code!r} in {cell!r}; "
                                 f"expected codes of geo.chain ({', '.join(terms[:3])} …)")
            table[i, index[code]] = True
    return table[codes] if len(cells) else np.zeros((0, len(terms)), dtype=bool)


def products_of(frame: pd.DataFrame) -> np.ndarray:
    """The (firms × parts) product matrix of a canonical frame (all False without tags)."""
    if "products" not in frame.columns:
        return np.zeros((len(frame), len(PARTS)), dtype=bool)
    return tag_matrix(frame["products"])
