"""The industrial chain (产业链) part by part: vocabulary, tag parsing and chain health.

The action plan names the chain's segments (二(三)) and, within them, the parts Guangdong
still partly imports (四(一)2 强基固本, 3 装备突破); its application fields (三(三), 四(二))
are a second, separate vocabulary. A firm's ``products`` and ``applications`` are
``;``-separated codes of these vocabularies (the importer also reads the Chinese labels).

What a planner asks of the chain is computed here, vectorised over the firms:

- :func:`chain_health`: producers, cities, revenue and a status (strong / thin / missing)
  per part, and the city × part matrix (强链补链: where the chain is thin);
- :func:`city_chain`: for one city, the parts it has, the parts its own makers need but
  the city lacks, and the nearest producers elsewhere (the 招商 short list);
- :func:`supply_flags` / :func:`supply_distance`: the 配套半径 measure, the share of makers
  with a producer of each key component they need within 50 km.

Distances are measured on :data:`geo.regions.METRIC_CRS` (UTM 49N), like
:mod:`geo.proximity`.

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
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from pyproj import Transformer

from geo.frames import require_columns
from geo.layout import CITIES, Term
from geo.regions import METRIC_CRS, point_lonlat
from geo.text import Msg, msg

if TYPE_CHECKING:
    import geopandas as gpd

# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part (product) of the chain, under one segment of :data:`geo.layout.SEGMENTS`.

    ``group`` is an optional heading inside the segment (``"lasers"``: the plan lists the
    lasers with the equipment it must break through, 四(一)3).
    """

    code: str
    zh: str
    en: str
    segment: str
    group: str = ""
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        """Return the label in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


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
             aliases=("万瓦级光纤激光器", "万瓦光纤激光器", "万瓦级激光器")),
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
             aliases=("增材制造设备", "3d打印机", "3d打印设备", "金属3d打印机", "增材装备")),
        Part("application_services", "应用技术与服务", "Application technology & services",
             "services", aliases=("应用服务", "加工服务", "激光加工服务", "3d打印服务",
                                  "增材制造服务", "服务", "检测服务")),
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
SUPPLY_RADIUS_KM: Final = 50.0

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
        a: p.code for p in PARTS.values() for a in p.aliases}
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
    sep = "、" if lang == "zh" else ", "
    return sep.join(terms[c].label(lang) for c in str(codes).split(";") if c in terms)


def suggest(value: str, vocabulary: str = "products") -> str | None:
    """The closest known term to ``value`` as ``"label (code)"``, ``None`` if none is close.

    >>> suggest("扫描镇镜")
    '扫描振镜 (galvo_scanner)'
    """
    lookup = _LOOKUPS[vocabulary] if vocabulary in _LOOKUPS else _lookup(vocabulary)
    key = _norm(value)
    hits = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.5)
    if not hits:  # a longer phrase holding a known label: "光纤激光器（20kW）"
        inside = [k for k in lookup if len(k) >= 2 and k in key]
        hits = sorted(inside, key=len, reverse=True)[:1]
    if not hits:
        return None
    code = lookup[hits[0]]
    return f"{_terms(vocabulary)[code].zh} ({code})"


@dataclass(frozen=True)
class Unknown:
    """A value of a tag cell that is no term of the vocabulary."""

    position: int  # row position in the parsed sequence
    value: str  # as written
    suggestion: str | None  # "label (code)" of the closest term, if any

    def msg(self, vocabulary: str = "products") -> Msg:
        """What the registry reports for this value, as a :class:`geo.text.Msg`."""
        hint = msg("did_you_mean", suggestion=self.suggestion) if self.suggestion else ""
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
    (1, '光纤光栅 (fiber_grating)')
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


# ---------------------------------------------------------------------------------------
# Chain health
# ---------------------------------------------------------------------------------------
#: Status colours for diagrams and figures (colour-blind safe: blue / orange / vermilion).
STATUS_COLOURS: Final[dict[str, str]] = {"strong": "#0072B2", "thin": "#E69F00",
                                          "missing": "#D55E00"}
STATUSES: Final[dict[str, Term]] = {
    t.code: t
    for t in (
        Term("strong", "较强", "Strong"),
        Term("thin", "薄弱", "Thin"),
        Term("missing", "缺失", "Missing"),
    )
}
#: A part with fewer producers than this is thin.
THIN_PRODUCERS: Final = 3
#: A part whose largest city holds at least this share of its producers is thin.
THIN_TOP_SHARE: Final = 0.75
_CITY_CODES: Final = tuple(c.adcode for c in CITIES)
_TO_METRIC: Final = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def products_of(frame: pd.DataFrame) -> np.ndarray:
    """The (firms × parts) product matrix of a canonical frame (all False without tags)."""
    if "products" not in frame.columns:
        return np.zeros((len(frame), len(PARTS)), dtype=bool)
    return tag_matrix(frame["products"])


def _city_index(frame: pd.DataFrame) -> np.ndarray:
    require_columns(frame, ["city_adcode"], "enterprises")
    return pd.Index(_CITY_CODES).get_indexer(pd.Index(frame["city_adcode"].astype(object)))


@dataclass(frozen=True)
class ChainHealth:
    """What :func:`chain_health` returns.

    Attributes
    ----------
    parts : pandas.DataFrame
        One row per part, in vocabulary order: ``code``, ``label_zh``, ``label_en``,
        ``segment``, ``group``, ``producers`` (firms tagged with it), ``sample_producers``,
        ``cities`` (cities with a producer), ``top_city``, ``top_city_share`` (its share
        of the producers with a known city), ``revenue_100m_cny`` (sum over producers with
        a known revenue, not split between a firm's products), ``revenue_known``
        (producers with a revenue), ``status`` (:data:`STATUSES` code).
    matrix : pandas.DataFrame
        Firms per city (index: the 21 adcodes) and part (columns: part codes).
    firms, tagged : int
        Firms in the input, and those with at least one product tag.
    sample_matrix : pandas.DataFrame
        Of :attr:`matrix`, the sample (synthetic) firms.
    """

    parts: pd.DataFrame
    matrix: pd.DataFrame
    firms: int
    tagged: int
    sample_matrix: pd.DataFrame | None = None

    def records(self) -> pd.DataFrame:
        """The matrix as records: ``adcode``, ``product``, ``product_zh``, ``firms`` and
        ``sample_firms`` (of them, sample firms)."""
        long = self.matrix.rename_axis("adcode").reset_index().melt(
            "adcode", var_name="product", value_name="firms")
        long.insert(2, "product_zh", long["product"].map(lambda c: PARTS[c].zh))
        sample = self.sample_matrix if self.sample_matrix is not None else self.matrix * 0
        long["sample_firms"] = sample.to_numpy().T.ravel()
        return long


def chain_health(frame: pd.DataFrame, *, thin_producers: int = THIN_PRODUCERS,
                 thin_share: float = THIN_TOP_SHARE) -> ChainHealth:
    """Producers, cities, revenue and status of every part, and the city × part matrix.

    A part is *missing* without producers, *thin* with fewer than ``thin_producers`` or
    when one city holds at least ``thin_share`` of them, *strong* otherwise.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical enterprise frame (``products``, ``city_adcode``, ``revenue_10k_cny``,
        optionally ``sample``). Without ``products`` every part is missing.
    thin_producers : int
    thin_share : float
        In (0, 1].
    """
    require_columns(frame, ["city_adcode"], "enterprises")
    if not 0 < thin_share <= 1:
        raise ValueError(f"thin_share must be in (0, 1], got {thin_share!r}")
    m = products_of(frame)
    city = _city_index(frame)
    n_cities, n_parts = len(_CITY_CODES), len(PARTS)
    sample = frame["sample"].fillna(False).to_numpy(bool) if "sample" in frame.columns \
        else np.zeros(len(frame), dtype=bool)

    def per_city(rows_of: np.ndarray) -> np.ndarray:
        # one bincount over (city, part) pairs: the matrix without a loop over parts
        rows, cols = np.nonzero(m & ((city >= 0) & rows_of)[:, None])
        return np.bincount(city[rows] * n_parts + cols, minlength=n_cities * n_parts
                           ).reshape(n_cities, n_parts)

    counts = per_city(np.ones(len(frame), dtype=bool))
    producers = m.sum(axis=0)
    in_city = counts.sum(axis=0)
    top = counts.max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        top_share = np.where(in_city > 0, top / np.maximum(in_city, 1), np.nan)
    revenue = frame.get("revenue_10k_cny")  # to_numeric(None) is NaN, not None: test first
    rev = (np.zeros(len(frame)) if revenue is None
           else pd.to_numeric(revenue, errors="coerce").to_numpy(float))
    known = np.isfinite(rev)
    rev_sum = (m[known].T.astype(float) @ rev[known]) / 1e4
    status = np.select([producers == 0, (producers < thin_producers) | (top_share >= thin_share)],
                       ["missing", "thin"], "strong")
    parts = pd.DataFrame({
        "code": list(PARTS), "label_zh": [p.zh for p in PARTS.values()],
        "label_en": [p.en for p in PARTS.values()],
        "segment": [p.segment for p in PARTS.values()],
        "group": [p.group for p in PARTS.values()],
        "producers": producers, "sample_producers": m[sample].sum(axis=0),
        "cities": (counts > 0).sum(axis=0),
        "top_city": np.where(in_city > 0, np.array(_CITY_CODES)[counts.argmax(axis=0)], ""),
        "top_city_share": top_share,
        "revenue_100m_cny": np.where(m[known].any(axis=0), rev_sum, np.nan),
        "revenue_known": m[known].sum(axis=0),
        "status": status,
    })
    index = pd.Index(_CITY_CODES, name="adcode")
    matrix = pd.DataFrame(counts, index=index, columns=list(PARTS))
    sample_matrix = pd.DataFrame(per_city(sample) if sample.any() else counts * 0, index=index,
                                 columns=list(PARTS))
    return ChainHealth(parts, matrix, len(frame), int(m.any(axis=1).sum()), sample_matrix)


# ---------------------------------------------------------------------------------------
# A city's gaps and the 招商 short list
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CityChain:
    """What :func:`city_chain` returns.

    Attributes
    ----------
    adcode : str
    has : list of str
        Parts with a producer in the city, in vocabulary order.
    missing : list of str
        Parts the city's own producers need (:data:`NEEDS`) that no firm in it makes.
    nearest : pandas.DataFrame
        For each missing part, the nearest producers elsewhere: ``product``, ``rank``
        (1 = nearest), ``distance_km`` (from ``origin``), ``id``, ``name_zh``, ``name_en``,
        ``city_adcode``, ``revenue_10k_cny``, ``sample``.
    """

    adcode: str
    has: list[str]
    missing: list[str]
    nearest: pd.DataFrame


def origin_of(regions: gpd.GeoDataFrame, adcode: str) -> tuple[float, float]:
    """Where a city's distances are measured from: its label point (inside its largest part,
    :func:`geo.regions.label_points`), as (lon, lat)."""
    from geo.regions import label_points

    hit = regions[regions["adcode"].astype(str) == adcode]
    if hit.empty:
        raise ValueError(f"unknown city adcode {adcode!r}")
    point = label_points(hit).iloc[0]
    return float(point["lon"]), float(point["lat"])


def needed_by(parts: Sequence[str]) -> list[str]:
    """Inputs the given parts need (:data:`NEEDS`), in vocabulary order.

    >>> needed_by(["ultrafast_laser"])
    ['laser_crystal', 'isolator', 'laser_chip']
    """
    wanted = {n for p in parts for n in NEEDS.get(p, ())}
    return [c for c in PARTS if c in wanted]


def city_chain(frame: pd.DataFrame, adcode: str, origin: tuple[float, float], *,
               n_nearest: int = 5) -> CityChain:
    """The parts a city has, those its makers need but lack, and the nearest producers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical enterprise frame (``products``, ``city_adcode``, ``lon``, ``lat``).
    adcode : str
        One of the 21 city adcodes.
    origin : (lon, lat)
        Where distances are measured from (WGS-84), e.g. the city's label point.
    n_nearest : int
        Producers listed per missing part.
    """
    if adcode not in _CITY_CODES:
        raise ValueError(f"unknown city adcode {adcode!r}; expected one of {_CITY_CODES}")
    if not isinstance(n_nearest, int) or n_nearest < 1:
        raise ValueError(f"n_nearest must be a positive int, got {n_nearest!r}")
    lon0, lat0 = (float(v) for v in origin)
    if not (np.isfinite(lon0) and np.isfinite(lat0)):
        raise ValueError(f"origin must be finite (lon, lat), got {origin!r}")
    m = products_of(frame)
    own = (frame["city_adcode"].astype(object) == adcode).to_numpy()
    codes = list(PARTS)
    has = [c for c, j in zip(codes, np.asarray(m[own].any(axis=0)), strict=True) if j]
    missing = [c for c in needed_by(has) if c not in has]
    lon, lat = point_lonlat(frame, "enterprises")
    x, y = _TO_METRIC.transform(lon, lat)
    x0, y0 = _TO_METRIC.transform(lon0, lat0)
    dist = np.hypot(np.asarray(x) - x0, np.asarray(y) - y0) / 1000.0
    keep = [c for c in ("id", "name_zh", "name_en", "city_adcode", "revenue_10k_cny", "sample")
            if c in frame.columns]
    lists = []
    for code in missing:
        cand = np.flatnonzero(m[:, codes.index(code)] & ~own & np.isfinite(dist))
        cand = cand[np.argsort(dist[cand], kind="stable")[:n_nearest]]
        part = pd.DataFrame(frame.iloc[cand][keep]).reset_index(drop=True)
        part.insert(0, "product", code)
        part.insert(1, "rank", np.arange(1, len(cand) + 1))
        part.insert(2, "distance_km", dist[cand])
        lists.append(part)
    empty = pd.DataFrame({"product": pd.Series(dtype=object), "rank": pd.Series(dtype=np.int64),
                          "distance_km": pd.Series(dtype=float)})
    nearest = pd.concat(lists, ignore_index=True) if lists else empty.assign(
        **{c: pd.Series(dtype=frame[c].dtype) for c in keep})
    return CityChain(adcode, has, missing, nearest)


# ---------------------------------------------------------------------------------------
# 配套半径: key components within reach of the makers that need them
# ---------------------------------------------------------------------------------------
def _need_matrix() -> np.ndarray:
    """(parts × key components): a maker of the part needs the component."""
    codes = list(PARTS)
    out = np.zeros((len(codes), len(KEY_COMPONENTS)), dtype=bool)
    for part in MAKERS:
        for k, comp in enumerate(KEY_COMPONENTS):
            out[codes.index(part), k] = comp in NEEDS.get(part, ())
    return out


_NEED: Final = _need_matrix()


def supply_flags(products: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                 radius_km: float = SUPPLY_RADIUS_KM) -> tuple[np.ndarray, np.ndarray]:
    """Which firm needs which key component, and whether a producer is within reach.

    Parameters
    ----------
    products : numpy.ndarray
        (firms × parts) boolean matrix (:func:`tag_matrix`).
    lon, lat : numpy.ndarray
        WGS-84 coordinates (NaN: the firm is left out of both flags).
    radius_km : float
        Reach, on :data:`geo.regions.METRIC_CRS`.

    Returns
    -------
    needs, met : numpy.ndarray
        (firms × :data:`KEY_COMPONENTS`) booleans: the firm makes a part of :data:`MAKERS`
        that needs the component; and a producer of it (the firm itself included) lies
        within ``radius_km``.
    """
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    products = np.asarray(products, dtype=bool)
    if products.ndim != 2 or products.shape[1] != len(PARTS):
        raise ValueError(f"products must be (firms × {len(PARTS)}), got {products.shape}")
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    located = np.isfinite(lon) & np.isfinite(lat)
    # float32 so the product runs in BLAS (integer matmul has no fast path in numpy)
    needs = (products.astype(np.float32) @ _NEED.astype(np.float32) > 0) & located[:, None]
    met = np.zeros_like(needs)
    if not needs.any():
        return needs, met
    from scipy.spatial import cKDTree  # imported on first use, as in geo.metrics

    x, y = _TO_METRIC.transform(lon, lat)
    xy = np.column_stack([np.asarray(x), np.asarray(y)])
    reach = radius_km * 1000.0
    # Square cells whose diagonal is the reach: a producer in a firm's own cell is in reach,
    # so only firms in cells without one need the (exact) nearest-producer search.
    cell = np.zeros(len(xy), dtype=np.int64)
    ij = np.floor(xy[located] / (reach / np.sqrt(2.0))).astype(np.int64)
    cell[located] = ij[:, 0] * 1_000_003 + ij[:, 1]
    codes = list(PARTS)
    by_part = np.asfortranarray(products)  # contiguous columns
    by_need = np.asfortranarray(needs)
    for k, comp in enumerate(KEY_COMPONENTS):
        who = np.flatnonzero(by_need[:, k])
        makers = by_part[:, codes.index(comp)] & located
        if not len(who) or not makers.any():
            continue
        near = np.isin(cell[who], cell[makers])
        met[who[near], k] = True
        rest = who[~near]
        if len(rest):
            dist, _ = cKDTree(xy[makers]).query(xy[rest], k=1, distance_upper_bound=reach)
            met[rest, k] = np.isfinite(dist)
    return needs, met


def supply_distance(frame: pd.DataFrame, radius_km: float = SUPPLY_RADIUS_KM) -> pd.DataFrame:
    """The 配套半径 measure per city.

    Returns
    -------
    pandas.DataFrame
        One row per city (21): ``adcode``, ``makers`` (located firms needing some key
        component), ``supply_share`` (met / needed over all maker × component pairs, NaN
        without makers) and ``supply_<component>`` (share of the makers needing it that
        have a producer within ``radius_km``; NaN where none needs it).
    """
    lon, lat = point_lonlat(frame, "enterprises")
    needs, met = supply_flags(products_of(frame), lon, lat, radius_km)
    city = _city_index(frame)
    ok = city >= 0
    n = len(_CITY_CODES)

    def per_city(values: np.ndarray) -> np.ndarray:
        return np.bincount(city[ok], weights=values[ok].astype(float), minlength=n)

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(n, np.nan), where=den > 0)

    out = pd.DataFrame({"adcode": list(_CITY_CODES),
                        "makers": per_city(np.asarray(needs.any(axis=1))).astype(np.int64),
                        "supply_share": share(per_city(met.sum(axis=1)),
                                              per_city(needs.sum(axis=1)))})
    for k, comp in enumerate(KEY_COMPONENTS):
        out[f"supply_{comp}"] = share(per_city(met[:, k]), per_city(needs[:, k]))
    return out
