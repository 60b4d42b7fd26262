"""Enterprise registries and sites: read, validate and place them on the map.

Planners bring their own enterprise lists (business-registry exports, district bureaus'
Excel sheets). :func:`load_registry` reads one (CSV in UTF-8 / UTF-8 with BOM / GBK /
GB18030 / UTF-16 / UTF-32, or XLSX within :data:`XLSX_LIMITS`), maps Chinese or canonical
headers to the canonical schema, converts coordinates from the datum the caller names to
WGS-84 and checks every row.
A bad row never stops the import and is never lost silently: each problem is reported with
the row number as a spreadsheet shows it (header = row 1), the column as written in the
file and what to do. Good rows are kept; a row with a bad optional field is kept with that
field blank; a row with no usable location is left out of the frame (and reported).
Nothing is guessed: a decimal comma ("1,5"), a formula saved without its value, a number
out of its plausible range, an over-long value or an invisible control character is a
reported row problem.

The bundled data (``data/enterprises.csv``, ``data/sites.csv``) go through the same code
(:func:`load_enterprises`, :func:`load_sites`) and must load without a single problem.

Examples
--------
>>> csv_text = "企业名称,所在城市,区县\\n示例激光企业,深圳,宝安\\n"
>>> result = load_registry(csv_text.encode("gbk"), name="demo.csv")
>>> result.rows, result.valid_rows, result.problems
(1, 1, [])
>>> result.frame.loc[0, ["district_adcode", "coord_precision"]].tolist()
['440306', 'district']
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely
from numpy.typing import NDArray

from geo.chain import parse_tags
from geo.datum import convert, normalize_datum
from geo.layout import CITIES, SECTORS, SEGMENTS, SITE_KINDS, SITE_STATUSES, tier_codes
from geo.regions import DATA_DIR, load_districts, load_regions
from geo.text import Msg, msg

if TYPE_CHECKING:
    import openpyxl

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

# Renamed or merged county-level units and functional areas, per city (GB/T 2260 history):
# 萝岗区 merged into 黄埔区 (2014); 大鹏新区 is administered inside 龙岗区; 横琴 is in 香洲区.
_DISTRICT_EXTRA: Final[dict[tuple[str, str], str]] = {
    ("440100", "萝岗"): "440112",
    ("440300", "大鹏"): "440307",
    ("440400", "横琴"): "440402",
}

# GB 32100-2015 统一社会信用代码: 18 characters over a 31-letter alphabet, last = check.
_USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS: Final = np.array(
    [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28], dtype=np.int64
)
_USCC_RE: Final = f"[{_USCC_ALPHABET}]{{18}}"

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


class RegistryError(ValueError):
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

    def __init__(self, frame: gpd.GeoDataFrame | Callable[[], gpd.GeoDataFrame],
                 problems: list[Problem], rows: int, name: str,
                 columns: dict[str, str] | None = None,
                 ignored_columns: list[str] | None = None, coords_ignored: int = 0,
                 valid_rows: int | None = None):
        if callable(frame) and valid_rows is None:
            raise TypeError("a frame built later needs valid_rows")
        self._frame = frame
        self.problems = problems
        self.rows = rows
        self.name = name
        self.columns = columns or {}
        self.ignored_columns = ignored_columns or []
        self.coords_ignored = coords_ignored
        self._valid_rows = valid_rows

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The usable rows (built on first use, then kept)."""
        if callable(self._frame):
            self._frame = self._frame()
        return self._frame

    @property
    def valid_rows(self) -> int:
        """Rows kept in :attr:`frame` (a kept row may still have a blanked field)."""
        return len(self.frame) if self._valid_rows is None else self._valid_rows

    @property
    def has_sample(self) -> bool:
        """True when any kept row is sample data (the UI shows a badge)."""
        return bool(self.frame["sample"].any()) if len(self.frame) else False

    def to_dict(self) -> dict[str, object]:
        """Return ``{"rows": N, "valid_rows": N, "problems": [...]}`` for JSON output."""
        return {
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "problems": [p.to_dict() for p in self.problems],
        }


# --------------------------------------------------------------------------- vocabulary
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


def credit_code_valid(codes: pd.Series | Sequence[str]) -> NDArray[np.bool_]:
    """Check 统一社会信用代码 (GB 32100-2015): format and check character, vectorised.

    >>> credit_code_valid(["91350100M000100Y43", "91350100M000100Y44"]).tolist()
    [True, False]
    """
    text = [str(c).upper() if isinstance(c, str) else "" for c in codes]
    pattern = re.compile(_USCC_RE)
    ok = np.fromiter((pattern.fullmatch(c) is not None for c in text), dtype=bool,
                     count=len(text))
    if not ok.any():
        return ok
    table = np.full(256, -1, dtype=np.int64)
    for i, ch in enumerate(_USCC_ALPHABET):
        table[ord(ch)] = i
    joined = "".join(c for c, good in zip(text, ok, strict=True) if good)
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    values = table[raw]
    check = (31 - (values[:, :17] @ _USCC_WEIGHTS) % 31) % 31
    out = ok.copy()
    out[ok] = check == values[:, 17]
    return out


# --------------------------------------------------------------------------- geography
@dataclass(frozen=True)
class _Layer:
    """Prepared polygons with their bounds and codes, for fast point-in-polygon."""

    codes: NDArray[np.object_]
    geoms: NDArray[np.object_]
    bounds: NDArray[np.float64]

    @classmethod
    def of(cls, gdf: gpd.GeoDataFrame) -> _Layer:
        geoms = gdf.geometry.to_numpy().copy()
        shapely.prepare(geoms)
        return cls(gdf.adcode.to_numpy(dtype=object), geoms, shapely.bounds(geoms))


@dataclass(frozen=True)
class _Geography:
    districts: _Layer
    cities: _Layer
    district_city: dict[str, str]
    geom: dict[str, shapely.Geometry]
    names: dict[str, str]
    city_names: dict[str, str]
    district_names: dict[tuple[str, str], str]
    district_anywhere: dict[str, str]


def _city_keys(adcode: str, name_zh: str, name_en: str) -> list[str]:
    base = name_zh.removesuffix("市")
    en = name_en.lower()
    return [adcode, name_zh, base, en, f"{en} city", f"{en}shi", f"广东省{name_zh}",
            f"广东省{base}", f"广东{base}"]


def _district_keys(name: str) -> list[str]:
    keys = [name]
    base = re.sub(r"((壮族|瑶族|畲族)+自治县|新区|区|县|市)$", "", name)
    if len(base) >= 2:
        keys.append(base)
    return keys


@lru_cache(maxsize=1)
def _geography() -> _Geography:
    regions, districts = load_regions(), load_districts()
    geom = dict(zip(regions.adcode, regions.geometry, strict=True))
    geom.update(zip(districts.adcode, districts.geometry, strict=True))
    names = {c.adcode: c.name_zh for c in CITIES}
    names.update(zip(districts.adcode, districts.name_zh, strict=True))
    city_names = {
        _key(k): c.adcode for c in CITIES for k in _city_keys(c.adcode, c.name_zh, c.name_en)
    }
    within: dict[tuple[str, str], set[str]] = {}
    anywhere: dict[str, set[str]] = {}
    for adcode, name, city in zip(districts.adcode, districts.name_zh, districts.city_adcode,
                                  strict=True):
        for key in [adcode, *_district_keys(_key(name))]:
            within.setdefault((city, key), set()).add(adcode)
            anywhere.setdefault(key, set()).add(adcode)
    # a short name only counts where it is unambiguous (in its city, or in the province)
    district_names = {k: next(iter(v)) for k, v in within.items() if len(v) == 1}
    district_names.update(_DISTRICT_EXTRA)
    return _Geography(
        districts=_Layer.of(districts), cities=_Layer.of(regions),
        district_city=dict(zip(districts.adcode, districts.city_adcode, strict=True)),
        geom=geom, names=names, city_names=city_names,
        district_names=district_names,
        district_anywhere={k: next(iter(v)) for k, v in anywhere.items() if len(v) == 1},
    )


def _interior_points(adcodes: Sequence[str] | NDArray[np.object_]
                     ) -> dict[str, tuple[float, float]]:
    """Interior point of each city or district named (their label anchors, the same as the
    maps'); computed on first use only: finding them is slower than reading a registry."""
    from geo.symbology import label_anchors  # as geo.regions.label_points does

    geo = _geography()
    wanted = sorted(set(adcodes))
    lon, lat = label_anchors([geo.geom[a] for a in wanted])
    return {a: (float(x), float(y)) for a, x, y in zip(wanted, lon, lat, strict=True)}


def _assign(x: NDArray[np.float64], y: NDArray[np.float64], layer: _Layer,
            tolerance: float = 0.0) -> NDArray[np.intp]:
    """Index (into ``layer.codes``) of the polygon holding each point; with ``tolerance``,
    of the nearest polygon within that distance (degrees) for points in none (-1 if none).

    Points are sorted by longitude once, so each polygon looks only at the points within
    its bounds' longitudes (a binary search), not at every point.
    """
    out = np.full(len(x), -1, dtype=np.intp)
    order = np.argsort(x)
    xs, ys = x[order], y[order]
    for k, (geom, (x0, y0, x1, y1)) in enumerate(zip(layer.geoms, layer.bounds,
                                                     strict=True)):
        lo, hi = np.searchsorted(xs, x0, "left"), np.searchsorted(xs, x1, "right")
        cand = order[lo:hi][(ys[lo:hi] >= y0) & (ys[lo:hi] <= y1)]
        cand = cand[out[cand] < 0]
        if cand.size:
            out[cand[shapely.contains_xy(geom, x[cand], y[cand])]] = k
    missing = np.flatnonzero(out < 0)
    if not missing.size or tolerance <= 0:
        return out
    best = np.full(missing.size, np.inf)
    mx, my = x[missing], y[missing]
    points = np.asarray(shapely.points(mx, my))  # an array (the stub also allows a Point)
    for k, (geom, (x0, y0, x1, y1)) in enumerate(zip(layer.geoms, layer.bounds,
                                                     strict=True)):
        cand = np.flatnonzero((mx >= x0 - tolerance) & (mx <= x1 + tolerance)
                              & (my >= y0 - tolerance) & (my <= y1 + tolerance))
        if not cand.size:
            continue
        cand = cand[shapely.dwithin(geom, points[cand], tolerance)]
        if cand.size:
            dist = shapely.distance(geom, points[cand])
            closer = dist < best[cand]
            best[cand[closer]] = dist[closer]
            out[missing[cand[closer]]] = k
    return out


def locate(lon: NDArray[np.float64], lat: NDArray[np.float64]
           ) -> tuple[NDArray[np.object_], NDArray[np.object_]]:
    """Return (city_adcode, district_adcode) of WGS-84 points; "" where outside Guangdong.

    Points within ~1 km (:data:`COAST_TOLERANCE_DEG`) of the simplified boundary count as
    inside. 东莞 and 中山 have no districts: their points get the city's adcode as district.
    """
    geo = _geography()
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    # adcodes as indices into these arrays until the end; the last item is "" (none)
    cities = np.append(geo.cities.codes, "")
    districts = np.append(geo.districts.codes, "")
    city_of = {c: k for k, c in enumerate(geo.cities.codes)}
    # district index -> its city's index (-1 at the end, for "no district")
    district_city = np.array([city_of.get(geo.district_city[d], -1)
                              for d in geo.districts.codes] + [-1], dtype=np.intp)
    own_city = np.isin(cities, list(NO_DISTRICT_CITIES))
    dist = _assign(x, y, geo.districts)
    city = district_city[dist]
    rest = np.flatnonzero(dist < 0)
    if rest.size:
        city[rest] = _assign(x[rest], y[rest], geo.cities, COAST_TOLERANCE_DEG)
        own = rest[own_city[city[rest]]]
        near = rest[(city[rest] >= 0) & ~own_city[city[rest]]]
        if near.size:  # gaps between simplified district polygons, or just offshore
            found = _assign(x[near], y[near], geo.districts, 0.05)
            dist[near] = np.where(district_city[found] == city[near], found, -1)
        out_dist = districts[dist]
        out_dist[own] = cities[city[own]]
        return cities[city], out_dist
    return cities[city], districts[dist]


def interior_point(adcode: str) -> tuple[float, float]:
    """A point inside a city's or district's largest part (where area-only rows go)."""
    try:
        return _interior_points([adcode])[adcode]
    except KeyError:
        raise ValueError(f"unknown city or district adcode {adcode!r}") from None


def resolve_city(name: str) -> str | None:
    """Return the city adcode for 深圳 / 深圳市 / Shenzhen / 440300 (``None`` if unknown)."""
    geo = _geography()
    key = _key(name) if name else ""
    if key in geo.city_names:
        return geo.city_names[key]
    for city_key, adcode in geo.city_names.items():  # "深圳市宝安区" → 深圳
        if len(city_key) >= 2 and not city_key.isascii() and key.startswith(city_key):
            return adcode
    return None


def resolve_district(name: str, city_adcode: str | None) -> str | None:
    """Return a district adcode; with no city, only names unique in Guangdong resolve."""
    geo = _geography()
    key = _key(name) if name else ""
    if not key:
        return None
    candidates = _district_keys(key)
    for cand in candidates:
        if city_adcode is None:
            if cand in geo.district_anywhere:
                return geo.district_anywhere[cand]
        elif (city_adcode, cand) in geo.district_names:
            return geo.district_names[(city_adcode, cand)]
    # "宝安区新桥街道": a known district name followed by a town or street
    names = geo.district_anywhere if city_adcode is None else {
        k: v for (c, k), v in geo.district_names.items() if c == city_adcode}
    for dkey, adcode in sorted(names.items(), key=lambda kv: -len(kv[0])):
        if len(dkey) >= 2 and not dkey.isdigit() and key.startswith(dkey):
            return adcode
    return None


# --------------------------------------------------------------------------- reading
def _read_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), name or "upload"
    if hasattr(source, "read"):  # an open binary file or a Streamlit UploadedFile
        data = source.read()
        if not isinstance(data, bytes):
            raise TypeError("source file must be opened in binary mode ('rb')")
        return data, name or Path(str(getattr(source, "name", "upload"))).name
    if not isinstance(source, str | Path):
        raise TypeError(f"source must be a path or bytes, got {type(source).__name__}")
    path = Path(source)
    label = name or path.name
    if not path.is_file():
        raise RegistryError(f"{path}: file not found; check the path")
    try:
        return path.read_bytes(), label
    except OSError as exc:
        raise RegistryError(f"{path}: cannot be read ({exc.strerror})") from None


def _utf_without_bom(data: bytes) -> str | None:
    """The codec of UTF-32 (any) or BOM-less UTF-16 text, judged by where NUL bytes fall."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")):
        if data.startswith(bom):
            return codec
    head = data[:4096]
    if b"\x00" not in head or len(head) < 8:
        return None
    n = len(head) // 4 * 4
    zero = [head[k:n:4].count(0) / (n // 4) for k in range(4)]
    if zero[2] == zero[3] == 1.0 and zero[0] < 0.5:
        return "utf-32-le"
    if zero[0] == zero[1] == 1.0 and zero[3] < 0.5:
        return "utf-32-be"
    odd, even = (zero[1] + zero[3]) / 2, (zero[0] + zero[2]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> str:
    """Decode CSV bytes: BOMs, UTF-32 / BOM-less UTF-16 (by their NUL bytes), then UTF-8,
    then GB18030 (a GBK superset), then a guess."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                       (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    wide = _utf_without_bom(data)
    for codec in ((wide,) if wide else ()) + ("utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise RegistryError(
            f"{name}: not a text table (encoding not recognised); save it as CSV UTF-8 or XLSX"
        )
    return str(best)


_SNIFF_SIZE: Final = 1 << 14  # bytes or characters of the head the delimiter is judged on


def _head_lines(text: str, more: bool) -> str:
    """``text`` without its last line when ``more`` follows (that line may be cut short)."""
    return text[:text.rindex("\n")] if more and "\n" in text else text


def _utf8_head(data: bytes) -> str | None:
    """The head of ``data`` as text (whole lines) when the file may be UTF-8 that
    :func:`_decode` reads as such (no BOM of UTF-16/32, no NUL byte), else ``None``; the
    rest of the file is checked by the reader."""
    if b"\x00" in data:
        return None
    try:  # incremental: a character cut at the end of the head is held back, not an error
        head = codecs.getincrementaldecoder("utf-8")().decode(data[:_SNIFF_SIZE])
    except UnicodeDecodeError:
        return None
    return _head_lines(head, len(data) > _SNIFF_SIZE)


def _sniff_delimiter(head: str) -> str:
    """The delimiter (``,`` tab ``;`` or ``|``; ``,`` when unclear) of a CSV text's head,
    judged by :class:`csv.Sniffer`."""
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


@dataclass
class _Table:
    """The cells of the sheet read, as text, one list per spreadsheet row.

    ``formulas`` maps (record index, column index) to the formula of a cell saved without
    its value (the file was written by a program and never recalculated). ``columns`` is
    set when a rectangular CSV was read column-wise (:func:`_arrow_columns`): then
    ``records`` holds only the first :data:`_HEADER_SCAN` rows (where the header is).
    """

    records: list[list[str]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    columns: list[pa.ChunkedArray] | None = None


#: Characters Python's ``str.strip()`` removes (every ``str.isspace()`` character).
_WHITESPACE: Final = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002"
                      "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f"
                      "\u205f\u3000")


def _arrow_columns(data: bytes, delimiter: str) -> list[pa.ChunkedArray] | None:
    """The columns of a rectangular CSV in UTF-8, read by pyarrow's C++ reader as strings.

    ``None`` when the file needs the row-by-row reader: text that is not valid UTF-8, rows
    of differing lengths (blank lines, title rows, unquoted separators), NUL characters, a
    single column or more than :data:`_MAX_CSV_FIELDS` columns, or anything the reader
    refuses. Row ``i`` of every column is record ``i`` as :func:`csv.reader` reads it (same
    quoting rules).
    """
    if b"\x00" in data:
        return None
    ragged: list[object] = []

    def invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True,
                                           block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                             double_quote=True, escape_char=False,
                                             newlines_in_values=True,
                                             ignore_empty_lines=False,
                                             invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{j}": pa.string() for j in range(_MAX_CSV_FIELDS + 1)},
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowException, UnicodeError):
        return None
    # one column: a blank line is a row of one empty cell here, no cell for csv.reader
    if ragged or not 2 <= table.num_columns <= _MAX_CSV_FIELDS:
        return None
    return table.columns


def _columnar(data: bytes, delimiter: str) -> _Table | None:
    """The table read column-wise (:func:`_arrow_columns`) when that reader takes it and a
    header is in its first rows (else the row reader reads it and words the error)."""
    columns = _arrow_columns(data, delimiter)
    if columns is None:
        return None
    head = [[c[i].as_py() for c in columns] for i in range(min(_HEADER_SCAN, len(columns[0])))]
    return _Table(head, columns=columns) if _header_candidate(head) is not None else None


def _csv_records(data: bytes, name: str) -> _Table:
    body = data.removeprefix(codecs.BOM_UTF8)
    head = _utf8_head(body)
    if head is not None:  # UTF-8 (most files) is read column-wise as it is
        delimiter = _sniff_delimiter(head)
        if (table := _columnar(body, delimiter)) is not None:
            return table
    text = _decode(data, name)
    if head is None:  # another encoding: read column-wise re-encoded
        delimiter = _sniff_delimiter(_head_lines(text[:_SNIFF_SIZE], len(text) > _SNIFF_SIZE))
        table = _columnar(text.encode("utf-8", "surrogatepass"), delimiter)
        if table is not None:
            return table
    # over-long fields are reported per row (_check_cells), not refused by the parser
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise RegistryError(f"{name}: not a readable CSV table ({exc}); "
                            "save it again as CSV UTF-8 or XLSX") from None
    # a row of a million separators: its fields past the limit are joined into one (still
    # reported as too many fields when any holds a value), so later steps stay cheap
    for i in [i for i, r in enumerate(records) if len(r) > _MAX_CSV_FIELDS]:
        records[i] = [*records[i][:_MAX_CSV_FIELDS], "".join(records[i][_MAX_CSV_FIELDS:])]
    return _Table(records)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class XlsxLimits:
    """How much an XLSX file may hold; a zip of 300 KB can expand to 100 MB of XML.

    Rows and cells count every one the sheet's XML holds (blank ones too): the XML is
    scanned for them before it is parsed, and the parse checks again as it streams.
    """

    rows: int = 100_000
    columns: int = 256
    cells: int = 1_500_000
    expanded_bytes: int = 150 * 2**20
    #: parts openpyxl holds whole in memory (shared strings, styles …), unlike the sheets
    held_bytes: int = 40 * 2**20


#: Limits applied while an XLSX file is read.
XLSX_LIMITS: Final = XlsxLimits()


def _too_big(name: str, what: str) -> RegistryError:
    return RegistryError(f"{name}: {what}; split the registry into smaller files, or save it "
                         "as CSV UTF-8 (no such limit)")


_ROW_TAG: Final = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAG: Final = re.compile(rb"<(?:\w+:)?c[\s>/]")
_FORMULA_TAG: Final = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _scan_sheet(part: IO[bytes], name: str, limits: XlsxLimits, cells: list[int]) -> bool:
    """Count a sheet's rows and cells in its XML (fast, before any parsing); return True if
    it has formulas. ``cells`` is a one-item counter shared by the workbook's sheets."""
    rows, width, formulas, carry = 0, 0, False, b""
    while chunk := part.read(1 << 20):
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag never spans the cut: the rest waits for more bytes
        done, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
        first, *others = _ROW_TAG.split(done)  # ``first`` continues the current row
        rows += len(others)
        for k, segment in enumerate([first, *others]):
            found = len(_CELL_TAG.findall(segment))
            width = width + found if k == 0 else found
            cells[0] += found
            if width > limits.columns:
                raise _too_big(name, f"row {rows} has more than {limits.columns:,} "
                                     "columns (the limit)")
        formulas = formulas or _FORMULA_TAG.search(done) is not None
        if rows > limits.rows:
            raise _too_big(name, f"a sheet has more than {limits.rows:,} rows (the limit "
                                 "for XLSX)")
        if cells[0] > limits.cells:
            raise _too_big(name, f"the workbook has more than {limits.cells:,} cells")
    return formulas or _FORMULA_TAG.search(carry) is not None


def _is_sheet(part: str) -> bool:
    return part.startswith("xl/worksheets/") and part.endswith(".xml")


def _scan_workbook(archive: zipfile.ZipFile, name: str, limits: XlsxLimits) -> bool:
    """Refuse a workbook that expands beyond the limits; return True if it has formulas.

    Declared sizes are binding (zipfile stops reading a part at its size), so their sum
    bounds what the reader can be made to decompress.
    """
    total = sum(info.file_size for info in archive.infolist())
    if total > limits.expanded_bytes:
        raise _too_big(name, f"the workbook expands to {total / 2**20:,.0f} MB, more than "
                             f"the limit of {limits.expanded_bytes / 2**20:,.0f} MB")
    held = sum(info.file_size for info in archive.infolist() if not _is_sheet(info.filename))
    if held > limits.held_bytes:
        raise _too_big(name, f"the workbook's shared strings and styles expand to "
                             f"{held / 2**20:,.0f} MB, more than the limit of "
                             f"{limits.held_bytes / 2**20:,.0f} MB")
    formulas, cells = False, [0]
    for info in archive.infolist():
        if _is_sheet(info.filename):
            with archive.open(info) as part:
                formulas = _scan_sheet(part, name, limits, cells) or formulas
    return formulas


def _sheet_records(values: Iterator[tuple], formulas: Iterator[tuple] | None, name: str,
                   limits: XlsxLimits, cells: list[int]) -> _Table:
    """Stream one sheet's rows into text, stopping at the first limit exceeded.

    ``formulas`` (the same sheet read without cached values) runs in step with ``values``:
    a cell empty in ``values`` and a formula in ``formulas`` is a formula saved without its
    value. ``cells`` is a one-item counter shared by the workbook's sheets.
    """
    table = _Table([])
    empty: list[str] = []  # blank rows share one list: a million of them cost nothing
    for i, row in enumerate(values):
        if i >= limits.rows:
            raise _too_big(name, f"a sheet has more than {limits.rows:,} rows (the limit "
                                 "for XLSX)")
        if len(row) > limits.columns:
            raise _too_big(name, f"row {i + 1} has {len(row):,} columns, more than the "
                                 f"limit of {limits.columns:,}")
        text = [_cell_text(v) for v in row]
        filled = sum(1 for v in text if v)
        cells[0] += len(row)
        if cells[0] > limits.cells:
            raise _too_big(name, f"the workbook has more than {limits.cells:,} filled cells")
        formula_row = next(formulas, ()) if formulas is not None else ()
        for j, f in enumerate(formula_row):
            f = getattr(f, "text", f)  # ArrayFormula
            if isinstance(f, str) and f.startswith("=") and (j >= len(row) or row[j] is None):
                table.formulas[(i, j)] = f
        table.records.append(text if filled else empty)
    return table


def _open_book(data: bytes, data_only: bool) -> openpyxl.Workbook:
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)


def _xlsx_records(data: bytes, name: str) -> _Table:
    limits = XLSX_LIMITS
    books = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                has_formulas = _scan_workbook(archive, name, limits)
            books.append(_open_book(data, data_only=True))
            if has_formulas:
                books.append(_open_book(data, data_only=False))
            cells = [0]
            first: _Table | None = None
            for k, ws in enumerate(books[0].worksheets):
                formulas = (books[1].worksheets[k].iter_rows(values_only=True)
                            if has_formulas else None)
                table = _sheet_records(ws.iter_rows(values_only=True), formulas, name,
                                       limits, cells)
                if _header_candidate(table.records) is not None:
                    return table  # the first sheet with a recognisable header
                first = first or table
            return first or _Table([])
    except RegistryError:
        raise
    except Exception as exc:  # openpyxl/zipfile raise many types for a damaged file
        raise RegistryError(
            f"{name}: not a readable XLSX workbook ({type(exc).__name__}); open it in Excel "
            "and save it again as .xlsx or as CSV UTF-8"
        ) from None
    finally:
        for book in books:
            book.close()


def _records(data: bytes, name: str) -> _Table:
    if not data or data.isspace():  # not data.strip(): no copy of a 100 MB file
        raise RegistryError(f"{name}: the file is empty; export the registry again")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegistryError(f"{name}: old Excel .xls format; save it as .xlsx or CSV UTF-8")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_records(data, name)
    return _csv_records(data, name)


# --------------------------------------------------------------------------- header
_LOCATION_COLUMNS: Final = frozenset({"lon", "lat", "city", "district"})


def _header_candidate(records: list[list[str]]) -> int | None:
    for i, rec in enumerate(records[:_HEADER_SCAN]):
        found = {canonical_header(c) for c in rec}
        if "name_zh" in found and found & _LOCATION_COLUMNS:
            return i
    return None


def _missing_columns_message(records: list[list[str]], name: str) -> str:
    first = next((r for r in records if "".join(r).strip()), [])
    found = {canonical_header(c) for c in first}
    shown = ", ".join(c.strip() for c in first[:12] if c.strip())
    need = []
    if "name_zh" not in found:
        need.append("企业名称 (name_zh)")
    if not found & _LOCATION_COLUMNS:
        need.append("经度+纬度 (lon+lat) or 所在城市 (city)")
    if not found - {None}:
        return (f"{name}: no recognisable header (first row: {shown[:200]!r}); the table needs "
                "at least 企业名称 (name_zh) and 经度+纬度 (lon+lat) or 所在城市 (city)")
    return (f"{name}: required column(s) missing: {'; '.join(need)}; found {shown[:200]!r}. "
            "Add the column(s) or rename the header(s)")


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
        message = (f"column {label[have]!r} ({have}) has no partner {CHINESE_HEADERS[lack]} "
                   f"({lack})")
        if not {"city", "district"} & set(index):
            raise RegistryError(f"{name}: {message}; add it, or a 所在城市 (city) column")
        problems.append(Problem.of(pos + 1, label[have], msg(
            "header_unpaired", label=label.pop(have), have=have, partner=CHINESE_HEADERS[lack],
            lack=lack)))
        del index[have]
    scale = _revenue_scale(label["revenue_10k_cny"]) if "revenue_10k_cny" in index else 1.0
    return _Header(pos + 1, index, label, scale, ignored, problems)


# --------------------------------------------------------------------------- validation
class _Rows:
    """The data rows as string columns plus their spreadsheet row numbers and problems."""

    def __init__(self, header: _Header, cols: dict[str, pd.Series], rownum: NDArray[np.int64],
                 problems: list[Problem], total: int):
        self.header = header
        self.total = total  # data rows in the file, including those left out while splitting
        self.cols = cols
        self.rownum = rownum
        self.problems = problems
        self.keep = np.ones(len(rownum), dtype=bool)
        self.text: dict[str, pd.Series] = {}
        #: column -> (its Series as read, the same cells as Arrow strings): fast path only
        self.arrow: dict[str, tuple[pd.Series, pa.ChunkedArray]] = {}
        self.arrow_text: dict[str, pa.ChunkedArray] = {}  # stripped, where _text had the Arrow
        self.coords_ignored = 0  # kept rows placed by area although coordinates were given

    def label(self, column: str) -> str:
        return self.header.label.get(column, column)

    def report(self, mask: NDArray[np.bool_], column: str,
               message: Callable[[int], Msg] | Msg) -> None:
        """Record a problem for each row in ``mask``; ``message`` may depend on the index."""
        for i in np.flatnonzero(mask):
            text = message(int(i)) if callable(message) else message
            self.problems.append(Problem.of(int(self.rownum[i]), self.label(column), text))


def _is_blank(rec: list[str]) -> bool:
    return not any(rec) or (not rec[0].strip() and not "".join(rec).strip())


def _formula_problems(table: _Table, header: _Header) -> list[Problem]:
    """Imported cells holding a formula saved without its value (they read as blank)."""
    column = {j: header.label[c] for c, j in header.index.items()}
    return [Problem.of(i + 1, column[j], msg("formula_unsaved", formula=formula[:60]))
        for (i, j), formula in sorted(table.formulas.items())
        if i >= header.row and j in column]


def _split_rows(records: list[list[str]], header: _Header,
                cell_problems: Sequence[Problem] = ()) -> _Rows:
    """Data rows below the header, padded to its width; rows with extra values reported."""
    width = len(records[header.row - 1])
    start = header.row  # index of the first record below the header
    body = [i for i in range(start, len(records)) if any(records[i])]
    if any(not records[i][0].strip() for i in body):  # rows of blanks only: skip them too
        body = [i for i in body if not _is_blank(records[i])]
    problems = [*header.problems, *cell_problems]
    long_rows = set()
    for i in (i for i in body if len(records[i]) != width):  # the slow path: few rows
        rec = records[i]
        if len(rec) < width:
            records[i] = rec + [""] * (width - len(rec))
        elif "".join(rec[width:]).strip():
            long_rows.add(i)
            problems.append(Problem.of(i + 1, "", msg("row_too_long", fields=len(rec),
                                                      width=width)))
        else:
            records[i] = rec[:width]  # trailing empty fields only
    kept = [i for i in body if i not in long_rows] if long_rows else body
    columns = list(zip(*(records[i] for i in kept), strict=True)) if kept else [()] * width
    cols = {c: pd.Series(columns[j], dtype=object) for c, j in header.index.items()}
    rownum = np.array(kept, dtype=np.int64) + 1
    return _Rows(header, cols, rownum, problems, len(body))


def _split_columns(columns: list[pa.ChunkedArray], header: _Header,
                   cell_problems: Sequence[Problem] = ()) -> _Rows:
    """:func:`_split_rows` for a rectangular CSV read column-wise: the same rows kept (not
    blank: some cell holds more than whitespace) with the same row numbers."""
    start = header.row

    def empty(col: pa.ChunkedArray) -> NDArray[np.bool_]:
        return pc.equal(pc.utf8_trim(col, characters=_WHITESPACE), "").to_numpy(
            zero_copy_only=False)

    # a blank row has a blank first cell: only those rows are checked further
    blank = empty(columns[0].slice(start))
    maybe = np.flatnonzero(blank)
    if maybe.size:
        at = pa.array(maybe, type=pa.int64())
        for col in columns[1:]:
            blank[maybe] &= empty(col.slice(start).take(at))
    kept = np.flatnonzero(~blank)
    arrays = {}
    for c, j in header.index.items():
        body = columns[j].slice(start)
        if len(kept) < len(body):
            body = body.take(pa.array(kept, type=pa.int64()))
        arrays[c] = body
    # Arrow-backed: the checks run as Arrow kernels, a cell becomes a Python string only
    # where a message quotes it (or when the frame is built)
    cols = {c: pd.Series(pd.arrays.ArrowExtensionArray(a), copy=False)
            for c, a in arrays.items()}
    rownum = kept.astype(np.int64) + start + 1
    rows = _Rows(header, cols, rownum, [*header.problems, *cell_problems], len(rownum))
    rows.arrow = {c: (cols[c], a) for c, a in arrays.items()}
    return rows


def _arrow_of(rows: _Rows, column: str) -> pa.ChunkedArray | None:
    """The column's cells as Arrow strings while they are as read (else ``None``)."""
    found = rows.arrow.get(column)
    if found is None or found[0] is not rows.cols.get(column):
        return None
    return found[1]


def _text(rows: _Rows, column: str) -> pd.Series:
    """The column's values stripped ("" where the column is absent); computed once."""
    if column not in rows.text:
        arrow = _arrow_of(rows, column)
        if arrow is not None:  # strip in C++; cells already stripped are not copied
            stripped = pc.utf8_trim(arrow, characters=_WHITESPACE)
            rows.arrow_text[column] = stripped
            rows.text[column] = rows.cols[column] if stripped.equals(arrow) else pd.Series(
                pd.arrays.ArrowExtensionArray(stripped), copy=False)
        elif column in rows.cols:
            rows.text[column] = pd.Series([v.strip() for v in rows.cols[column]], dtype=object)
        else:
            rows.text[column] = _blank(len(rows.rownum))
    return rows.text[column]


def _blank(n: int) -> pd.Series:
    """``n`` empty strings (an absent column), Arrow-backed: made and compared for free."""
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int32))
    return pd.Series(pd.arrays.ArrowExtensionArray(
        pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(b"")])))


def _objects(values: pd.Series | NDArray[Any]) -> NDArray[np.object_]:
    """The cells as a NumPy array of Python strings (a frame's text column).

    An Arrow column of few distinct values (judged on its first cells) makes one string
    per value, shared by its cells: a million cells of 21 city names are 21 strings.
    """
    if not (isinstance(values, pd.Series) and isinstance(values.dtype, pd.ArrowDtype)):
        return np.asarray(values, dtype=object)
    arrow = pa.chunked_array(pa.array(values.array))
    if not pc.max(pc.binary_length(arrow)).as_py():
        return np.full(len(values), "", dtype=object)  # all blank (an absent column)
    if pc.count_distinct(arrow.slice(0, 4096)).as_py() * 4 > min(len(arrow), 4096):
        return np.asarray(values, dtype=object)  # mostly distinct (names, ids)
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=object)[codes]


def _per_value(values: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply ``func`` once per distinct value (registries repeat a handful of values)."""
    codes, uniques = pd.factorize(values)
    mapped = [func(v) for v in uniques]
    if isinstance(values.dtype, pd.ArrowDtype) and mapped:  # stays Arrow, taken in C++
        return pd.Series(pd.arrays.ArrowExtensionArray(pa.array(mapped).take(codes)),
                         index=values.index, copy=False)
    out = np.empty(len(uniques), dtype=object)
    out[:] = mapped
    return pd.Series(out[codes], index=values.index, dtype=object)


_GROUPED: Final = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _clean_number(text: str) -> str:
    """Full-width digits, thousands separators and inner spaces removed: "１,２００" → "1200".

    A comma is a thousands separator only in groups of three ("12,345.6"); "1,5" or
    "12,3456" may be decimal commas: they come back unchanged (so unparsable, reported).
    """
    cleaned = re.sub(r"\s", "", unicodedata.normalize("NFKC", text))
    if "," in cleaned and _GROUPED.fullmatch(cleaned):
        return cleaned.replace(",", "")
    return cleaned


def _not_a_number(raw: str, expected: Msg, then: Msg) -> Msg:
    """Why a cell is not a number, what to write instead, and what was done."""
    text = unicodedata.normalize("NFKC", raw)
    ambiguous = re.fullmatch(r"[+-]?[\d.,\s]*\d,\d[\d.,\s]*", text)
    return msg("ambiguous_comma" if ambiguous else "not_a_number", raw=raw, expected=expected,
               then=then)


def _numbers(rows: _Rows, column: str) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Parse a numeric column; return (values with NaN, mask of non-blank unparsable)."""
    if column not in rows.cols:  # an absent column: all blank
        return np.full(len(rows.rownum), np.nan), np.zeros(len(rows.rownum), dtype=bool)
    raw = _text(rows, column)
    values = None
    arrow = rows.arrow_text.get(column)
    if arrow is not None:  # every cell blank or a plain number: parsed in C++
        blank = pc.equal(arrow, "").to_numpy(zero_copy_only=False)
        try:
            values = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), arrow),
                             pa.float64()).to_numpy(zero_copy_only=False).copy()
        except pa.ArrowInvalid:
            values = None
        if values is not None and np.signbit(values[values == 0]).any():
            values = None  # "-0": pandas reads an integer 0, Arrow -0.0
    else:
        blank = (raw == "").to_numpy()
    if values is None:
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, copy=True)
    retry = np.flatnonzero(~blank & ~np.isfinite(values))
    if retry.size:  # the slow path only for the few cells that need cleaning
        cleaned = raw.iloc[retry].map(_clean_number)
        values[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float)
    bad = ~blank & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, bad


def _strip_invisible(rows: _Rows, column: str, values: pd.Series) -> pd.Series:
    joined = "".join(values.tolist())
    # the common case, two C scans: every _INVISIBLE character is non-printable
    if joined.isprintable() or not _INVISIBLE.search(joined):
        return values
    found = [_INVISIBLE.findall(v) for v in values]
    rows.report(np.array([bool(f) for f in found]), column, lambda i: msg(
        "invisible_removed", n=len(found[i]),
        codes=", ".join(sorted({f"U+{ord(c):04X}" for c in found[i]}))))
    return pd.Series([_INVISIBLE.sub("", v) for v in values], dtype=object)


def _cap_length(rows: _Rows, column: str, values: pd.Series) -> pd.Series:
    cap = MAX_CHARS.get(column, MAX_CHARS_OTHER)
    cells = values.tolist()
    if max(map(len, cells), default=0) <= cap:  # the common case, at C speed
        return values
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    over = lengths > cap
    required = column == "name_zh"
    rows.report(over, column, lambda i: msg("too_long_row" if required else "too_long_field",
                                            n=int(lengths[i]), cap=cap))
    if required:
        rows.keep &= ~over
        return values
    return values.where(~over, "")


def _within_cap(arrow: pa.ChunkedArray, column: str) -> bool:
    """No cell longer than the column's cap (characters; bytes first: they are counted
    for free and a character is at least a byte)."""
    cap = MAX_CHARS.get(column, MAX_CHARS_OTHER)
    return ((pc.max(pc.binary_length(arrow)).as_py() or 0) <= cap
            or (pc.max(pc.utf8_length(arrow)).as_py() or 0) <= cap)


def _check_cells(rows: _Rows) -> None:
    """Every imported cell: invisible characters removed, over-long values blanked (or the
    row left out for a name), each reported. Runs before any other check reads a cell."""
    for column, values in list(rows.cols.items()):
        arrow = _arrow_of(rows, column)
        if arrow is not None and not pc.any(pc.match_substring_regex(
                arrow, _INVISIBLE_RE2)).as_py() and _within_cap(arrow, column):
            continue  # the common case, checked in C++
        rows.cols[column] = _cap_length(rows, column, _strip_invisible(rows, column, values))


def _check_names(rows: _Rows) -> pd.Series:
    names = rows.cols["name_zh"]
    blank = (_text(rows, "name_zh") == "").to_numpy()
    rows.report(blank, "name_zh", msg("name_empty"))
    rows.keep &= ~blank
    return names


def _check_numbers(rows: _Rows) -> dict[str, NDArray[np.float64]]:
    out = {}
    this_year = date.today().year
    rules = {
        "revenue_10k_cny": (0, MAX_REVENUE_10K_CNY, False, msg("expect_revenue")),
        "employees": (0, MAX_EMPLOYEES, True, msg("expect_employees", high=MAX_EMPLOYEES)),
        "revenue_year": (1949, this_year + 1, True, msg("expect_year", high=this_year + 1)),
    }
    for column, (low, high, whole, expected) in rules.items():
        values, bad = _numbers(rows, column)
        raw = _text(rows, column)
        def not_a_number(i: int, r: pd.Series = raw, e: Msg = expected) -> Msg:
            return _not_a_number(str(r.iat[i]), e, msg("then_blank"))

        rows.report(bad, column, not_a_number)
        if column == "revenue_10k_cny":
            values = values * rows.header.revenue_scale
        out_of_range = np.isfinite(values) & (
            (values < low) | (values > high) | (whole & (values % 1 != 0)))
        def out_of_range_message(i: int, r: pd.Series = raw, e: Msg = expected) -> Msg:
            key = "negative" if str(r.iat[i]).startswith("-") else "out_of_range"
            return msg(key, raw=r.iat[i], expected=e)

        rows.report(out_of_range, column, out_of_range_message)
        values[out_of_range] = np.nan
        out[column] = values
    return out


def _check_vocab(rows: _Rows, column: str, vocab: dict[str, str], allowed: str | Msg
                 ) -> pd.Series:
    raw = _text(rows, column)
    coded = _per_value(raw, lambda v: vocab.get(_norm(v), "")).fillna("")
    bad = ((raw != "") & (coded == "")).to_numpy()
    rows.report(bad, column, lambda i: msg("unknown_value", raw=raw.iat[i], allowed=allowed))
    return coded


def _check_tags(rows: _Rows, column: str) -> pd.Series:
    """A multi-valued chain tag column (geo.chain): unknown values are reported and left out."""
    if column not in rows.cols:
        return _blank(len(rows.rownum))
    codes, unknown = parse_tags(_text(rows, column), column)
    for u in unknown:
        rows.problems.append(Problem.of(int(rows.rownum[u.position]), rows.label(column),
                                        u.msg(column)))
    return codes


def _check_sample(rows: _Rows) -> NDArray[np.bool_]:
    key = _per_value(_text(rows, "sample"), _norm)
    truthy = key.isin(_TRUE).to_numpy()
    bad = ~truthy & ~key.isin(_FALSE).to_numpy()
    rows.report(bad, "sample", lambda i: msg("not_true_false", raw=key.iat[i]))
    return truthy


def _first_rows(values: pd.Series, rownum: NDArray[np.int64],
                dup: NDArray[np.bool_]) -> dict[str, int]:
    """Value -> first spreadsheet row holding it, for the duplicated values only."""
    if not dup.any():
        return {}
    wanted = set(values[dup])
    hit = values.isin(wanted).to_numpy()
    return {v: int(r) for v, r in zip(values[hit][::-1], rownum[hit][::-1], strict=True)}


def _check_credit_codes(rows: _Rows) -> pd.Series:
    text = _text(rows, "credit_code").to_numpy(dtype=object)
    filled = np.flatnonzero(text != "")  # only these are cleaned and checked
    cleaned = np.full(len(text), "", dtype=object)
    cleaned[filled] = [v.upper().replace(" ", "").replace("-", "") for v in text[filled]]
    codes = pd.Series(cleaned, dtype=object, copy=False)
    given = np.zeros(len(text), dtype=bool)
    given[filled] = cleaned[filled] != ""
    bad = np.zeros(len(text), dtype=bool)
    bad[given] = ~credit_code_valid(cleaned[given].tolist())
    rows.report(bad, "credit_code", lambda i: msg(
        "uscc_invalid_excel" if re.fullmatch(r"[\d.]+E\+\d+", str(codes.iat[i]))
        else "uscc_invalid", code=codes.iat[i]))
    codes = codes.where(~bad, "")
    valid = np.flatnonzero(given & ~bad)  # the only non-blank codes left
    dup = np.zeros(len(text), dtype=bool)
    dup[valid] = codes.iloc[valid].duplicated(keep="first").to_numpy()
    dup &= rows.keep
    first = _first_rows(codes, rows.rownum, dup)
    rows.report(dup, "credit_code", lambda i: msg("uscc_duplicate",
                                                  first=first[str(codes.iat[i])]))
    rows.keep &= ~dup
    return codes


def _check_ids(rows: _Rows) -> pd.Series:
    ids = _text(rows, "id")
    blank = np.flatnonzero((ids == "").to_numpy())
    if blank.size:
        given = ids.to_numpy(dtype=object).copy()
        given[blank] = [f"row-{r}" for r in rows.rownum[blank]]
        ids = pd.Series(given, dtype=object, copy=False)
    dup = ids.duplicated(keep="first").to_numpy() & rows.keep
    first = _first_rows(ids, rows.rownum, dup)
    rows.report(dup, "id", lambda i: msg("id_duplicate", id=ids.iat[i],
                                         first=first[str(ids.iat[i])]))
    rows.keep &= ~dup
    return ids


def _is_listing(key: str) -> bool:
    """A normalised 上市 cell that names a listing: a stock code (any digit), a yes, or an
    exchange or board."""
    return (any(c.isdigit() for c in key) or key in _LISTED_YES
            or any(word in key for word in _EXCHANGE_WORDS))


def _check_listed(rows: _Rows) -> pd.Series:
    raw = _text(rows, "listed")
    key = _per_value(raw, _norm)
    listing = _per_value(raw, lambda v: _is_listing(_norm(v))).astype(bool)
    unclear = (~key.isin(_NOT_LISTED) & ~listing).to_numpy()
    rows.report(unclear, "listed", lambda i: msg("listed_unclear", raw=raw.iat[i]))
    return raw.where(~key.isin(_NOT_LISTED) & ~unclear, "")


# --------------------------------------------------------------------------- location
@dataclass
class _Place:
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    city: NDArray[np.object_]
    district: NDArray[np.object_]
    precision: NDArray[np.object_]


@dataclass
class _Areas:
    """Stated city/district as adcodes ("" blank or unknown) and the unknown-name masks."""

    city: NDArray[np.object_]
    district: NDArray[np.object_]
    bad_city: NDArray[np.bool_]
    bad_district: NDArray[np.bool_]


def _district_of(city: str, name: str) -> str:
    """District adcode for a district name in a city (adcode, "" if none; "" if unknown)."""
    if not name:
        return ""
    if city in NO_DISTRICT_CITIES:
        return city  # 东莞/中山: towns are not mapped, the city is its own district
    return resolve_district(name, city or None) or ""


def _resolve_areas(rows: _Rows) -> _Areas:
    # each distinct (city, district) pair is resolved once: registries repeat a few hundred
    city_codes, city_names = pd.factorize(_text(rows, "city"))
    dist_codes, dist_names = pd.factorize(_text(rows, "district"))
    width = max(len(dist_names), 1)
    pair_codes, pairs = pd.factorize(city_codes.astype(np.int64) * width + dist_codes)
    stated = [resolve_city(v) or "" if v else "" for v in city_names]
    city, dist = np.empty(len(pairs), dtype=object), np.empty(len(pairs), dtype=object)
    bad_city, bad_dist = np.zeros(len(pairs), dtype=bool), np.zeros(len(pairs), dtype=bool)
    for k, pair in enumerate(pairs.tolist()):
        c, d = divmod(pair, width)
        name = str(dist_names[d])
        dist[k] = _district_of(stated[c], name)
        bad_city[k] = bool(city_names[c]) and not stated[c]
        bad_dist[k] = bool(name) and not dist[k] and not bad_city[k]
        # a district alone names its city when the name is unique in Guangdong
        city[k] = stated[c] or (dist[k][:4] + "00" if dist[k] else "")
    return _Areas(city[pair_codes], dist[pair_codes], bad_city[pair_codes],
                  bad_dist[pair_codes])


@dataclass
class _Coords:
    """Coordinates as read (NaN unusable) and why they are unusable."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    bad_lon: NDArray[np.bool_]
    bad_lat: NDArray[np.bool_]
    half: NDArray[np.bool_]


def _parse_coordinates(rows: _Rows) -> _Coords:
    n = len(rows.rownum)
    if "lon" not in rows.cols or "lat" not in rows.cols:
        no = np.zeros(n, dtype=bool)
        return _Coords(np.full(n, np.nan), np.full(n, np.nan), no, no.copy(), no.copy())
    lon, bad_lon = _numbers(rows, "lon")
    lat, bad_lat = _numbers(rows, "lat")
    half = (np.isfinite(lon) != np.isfinite(lat)) & ~bad_lon & ~bad_lat
    both = np.isfinite(lon) & np.isfinite(lat)
    return _Coords(np.where(both, lon, np.nan), np.where(both, lat, np.nan),
                   bad_lon, bad_lat, half)


@dataclass
class _Points:
    """WGS-84 points located in Guangdong (NaN where not), and what happened on the way."""

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    city: NDArray[np.object_]
    district: NDArray[np.object_]
    swapped: NDArray[np.bool_]
    outside: NDArray[np.bool_]


def _place_points(coords: _Coords, datum: str) -> _Points:
    """Convert to WGS-84 and locate; try swapped lon/lat for points outside Guangdong."""
    lon, lat = coords.lon, coords.lat
    n = len(lon)
    city, dist = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    wlon, wlat = np.full(n, np.nan), np.full(n, np.nan)
    swapped = np.zeros(n, dtype=bool)
    has = np.flatnonzero(np.isfinite(lon))
    first = has[(np.abs(lon[has]) <= 180) & (np.abs(lat[has]) <= 90)]
    if first.size:
        wlon[first], wlat[first] = convert(lon[first], lat[first], datum, "wgs84")
        city[first], dist[first] = locate(wlon[first], wlat[first])
    retry = has[city[has] == ""]
    retry = retry[(np.abs(lat[retry]) <= 180) & (np.abs(lon[retry]) <= 90)]
    if retry.size:
        slon, slat = convert(lat[retry], lon[retry], datum, "wgs84")
        scity, sdist = locate(slon, slat)
        hit = scity != ""
        idx = retry[hit]
        wlon[idx], wlat[idx], city[idx], dist[idx] = slon[hit], slat[hit], scity[hit], sdist[hit]
        swapped[idx] = True
    outside = np.zeros(n, dtype=bool)
    outside[has] = city[has] == ""
    wlon[outside], wlat[outside] = np.nan, np.nan
    return _Points(wlon, wlat, city, dist, swapped, outside)


def _near(lon: NDArray[np.float64], lat: NDArray[np.float64],
          adcodes: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Whether each point lies within ~200 m of the area ``adcodes`` names."""
    geo = _geography()
    geoms = np.array([geo.geom[a] for a in adcodes], dtype=object)
    return shapely.distance(shapely.points(lon, lat), geoms) <= _BORDER_TOLERANCE_DEG


def _reconcile(rows: _Rows, place: _Place, areas: _Areas, located: NDArray[np.bool_]) -> None:
    """Rows with coordinates: the location wins over the stated city/district, but a
    disagreement is reported unless the point is within ~200 m of the stated area (there
    the simplified border is the likely culprit and the stated area is kept)."""
    geo = _geography()
    no_dist = np.isin(areas.city, list(NO_DISTRICT_CITIES))
    differ = located & (areas.city != "") & (place.city != areas.city)
    idx = np.flatnonzero(differ)
    if idx.size:
        near = idx[_near(place.lon[idx], place.lat[idx], areas.city[idx])]
        place.city[near] = areas.city[near]
        place.district[near] = np.where(no_dist[near], areas.city[near], areas.district[near])
        differ[near] = False
    found = place.city.copy()
    rows.report(differ, "city", lambda i: msg(
        "city_mismatch", stated=geo.names[areas.city[i]], lon=place.lon[i], lat=place.lat[i],
        found=geo.names[found[i]]))
    differ = (located & (areas.district != "") & (place.city == areas.city) & ~no_dist
              & (place.district != areas.district))
    idx = np.flatnonzero(differ)
    if idx.size:
        near = idx[_near(place.lon[idx], place.lat[idx], areas.district[idx])]
        place.district[near] = areas.district[near]
        differ[near] = False
    rows.report(differ, "district", lambda i: msg(
        "district_mismatch", stated=geo.names[areas.district[i]],
        found=geo.names.get(place.district[i], msg("no_district"))))


def _fallback(place: _Place, areas: _Areas, todo: NDArray[np.bool_]) -> NDArray[np.object_]:
    """Place rows without coordinates at their district's or city's interior point."""
    level = np.full(len(todo), "", dtype=object)
    own = np.isin(areas.city, list(NO_DISTRICT_CITIES))
    by_dist = todo & (areas.district != "") & ~own
    by_city = todo & ~by_dist & (areas.city != "")
    for mask, codes, name in ((by_dist, areas.district, "district"),
                              (by_city, areas.city, "city")):
        idx = np.flatnonzero(mask)
        if idx.size:
            point = _interior_points(codes[idx])
            xy = np.array([point[c] for c in codes[idx]], dtype=float)
            place.lon[idx], place.lat[idx] = xy[:, 0], xy[:, 1]
            place.precision[idx] = name
            level[idx] = name
    placed = by_dist | by_city
    place.city[placed] = areas.city[placed]
    place.district[by_dist] = areas.district[by_dist]
    place.district[by_city] = np.where(own[by_city], areas.city[by_city], "")
    return level


def _locate_rows(rows: _Rows, datum: str) -> _Place:
    areas = _resolve_areas(rows)
    coords = _parse_coordinates(rows)
    pts = _place_points(coords, datum)
    located = np.isfinite(pts.lon)
    precision = _check_vocab(rows, "coord_precision", _PRECISIONS,
                             msg("allowed_precision")).to_numpy(dtype=object)
    precision = np.where(located & (precision == ""), "exact", precision)
    place = _Place(pts.lon, pts.lat, pts.city, pts.district, precision)
    _reconcile(rows, place, areas, located)
    place.district[located & (precision == "city")] = ""  # a city-level point: district unknown
    fallback = _fallback(place, areas, ~located)
    rows.keep &= located | (fallback != "")
    given = (_text(rows, "lon") != "").to_numpy() | (_text(rows, "lat") != "").to_numpy()
    rows.coords_ignored = int((rows.keep & given & (fallback != "")).sum())
    _report_location(rows, coords, pts, areas, fallback, datum)
    return place


def _report_location(rows: _Rows, coords: _Coords, pts: _Points, areas: _Areas,
                     fallback: NDArray[np.object_], datum: str) -> None:
    geo = _geography()
    located = np.isfinite(pts.lon) & (fallback == "")
    lon_raw, lat_raw = _text(rows, "lon"), _text(rows, "lat")

    def then(i: int) -> Msg:
        if located[i]:
            return msg("then_used")
        if fallback[i]:
            return msg(f"then_{fallback[i]}")
        return msg("then_dropped")

    for col, bad, raw in (("lon", coords.bad_lon, lon_raw), ("lat", coords.bad_lat, lat_raw)):
        def not_degrees(i: int, r: pd.Series = raw) -> Msg:
            return _not_a_number(str(r.iat[i]), msg("expect_degrees"), then(i))

        rows.report(bad, col, not_degrees)
    blank_lat = coords.half & (lat_raw == "").to_numpy()
    rows.report(blank_lat, "lat", lambda i: msg("lat_missing", then=then(i)))
    rows.report(coords.half & ~blank_lat, "lon", lambda i: msg("lon_missing", then=then(i)))
    rows.report(pts.swapped, "lon", lambda i: msg(
        "swapped", lon=lon_raw.iat[i], lat=lat_raw.iat[i], city=geo.names[pts.city[i]]))
    rows.report(pts.outside, "lon", lambda i: msg(
        "outside", lon=lon_raw.iat[i], lat=lat_raw.iat[i], datum=datum, then=then(i),
        negative=msg("negative_suffix") if coords.lon[i] < 0 or coords.lat[i] < 0 else ""))
    city_raw, dist_raw = _text(rows, "city"), _text(rows, "district")
    rows.report(areas.bad_city, "city", lambda i: msg("unknown_city", raw=city_raw.iat[i],
                                                      then=then(i)))

    def unknown_district(i: int) -> Msg:
        elsewhere = resolve_district(str(dist_raw.iat[i]), None)
        scope = msg("district_scope", city=geo.names[areas.city[i]]) if areas.city[i] else ""
        hint = (msg("district_elsewhere", city=geo.names[elsewhere[:4] + '00']) if elsewhere
                else "")
        return msg("unknown_district", raw=dist_raw.iat[i], scope=scope, hint=hint,
                   then=then(i))

    rows.report(areas.bad_district, "district", unknown_district)
    explained = (coords.bad_lon | coords.bad_lat | coords.half | pts.outside
                 | areas.bad_city | areas.bad_district)
    nothing = ~np.isfinite(pts.lon) & (fallback == "") & ~explained
    rows.report(nothing, "city", msg("no_location"))

# --------------------------------------------------------------------------- assembly
def _empty_frame() -> gpd.GeoDataFrame:
    data = {c: pd.Series(dtype=object) for c in FRAME_COLUMNS if c != "geometry"}
    for c in ("lon", "lat", "revenue_10k_cny"):
        data[c] = pd.Series(dtype=float)
    for c in ("revenue_year", "employees"):
        data[c] = pd.Series(dtype="Int64")
    data["sample"] = pd.Series(dtype=bool)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def _check(rows: _Rows, datum: str, progress: Callable[[float], None]
           ) -> Callable[[], gpd.GeoDataFrame]:
    """Check every row (each problem recorded in ``rows``); return what builds the frame
    of the rows kept."""
    _check_cells(rows)
    names = _check_names(rows)
    numbers = _check_numbers(rows)
    sector = _check_vocab(rows, "sector", _SECTORS, msg("allowed_sector"))
    segment = _check_vocab(rows, "segment", _SEGMENTS, ", ".join(
        f"{t.zh}/{c}" for c, t in SEGMENTS.items()))
    sample = _check_sample(rows)
    credit = _check_credit_codes(rows)
    ids = _check_ids(rows)
    progress(0.5)
    place = _locate_rows(rows, datum)
    progress(0.8)
    text = {
        "id": ids, "name_zh": names, "name_en": _raw(rows, "name_en"),
        "city": _text(rows, "city"), "district": _text(rows, "district"),
        "city_adcode": place.city, "district_adcode": place.district,
        "address": _raw(rows, "address"), "coord_precision": place.precision,
        "sector": sector, "segment": segment, "listed": _check_listed(rows),
        "credit_code": credit, "source": _text(rows, "source"), "note": _text(rows, "note"),
        "products": _check_tags(rows, "products"),
        "applications": _check_tags(rows, "applications"),
    }
    keep = rows.keep.copy()
    return lambda: _assemble(keep, text, numbers, sample, place)


def _assemble(keep: NDArray[np.bool_], text: dict[str, Any],
              numbers: dict[str, NDArray[np.float64]], sample: NDArray[np.bool_],
              place: _Place) -> gpd.GeoDataFrame:
    """The frame of the rows kept, from the checked columns."""
    # all rows kept (the common case): a million cells are not copied for nothing
    sel: NDArray[np.bool_] | slice = slice(None) if keep.all() else keep
    # object columns throughout: no per-column inference into pandas' Arrow strings
    columns: dict[str, pd.Series | NDArray[Any] | pd.api.extensions.ExtensionArray] = {
        k: pd.Series(_objects(v)[sel], dtype=object, copy=False)
        for k, v in text.items()}
    revenue = numbers["revenue_10k_cny"][sel]
    lon, lat = place.lon[sel], place.lat[sel]
    columns.update({
        "lon": lon, "lat": lat, "revenue_10k_cny": revenue,
        # whole floats, NaN -> <NA>: pandas converts them; pandas-stubs has no such overload
        "revenue_year": pd.array(  # type: ignore[call-overload]
            numbers["revenue_year"][sel], dtype="Int64"),
        "employees": pd.array(numbers["employees"][sel], dtype="Int64"),  # type: ignore[call-overload]
        "sample": sample[sel],
        "tier": tier_codes(pd.Series(revenue, copy=False)),
    })
    geometry = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
    # built once, in order: no reordering copy of a million rows afterwards
    data = pd.DataFrame({c: columns[c] for c in FRAME_COLUMNS if c != "geometry"},
                        copy=False)
    return gpd.GeoDataFrame(data, geometry=geometry, crs="EPSG:4326", copy=False)


def _raw(rows: _Rows, column: str) -> pd.Series:
    """Values verbatim (names, addresses): no stripping, no escaping."""
    if column not in rows.cols:
        return _blank(len(rows.rownum))
    return rows.cols[column]


def load_registry(source: str | Path | bytes, *, name: str | None = None,
                  datum: str = "wgs84",
                  progress: Callable[[float], None] | None = None) -> RegistryResult:
    """Read and validate an enterprise registry (CSV or XLSX).

    Parameters
    ----------
    source : str, Path, bytes or binary file
        A file path, the file's bytes, or an object with ``read()`` returning bytes (such
        as Streamlit's ``UploadedFile``).
    name : str, optional
        Display name used in messages (default: the file name, or ``"upload"``).
    datum : {"wgs84", "gcj02", "bd09"}
        The datum of the file's coordinates; they are converted to WGS-84.
    progress : callable, optional
        Called with a fraction in [0, 1] as the work advances.

    Returns
    -------
    RegistryResult
        The usable rows as a GeoDataFrame and every problem found.

    Raises
    ------
    RegistryError
        The file is unusable: empty, not a table, no data rows, required columns missing,
        or an XLSX beyond :data:`XLSX_LIMITS` (the message names the limit).
    ValueError
        ``datum`` is not one of wgs84, gcj02, bd09.
    TypeError
        ``source`` is neither a path nor bytes, or ``progress`` is not callable.
    """
    datum = normalize_datum(datum)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")
    report = progress or (lambda _f: None)
    data, label = _read_bytes(source, name)
    report(0.05)
    table = _records(data, label)
    records = table.records
    if not any("".join(r).strip() for r in records):
        raise RegistryError(f"{label}: the file is empty; export the registry again")
    header = _parse_header(records, label)
    formulas = _formula_problems(table, header)
    rows = (_split_rows(records, header, formulas) if table.columns is None
            else _split_columns(table.columns, header, formulas))
    total = rows.total
    if total == 0:
        raise RegistryError(f"{label}: a header (row {header.row}) but no data rows; "
                            "add one firm per row below the header")
    report(0.2)
    frame = _check(rows, datum, report) if len(rows.rownum) else _empty_frame
    problems = sorted(rows.problems, key=lambda p: (p.row, p.column))
    report(1.0)
    used = {header.label[c]: c for c in header.index}
    return RegistryResult(frame, problems, total, label, used, header.ignored,
                          coords_ignored=rows.coords_ignored,
                          valid_rows=int(rows.keep.sum()))


# --------------------------------------------------------------------------- bundled data
def _raise_problems(path: Path, problems: list[Problem]) -> None:
    shown = "; ".join(str(p) for p in problems[:_MAX_PROBLEMS_IN_ERROR])
    more = len(problems) - _MAX_PROBLEMS_IN_ERROR
    tail = f" (and {more} more)" if more > 0 else ""
    raise RegistryError(f"{path}: {len(problems)} problem(s): {shown}{tail}; run "
                        f"`python -m geo validate {path}` and fix the file")


def load_enterprises(path: Path | str = ENTERPRISES_PATH) -> gpd.GeoDataFrame:
    """Load the bundled enterprises (real firms with sources + a seeded sample tail).

    Rows with ``sample`` true are synthetic (``scripts/make_sample.py``); the UI shows a
    示例数据 / sample data badge whenever they are in view.

    Raises
    ------
    RegistryError
        If the file is missing or has any problem (bundled data must be clean).
    """
    result = load_registry(Path(path))
    if result.problems:
        _raise_problems(Path(path), result.problems)
    return result.frame


def _site_problems(df: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    checks = (
        ("kind", df["kind"].isin(list(SITE_KINDS)),
         msg("site_one_of", column="kind", allowed=list(SITE_KINDS))),
        ("status", df["status"].isin(list(SITE_STATUSES)),
         msg("site_one_of", column="status", allowed=list(SITE_STATUSES))),
        ("coord_precision", df["coord_precision"].isin(list(SITE_PRECISIONS)),
         msg("site_one_of", column="coord_precision", allowed=list(SITE_PRECISIONS))),
        ("source", df["source"].str.strip() != "", msg("site_no_source")),
        ("name_zh", df["name_zh"].str.strip() != "", msg("site_no_name")),
        ("id", ~df["id"].duplicated() & (df["id"] != ""), msg("site_bad_id")),
    )
    for column, ok, message in checks:
        problems += [Problem.of(int(i) + 2, column, message)
                     for i in np.flatnonzero(~ok.to_numpy())]
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
    placeless = (df["coord_precision"] == "none").to_numpy()
    city, _ = locate(np.nan_to_num(lon), np.nan_to_num(lat))
    wrong = ((city != df["city_adcode"].to_numpy(dtype=object)) | ~np.isfinite(lon + lat)) \
        & ~placeless
    problems += [Problem.of(int(i) + 2, "lon", msg("site_wrong_place"))
                 for i in np.flatnonzero(wrong)]
    located = placeless & ((df["lon"].str.strip() != "") | (df["lat"].str.strip() != ""))
    problems += [Problem.of(int(i) + 2, "lon", msg("site_placeless"))
                 for i in np.flatnonzero(located)]
    return sorted(problems, key=lambda p: (p.row, p.column))


def read_shipped_csv(path: str | Path, columns: Sequence[str],
                     error: type[ValueError] = RegistryError) -> pd.DataFrame:
    """A data file shipped with the atlas, every cell as text (blank = ``""``).

    Raises ``error`` if the file is missing or lacks one of ``columns``.
    """
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: file not found; restore it from git")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise error(f"{path}: missing columns {missing}; expected {list(columns)}")
    return df


def load_sites(path: Path | str = SITES_PATH) -> gpd.GeoDataFrame:
    """Load the bundled parks, platforms and big-science facilities (EPSG:4326).

    Columns: :data:`SITE_COLUMNS` + geometry. ``kind`` is a :data:`geo.layout.SITE_KINDS`
    code, ``status`` a :data:`geo.layout.SITE_STATUSES` code, ``coord_precision`` one of
    :data:`SITE_PRECISIONS`. A plan item without a place (``none``) has NaN ``lon``/``lat``
    and no geometry: lists show it, maps and metrics skip it.

    Raises
    ------
    RegistryError
        If the file is missing, lacks a column, or any row breaks the schema.
    """
    df = read_shipped_csv(path, SITE_COLUMNS)[list(SITE_COLUMNS)].astype(object)
    problems = _site_problems(df)
    if problems:
        _raise_problems(Path(path), problems)
    for col in ("lon", "lat"):
        df[col] = pd.to_numeric(df[col].replace("", np.nan)).astype(float)
    geometry = gpd.points_from_xy(df["lon"], df["lat"], crs="EPSG:4326")
    # None is a missing geometry for GeometryArray; types-geopandas only allows geometries
    geometry[(df["coord_precision"] == "none").to_numpy()] = None  # type: ignore[assignment]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")


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
    headers = [CHINESE_HEADERS[c] if lang == "zh" else c for c in columns]
    return pd.DataFrame({h: pd.Series(dtype=object) for h in headers})
