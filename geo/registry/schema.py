"""The canonical registry schema: columns, header aliases, vocabularies, limits, and
what a load returns (:class:`Problem`, :class:`RegistryResult`, :class:`RegistryError`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import pandas as pd

from geo.layout import SECTORS, SEGMENTS
from geo.regions import DATA_DIR
from geo.text import MessageError, Msg, pick

ENTERPRISES_PATH: Final = DATA_DIR / "enterprises.csv"
SITES_PATH: Final = DATA_DIR / "sites.csv"

#: The canonical enterprise schema (column order of data/enterprises.csv).
CANONICAL_COLUMNS: Final = (
    "id", "name_zh", "name_en", "city", "district", "address", "lon", "lat",
    "coord_precision", "sector", "segment", "revenue_10k_cny", "revenue_year", "listed",
    "employees", "source", "sample",
)
#: Optional columns read when present (and always present, maybe blank, in the frame).
EXTRA_COLUMNS: Final = ("credit_code", "note", "products", "applications")
#: Columns of :attr:`RegistryResult.frame`, in order.
FRAME_COLUMNS: Final = (
    "id", "name_zh", "name_en", "city", "district", "city_adcode", "district_adcode",
    "address", "lon", "lat", "coord_precision", "sector", "segment", "revenue_10k_cny",
    "revenue_year", "listed", "employees", "credit_code", "source", "note", "products",
    "applications", "sample", "tier", "geometry",
)
SITE_COLUMNS: Final = (
    "id", "name_zh", "name_en", "kind", "status", "city_adcode", "district", "lon", "lat",
    "coord_precision", "source", "note",
)
COORD_PRECISIONS: Final = ("exact", "district", "city")
#: Sites may also be located to a town or street (镇/街道: the point is its sourced centre)
#: or not at all: a plan item without a place (``none``: lon, lat and city left blank).
SITE_PRECISIONS: Final = ("exact", "town", "district", "city", "none")
#: Cities without county-level units: the city is its own district.
NO_DISTRICT_CITIES: Final = frozenset({"441900", "442000"})

#: Preferred Chinese header per column (used by :func:`template_frame`).
CHINESE_HEADERS: Final[dict[str, str]] = {
    "id": "编号", "name_zh": "企业名称", "name_en": "英文名称", "city": "所在城市",
    "district": "区县", "address": "地址", "lon": "经度", "lat": "纬度",
    "coord_precision": "坐标精度", "sector": "产业领域", "segment": "产业链环节",
    "revenue_10k_cny": "主营业务收入(万元)", "revenue_year": "收入年份", "listed": "股票代码",
    "employees": "从业人员", "credit_code": "统一社会信用代码", "source": "数据来源",
    "note": "备注", "sample": "示例数据", "products": "主要产品", "applications": "应用领域",
}

# Header aliases, in normalised form (NFKC, lower case, no spaces; see _norm_header).
_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "id": ("编号", "企业编号", "序号", "代码编号"),
    "name_zh": ("企业名称", "名称", "企业名", "公司名称", "单位名称", "企业(单位)名称",
                "name", "中文名称"),
    "name_en": ("英文名称", "英文名", "name(en)"),
    "city": ("所在城市", "城市", "地市", "所在地市", "所属地市", "地级市", "所在市", "市",
             "所属城市"),
    "district": ("区县", "所在区县", "所属区县", "县区", "区", "区/县", "区(县)", "县(区)"),
    "address": ("地址", "注册地址", "详细地址", "经营地址", "企业地址", "办公地址"),
    "lon": ("经度", "lng", "longitude", "long"),
    "lat": ("纬度", "latitude"),
    "coord_precision": ("坐标精度", "定位精度", "precision"),
    "sector": ("产业领域", "领域", "行业", "产业", "产业类别", "所属领域"),
    "segment": ("产业链环节", "环节", "产业链", "产业链位置"),
    "revenue_10k_cny": ("主营业务收入", "营业收入", "主营收入", "营收", "主营业务收入(万元)",
                        "营业收入(万元)", "revenue", "revenue_100m_cny", "revenue_cny"),
    "revenue_year": ("收入年份", "营收年份", "数据年份", "年份", "统计年份", "year"),
    "listed": ("股票代码", "上市代码", "证券代码", "上市情况", "上市", "ticker"),
    "employees": ("从业人员", "员工人数", "从业人数", "职工人数", "员工数", "从业人员数"),
    "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码", "uscc"),
    "source": ("数据来源", "来源", "信息来源"),
    "note": ("备注", "说明", "notes", "comment"),
    "sample": ("示例数据", "示例", "样例", "是否示例"),
    # multi-valued chain tags (geo.chain): ";"-separated codes or Chinese labels
    "products": ("主要产品", "产品", "主营产品", "产品类别", "产品类型", "产业链产品"),
    "applications": ("应用领域", "应用行业", "下游应用", "下游领域", "应用"),
}

_SECTOR_VALUES: Final[dict[str, str]] = {
    "激光": "laser", "激光产业": "laser", "增材制造": "additive", "增材": "additive",
    "3d打印": "additive", "am": "additive", "additive manufacturing": "additive",
    "激光与增材制造": "both", "激光与增材": "both", "激光+增材": "both", "激光、增材制造": "both",
    "激光和增材制造": "both", "laser & additive": "both", "laser and additive": "both",
}
_SEGMENT_VALUES: Final[dict[str, str]] = {
    "设计": "design", "基础材料": "basic_materials", "特种材料": "special_materials",
    "专用材料": "special_materials", "关键器件": "components", "关键零部件": "components",
    "核心器件": "components", "器件": "components", "高端装备": "equipment",
    "装备与系统": "equipment", "高端装备与系统": "equipment", "装备": "equipment",
    "应用服务": "services", "应用技术与服务": "services", "应用与服务": "services",
    "服务": "services", "key components": "components", "equipment": "equipment",
}
_PRECISION_VALUES: Final[dict[str, str]] = {
    "精确": "exact", "精确坐标": "exact", "点": "exact", "point": "exact",
    "区县": "district", "区": "district", "县": "district",
    "城市": "city", "地市": "city", "市": "city",
}
_TRUE: Final = frozenset({"true", "1", "yes", "y", "t", "是", "示例", "sample"})
_FALSE: Final = frozenset({"", "false", "0", "no", "n", "f", "否"})
#: 上市 cells read as listed without a stock code; anything else without a digit or an
#: exchange word is reported (``maybe`` is no listing).
_LISTED_YES: Final = frozenset({"是", "yes", "y", "true", "1", "已上市", "上市", "listed"})
_EXCHANGE_WORDS: Final = ("交易所", "交所", "板", "港股", "美股", "a股", "h股", "sse", "szse",
                          "hkex", "sehk", "bse", "nyse", "nasdaq")
_NOT_LISTED: Final = frozenset(
    {"", "否", "无", "未上市", "非上市", "no", "none", "-", "—", "n/a", "na", "not listed"}
)

_HEADER_SCAN: Final = 20  # title rows above the header that we tolerate
#: Points this close (degrees, ~1 km) to Guangdong but in no polygon count as inside: the
#: bundled polygons are simplified (~120 m), so a waterfront firm can sit just "at sea".
COAST_TOLERANCE_DEG: Final = 0.01
_BORDER_TOLERANCE_DEG: Final = 0.002  # ~200 m: simplification error near borders
_MAX_PROBLEMS_IN_ERROR: Final = 5
_MAX_CSV_FIELDS: Final = 10_000  # fields kept per CSV row (a longer row is reported)
#: Plausible ranges: larger values are typing or unit errors (and would overflow sums).
MAX_REVENUE_10K_CNY: Final = 1e9  # 10 万亿元, several times the largest Chinese firm
MAX_EMPLOYEES: Final = 5_000_000
#: Longest value per column in characters (a 100 KB name would cover the map); others
#: :data:`MAX_CHARS_OTHER`.
MAX_CHARS: Final[dict[str, int]] = {"name_zh": 200, "name_en": 200, "address": 300,
                                    "source": 2000, "note": 2000}
MAX_CHARS_OTHER: Final = 500
# Control characters (tab/newline aside) and text-direction marks: invisible, and a
# right-to-left override reorders the text around it in tables and popups.
_INVISIBLE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: :data:`_INVISIBLE` in RE2 syntax (Arrow's regular expressions).
_INVISIBLE_RE2: Final = (r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}\x{61c}\x{200e}"
                         r"\x{200f}\x{202a}-\x{202e}\x{2066}-\x{2069}]")

class RegistryError(MessageError, ValueError):
    """The file cannot be used at all; the message names the file and what to do."""


@dataclass(frozen=True)
class Problem:
    """One problem in one row: ``row`` as a spreadsheet shows it (header = row 1)."""

    row: int
    column: str
    message: str  # in English
    #: the message's key and parameters (:mod:`geo.text`), for other languages
    msg: Msg | None = field(default=None, compare=False)

    @classmethod
    def of(cls, row: int, column: str, message: Msg) -> Problem:
        """The problem with ``message`` rendered in English and kept for other languages."""
        return cls(row, column, message.render("en"), message)

    @property
    def code(self) -> str:
        """The message's key in :data:`geo.text.CATALOGUE` ("" for a plain message)."""
        return self.msg.key if self.msg else ""

    def text(self, lang: str) -> str:
        """The message in ``lang`` ("zh" or "en")."""
        return self.msg.render(lang) if self.msg else self.message

    def to_dict(self, lang: str = "en") -> dict[str, int | str]:
        """Return ``{"row": …, "column": …, "message": …, "code": …}`` (the CLI's JSON
        shape; ``message`` in ``lang``)."""
        out: dict[str, int | str] = {"row": self.row, "column": self.column,
                                     "message": self.text(lang)}
        if self.msg:
            out["code"] = self.msg.key
        return out

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class RegistryResult:
    """What :func:`load_registry` read.

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        The usable rows in the canonical schema (:data:`FRAME_COLUMNS`), EPSG:4326; built
        on first use (a row report alone does not need a million points).
    table : pandas.DataFrame
        The same rows without the geometry (WGS-84 ``lon``/``lat`` columns), for work that
        needs no shapely points (the metrics read positions from ``lon``/``lat``).
    problems : list of Problem
        Every problem found, ordered by row.
    rows : int
        Data rows in the file (blank lines not counted).
    name : str
        The file's display name.
    columns : dict
        Header as written in the file -> canonical column, for the columns that were used.
    ignored_columns : list of str
        Headers that were not recognised (their values are not imported).
    coords_ignored : int
        Kept rows whose coordinates were given but unusable: placed at their district's or
        city's interior point instead (each is also a problem).
    """

    def __init__(self, table: Callable[[], pd.DataFrame], valid_rows: int,
                 problems: list[Problem], rows: int, name: str,
                 columns: dict[str, str] | None = None,
                 ignored_columns: list[str] | None = None, coords_ignored: int = 0):
        self._table: pd.DataFrame | Callable[[], pd.DataFrame] = table
        self._frame: gpd.GeoDataFrame | None = None
        self.valid_rows = valid_rows
        self.problems = problems
        self.rows = rows
        self.name = name
        self.columns = columns or {}
        self.ignored_columns = ignored_columns or []
        self.coords_ignored = coords_ignored

    @property
    def table(self) -> pd.DataFrame:
        """The usable rows without geometry (built on first use, then kept)."""
        table = self._table
        if callable(table):
            table = self._table = table()
        return table

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The usable rows with their points (built on first use, then kept)."""
        if self._frame is None:
            table = self.table
            points = gpd.points_from_xy(table["lon"], table["lat"], crs="EPSG:4326")
            # the table's columns are shared, not copied (pandas copies on write)
            self._frame = gpd.GeoDataFrame(table, geometry=points, crs="EPSG:4326",
                                           copy=False)
        return self._frame

    @property
    def has_sample(self) -> bool:
        """True when any kept row is sample data (the UI shows a badge)."""
        return bool(self.table["sample"].any()) if self.valid_rows else False

    def to_dict(self) -> dict[str, object]:
        """Return ``{"rows": N, "valid_rows": N, "problems": [...]}`` for JSON output."""
        return {
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "problems": [p.to_dict() for p in self.problems],
        }

def _norm(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


def _key(value: str) -> str:
    """Place-name lookup key: NFKC, lower case, no whitespace."""
    return re.sub(r"\s+", "", _norm(value))


def _norm_header(header: str) -> str:
    text = re.sub(r"\s+", "", _norm(header)).strip("*:：")
    return text.replace("（", "(").replace("）", ")")


def _header_lookup() -> dict[str, str]:
    lookup = {c: c for c in (*CANONICAL_COLUMNS, *EXTRA_COLUMNS)}
    for canonical, aliases in _ALIASES.items():
        lookup.update({_norm_header(a): canonical for a in aliases})
    return lookup


_HEADERS: Final = _header_lookup()


def _revenue_scale(header: str) -> float:
    """Factor from the header's unit to 万元 (default: already 万元)."""
    text = _norm_header(header)
    if "亿" in text or "100m" in text:
        return 10_000.0
    if "万" in text or "10k" in text:
        return 1.0
    if "千元" in text:
        return 0.1
    if "元" in text or text.endswith("cny"):
        return 0.0001
    return 1.0


def canonical_header(header: str) -> str | None:
    """Return the canonical column a header means, or ``None`` if unrecognised.

    >>> canonical_header("经度（GCJ-02）"), canonical_header("主营业务收入(亿元)")
    ('lon', 'revenue_10k_cny')
    """
    text = _norm_header(str(header))
    if text in _HEADERS:
        return _HEADERS[text]
    base = re.sub(r"\(.*?\)|\[.*?\]", "", text)
    if base in _HEADERS:
        return _HEADERS[base]
    for token in re.findall(r"\(([a-z0-9_]+)\)", text):  # bilingual "企业名称 (name_zh)"
        if token in _HEADERS:
            return _HEADERS[token]
    return None


def _value_map(extra: dict[str, str], terms: dict) -> dict[str, str]:
    out = {_norm(k): v for k, v in extra.items()}
    for code, term in terms.items():
        out.update({code: code, _norm(term.zh): code, _norm(term.en): code})
    return out


_SECTORS: Final = _value_map(_SECTOR_VALUES, SECTORS)
_SEGMENTS: Final = _value_map(_SEGMENT_VALUES, SEGMENTS)
_PRECISIONS: Final = {**{p: p for p in COORD_PRECISIONS}, **_PRECISION_VALUES}

def template_frame(lang: str = "zh") -> pd.DataFrame:
    """An empty registry template with the headers the importer reads.

    ``lang="zh"`` gives Chinese headers (主营业务收入 in 万元), ``"en"`` the canonical
    names. Both are accepted by :func:`load_registry`.

    >>> list(template_frame("zh").columns[:3])
    ['编号', '企业名称', '英文名称']
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown lang {lang!r}; expected 'zh' or 'en'")
    columns = [*CANONICAL_COLUMNS[:-2], "credit_code", "products", "applications", "source",
               "note", "sample"]
    headers = [pick(lang, CHINESE_HEADERS[c], c) for c in columns]
    return pd.DataFrame({h: pd.Series(dtype=object) for h in headers})
