"""Firm-year panel (``data/enterprise_years.csv``): reading, validation and growth by area.

The panel is long — one row per firm and year: ``id, year, revenue_10k_cny, employees,
source, sample`` with ``id`` matching the registry (:mod:`geo.registry`). Planners often
keep it wide in Excel, one column per year (``2019年营业收入``, ``2020营收(万元)``,
``2021年从业人员`` …): :func:`load_panel` reads both forms (CSV or XLSX, the registry's
reader and header vocabulary) and reports every problem by row and column as the registry
does; ids that are not in the registry are reported and left out.

:func:`growth` compares two years per city or zone: revenue in both years, change, %
change, compound yearly growth (``cagr``), firms crossing ¥100 m / ¥1 bn, entries and exits.
It is vectorised (index lookups and ``np.bincount``): 100,000 firms × 7 years in well under
a second (``benchmarks/bench_growth.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from geo import registry as reg
from geo.frames import require_columns
from geo.layout import CITY_BY_ADCODE, TIERS, ZONES, tier_codes
from geo.metrics import MetricSpec
from geo.regions import DATA_DIR
from geo.registry import checks, reading, schema
from geo.text import Msg, msg

PANEL_PATH: Final = DATA_DIR / "enterprise_years.csv"
PANEL_COLUMNS: Final = ("id", "year", "revenue_10k_cny", "employees", "source", "sample")
GROWTH_LEVELS: Final = ("city", "zone")
#: Revenue thresholds (万元) whose crossings :func:`growth` counts: ¥100 m and ¥1 bn.
THRESHOLDS: Final = {"crossed_100m": TIERS["t100m"][1], "crossed_1bn": TIERS["t1bn"][1]}
#: Columns of :func:`growth` that a change map can colour, as metric specs.
GROWTH_METRICS: Final[dict[str, MetricSpec]] = {m.code: m for m in (
    MetricSpec("cagr", "cagr", "%/年", 1, 100.0),
    MetricSpec("pct_change", "pct_change", "%", 1, 100.0),
    MetricSpec("change_100m_cny", "change_100m_cny", "亿元", 2),
    MetricSpec("revenue_to_100m_cny", "revenue_to_100m_cny", "亿元", 2),
    MetricSpec("crossed_100m", "crossed_100m", "家", 0),
    MetricSpec("crossed_1bn", "crossed_1bn", "家", 0),
    MetricSpec("entries", "entries", "家", 0),
    MetricSpec("exits", "exits", "家", 0),
)}
_YEAR_RE: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年)?")
_VALUE_COLUMNS: Final = ("revenue_10k_cny", "employees")
_HEADER_SCAN: Final = 20
_NAN_MESSAGE: Final = msg("panel_not_a_number")


@dataclass
class PanelResult:
    """What :func:`load_panel` read.

    Attributes
    ----------
    frame : pandas.DataFrame
        Usable firm-years, :data:`PANEL_COLUMNS` (``year`` int, values float, NaN unknown).
    problems : list of geo.registry.Problem
        Every problem, by row (as a spreadsheet shows it) and column.
    rows : int
        Data rows in the file.
    name : str
        The file's display name.
    form : str
        ``"long"`` or ``"wide"``.
    unmatched_ids : list of str
        Ids not in the registry given to :func:`load_panel` (their rows are left out).
    """

    frame: pd.DataFrame
    problems: list[reg.Problem]
    rows: int
    name: str
    form: str
    unmatched_ids: list[str] = field(default_factory=list)

    @property
    def has_sample(self) -> bool:
        """True when any kept firm-year is sample data."""
        return bool(self.frame["sample"].any()) if len(self.frame) else False

    def to_dict(self) -> dict[str, object]:
        """``{"rows", "valid_rows", "form", "unmatched_ids", "problems"}`` for JSON output."""
        return {"rows": self.rows, "valid_rows": len(self.frame), "form": self.form,
                "unmatched_ids": self.unmatched_ids,
                "problems": [p.to_dict() for p in self.problems]}


@dataclass(frozen=True)
class _Column:
    index: int
    label: str
    canonical: str
    year: int | None = None  # wide columns only
    scale: float = 1.0


def _classify(label: str) -> _Column | None:
    text = str(label)
    m = _YEAR_RE.search(schema._norm(text))
    if m:
        rest = (schema._norm(text)[:m.start()] + schema._norm(text)[m.end():]).strip(" _-")
        canonical = reg.canonical_header(rest) if rest else None
        if canonical in _VALUE_COLUMNS:
            scale = schema._revenue_scale(text) if canonical == "revenue_10k_cny" else 1.0
            return _Column(-1, text, canonical, int(m.group(1)), scale)
        return None
    canonical = reg.canonical_header(text)
    if canonical == "revenue_year":
        canonical = "year"
    if canonical in ("id", "name_zh", "year", *_VALUE_COLUMNS, "source", "sample"):
        scale = schema._revenue_scale(text) if canonical == "revenue_10k_cny" else 1.0
        return _Column(-1, text, canonical, None, scale)
    return None


def _header(records: list[list[str]], name: str) -> tuple[int, list[_Column]]:
    for i, rec in enumerate(records[:_HEADER_SCAN]):
        cols = []
        for j, cell in enumerate(rec):
            c = _classify(cell)
            if c is not None:
                cols.append(_Column(j, c.label, c.canonical, c.year, c.scale))
        kinds = {c.canonical for c in cols if c.year is None}
        wide = any(c.year is not None for c in cols)
        long_ = "year" in kinds and bool(kinds & set(_VALUE_COLUMNS))
        if kinds & {"id", "name_zh"} and (wide or long_):
            if wide and "year" in kinds:
                raise reg.RegistryError(msg("file.panel_two_forms", name=name, row=i + 1))
            return i, cols
    raise reg.RegistryError(msg("file.panel_no_header", name=name))


def _cells(records: list[list[str]], start: int, index: int) -> pd.Series:
    return pd.Series([(r[index] if index < len(r) else "").strip() for r in records[start:]],
                     dtype=object)


def _parse_numbers(text: pd.Series) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    blank = (text == "").to_numpy()
    values = pd.to_numeric(text, errors="coerce").to_numpy(float, copy=True)
    retry = np.flatnonzero(~blank & ~np.isfinite(values))
    if retry.size:  # only the few cells that need cleaning (thousands separators …)
        cleaned = text.iloc[retry].map(checks._clean_number)
        values[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(float)
    bad = ~blank & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, bad


class _Report:
    def __init__(self) -> None:
        self.problems: list[reg.Problem] = []

    def add(self, mask: NDArray[np.bool_], rownum: NDArray[np.int64], column: str,
            message: Msg) -> None:
        self.problems += [reg.Problem.of(int(r), column, message) for r in rownum[mask]]


def _long_rows(records: list[list[str]], start: int, cols: list[_Column],
               report: _Report) -> pd.DataFrame:
    """The data rows as long records with their spreadsheet row numbers."""
    n = len(records) - start
    rownum = np.arange(start + 1, start + 1 + n)
    text = {c.canonical: _cells(records, start, c.index) for c in cols if c.year is None}
    blank_row = np.array([not "".join(r).strip() for r in records[start:]], dtype=bool)
    base = pd.DataFrame({
        "row": rownum,
        "id": text.get("id", pd.Series([""] * n, dtype=object)),
        "name_zh": text.get("name_zh", pd.Series([""] * n, dtype=object)),
        "source": text.get("source", pd.Series([""] * n, dtype=object)),
        "sample": text.get("sample", pd.Series([""] * n, dtype=object)),
    })[~blank_row]
    wide = [c for c in cols if c.year is not None]
    if not wide:
        out = base.assign(year=text["year"][~blank_row].to_numpy())
        labels = {c.canonical: c for c in cols if c.year is None}
        for vc in _VALUE_COLUMNS:
            if vc in labels:
                vals, bad = _parse_numbers(text[vc][~blank_row].reset_index(drop=True))
                report.add(bad, out["row"].to_numpy(), labels[vc].label,
                           _NAN_MESSAGE)
                out[vc] = vals * labels[vc].scale
            else:
                out[vc] = np.nan
        return out.reset_index(drop=True)
    parts = []
    for year in sorted({c.year for c in wide if c.year is not None}):
        part = base.assign(year=str(year))
        keep = np.zeros(len(base), dtype=bool)
        for vc in _VALUE_COLUMNS:
            c = next((c for c in wide if c.year == year and c.canonical == vc), None)
            if c is None:
                part[vc] = np.nan
                continue
            vals, bad = _parse_numbers(_cells(records, start, c.index)[~blank_row]
                                       .reset_index(drop=True))
            report.add(bad, base["row"].to_numpy(), c.label, _NAN_MESSAGE)
            part[vc] = vals * c.scale
            keep |= np.isfinite(vals)
        parts.append(part[keep])  # a blank cell is "no value that year", not a row
    return pd.concat(parts, ignore_index=True) if parts else base.iloc[:0].assign(
        year="", revenue_10k_cny=np.nan, employees=np.nan)


def load_panel(source: str | Path | bytes, *, name: str | None = None,
               registry: pd.DataFrame | None = None) -> PanelResult:
    """Read and validate a firm-year panel (long or wide; CSV or XLSX).

    Parameters
    ----------
    source : str, Path, bytes or binary file
        As for :func:`geo.registry.load_registry`.
    name : str, optional
        Display name in messages.
    registry : pandas.DataFrame, optional
        The registry (``id``, ``name_zh``): ids not in it are reported and left out; rows
        without an id take the id of the registry firm with the same name.

    Raises
    ------
    geo.registry.RegistryError
        The file is unusable: empty, not a table, no recognisable header.
    """
    data, label = reading._read_bytes(source, name)
    table = reading._records(data, label) if data and not data.isspace() else None
    records = [] if table is None else table.records
    if not any("".join(r).strip() for r in records):
        raise reg.RegistryError(msg("file.panel_empty", name=label))
    head, cols = _header(records, label)
    report = _Report()
    rows = _long_rows(records, head + 1, cols, report)
    total = int(sum(1 for r in records[head + 1:] if "".join(r).strip()))
    if total == 0:
        raise reg.RegistryError(msg("file.panel_no_rows", name=label, row=head + 1))
    form = "wide" if any(c.year is not None for c in cols) else "long"
    label_of = {c.index: c.label for c in cols}
    for (r, c), formula in getattr(table, "formulas", {}).items():
        if r > head and c in label_of:
            report.problems.append(reg.Problem.of(r + 1, label_of[c],
                                                  msg("panel_formula", formula=formula)))
    frame, unmatched = _validate(rows, report, registry)
    problems = sorted(set(report.problems), key=lambda p: (p.row, p.column, p.message))
    return PanelResult(frame, problems, total, label, form, unmatched)


def _validate(rows: pd.DataFrame, report: _Report,
              registry: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str]]:
    rownum = rows["row"].to_numpy()
    ids = rows["id"].astype(str).str.strip()
    if registry is not None and "name_zh" in registry.columns:
        by_name = dict(zip(registry["name_zh"].astype(str), registry["id"].astype(str),
                           strict=True))
        fill = (ids == "") & rows["name_zh"].isin(by_name)
        ids = ids.where(~fill, rows["name_zh"].map(by_name))
    keep = (ids != "").to_numpy(copy=True)
    report.add(~keep, rownum, "id", msg("panel_no_id"))
    year = pd.to_numeric(rows["year"].astype(str).map(checks._clean_number), errors="coerce")
    ok_year = (year.notna() & (year == year.round()) & year.between(1990, 2100)).to_numpy()
    report.add(keep & ~ok_year, rownum, "year",
               msg("panel_bad_year"))
    keep &= ok_year
    values = {}
    for vc in _VALUE_COLUMNS:
        v = rows[vc].to_numpy(dtype=float, copy=True)
        neg = keep & (v < 0)
        report.add(neg, rownum, vc, msg("panel_negative"))
        v[neg] = np.nan
        values[vc] = v
    empty = keep & ~np.isfinite(values["revenue_10k_cny"]) & ~np.isfinite(values["employees"])
    report.add(empty, rownum, "revenue_10k_cny",
               msg("panel_empty"))
    keep &= ~empty
    key = pd.Series(ids.to_numpy() + "|" + year.fillna(0).astype(int).astype(str).to_numpy())
    dup = key.duplicated().to_numpy() & keep
    report.add(dup, rownum, "year", msg("panel_duplicate"))
    keep &= ~dup
    unmatched: list[str] = []
    if registry is not None:
        known = ids.isin(set(registry["id"].astype(str))).to_numpy()
        miss = keep & ~known
        unmatched = sorted(set(ids[miss]))
        report.add(miss, rownum, "id", msg("panel_unknown_id"))
        keep &= known
    sample_key = rows["sample"].astype(str).map(schema._norm)
    truthy = sample_key.isin(schema._TRUE).to_numpy()
    bad = keep & ~truthy & ~sample_key.isin(schema._FALSE).to_numpy()
    report.add(bad, rownum, "sample", msg("panel_not_true_false"))
    frame = pd.DataFrame({
        "id": ids.to_numpy()[keep], "year": year.to_numpy()[keep].astype(int),
        "revenue_10k_cny": values["revenue_10k_cny"][keep],
        "employees": values["employees"][keep],
        "source": rows["source"].to_numpy()[keep].astype(str), "sample": truthy[keep],
    })
    return frame.sort_values(["id", "year"], kind="stable").reset_index(drop=True), unmatched


def load_enterprise_years(path: Path | str = PANEL_PATH,
                          registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The bundled panel; raises :class:`geo.registry.RegistryError` on any problem."""
    result = load_panel(Path(path), registry=registry)
    if result.problems:
        shown = "; ".join(str(p) for p in result.problems[:5])
        raise reg.RegistryError(f"{path}: {len(result.problems)} problem(s): {shown}; run "
                                f"`python -m geo growth --years {path} …` and fix the file")
    return result.frame


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A panel frame as the long CSV :func:`load_panel` reads back to the same frame.

    What the store publishes with a registry version: the validated firm-years only
    (rows :func:`load_panel` left out are not in it), ``sample`` as ``1``/``0``.
    """
    out = frame[list(PANEL_COLUMNS)].copy()
    out["sample"] = out["sample"].astype(bool).astype(int)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


# --------------------------------------------------------------------------- use
def firm_years(panel: pd.DataFrame | None, enterprises: pd.DataFrame | None) -> pd.DataFrame:
    """Every known firm-year: the panel, plus each registry firm's own ``revenue_year``.

    The panel wins where both give the same firm and year. Returns ``id, year,
    revenue_10k_cny, sample``.
    """
    parts = []
    if panel is not None and len(panel):
        parts.append(panel[["id", "year", "revenue_10k_cny", "sample"]])
    if enterprises is not None and len(enterprises):
        year = pd.to_numeric(enterprises["revenue_year"], errors="coerce")
        rev = pd.to_numeric(enterprises["revenue_10k_cny"], errors="coerce")
        ok = (year.notna() & rev.notna()).to_numpy()
        parts.append(pd.DataFrame({"id": enterprises["id"].astype(str).to_numpy()[ok],
                                   "year": year.to_numpy()[ok].astype(int),
                                   "revenue_10k_cny": rev.to_numpy()[ok],
                                   "sample": enterprises["sample"].to_numpy(bool)[ok]}))
    if not parts:
        return pd.DataFrame(columns=["id", "year", "revenue_10k_cny", "sample"])
    out = pd.concat(parts, ignore_index=True)
    return out.drop_duplicates(["id", "year"], keep="first").reset_index(drop=True)


Frame = TypeVar("Frame", bound=pd.DataFrame)  # a DataFrame or a GeoDataFrame, kept


def frame_for_year(enterprises: Frame, panel: pd.DataFrame, year: int) -> Frame:
    """The registry with each firm's revenue and employees of ``year`` from the panel.

    Firms without a panel row for ``year`` get no revenue (NaN, "unknown"), never their
    registry figure of another year; ``revenue_year`` becomes ``year``; ``tier`` follows;
    ``sample`` is true where the registry row or the firm-year is sample data.
    """
    require_columns(panel, ["id", "year", "revenue_10k_cny", "sample"], "panel")
    require_columns(enterprises, ["id", "sample"], "enterprises")
    rows = panel[panel["year"] == year].drop_duplicates("id").set_index("id")
    ids = enterprises["id"].astype(str)
    out = enterprises.copy()
    out["revenue_10k_cny"] = ids.map(rows["revenue_10k_cny"]).to_numpy(dtype=float)
    if "employees" in out.columns:
        out["employees"] = ids.map(rows["employees"]).to_numpy(dtype=float)
    out["revenue_year"] = np.where(np.isfinite(out["revenue_10k_cny"].to_numpy(float)),
                                   year, np.nan)
    out["sample"] = (out["sample"].to_numpy(bool)
                     | ids.map(rows["sample"]).fillna(False).to_numpy(bool))
    if "tier" in out.columns:
        out["tier"] = tier_codes(out["revenue_10k_cny"])
    return out


def _areas(level: str) -> pd.DataFrame:
    if level == "city":
        return pd.DataFrame([{"adcode": c.adcode, "name_zh": c.name_zh, "name_en": c.name_en,
                              "zone": c.zone} for c in CITY_BY_ADCODE.values()])
    return pd.DataFrame([{"zone": code, "name_zh": t.zh, "name_en": t.en}
                         for code, t in ZONES.items()])


def growth(panel: pd.DataFrame, enterprises: pd.DataFrame, year_from: int, year_to: int,
           level: str = "city") -> pd.DataFrame:
    """Change between two years per city or zone.

    Parameters
    ----------
    panel : pandas.DataFrame
        ``id, year, revenue_10k_cny`` (``sample`` optional).
    enterprises : pandas.DataFrame
        The registry: ``id`` and ``city_adcode`` place each firm.
    year_from, year_to : int
        ``year_from < year_to``.
    level : {"city", "zone"}

    Returns
    -------
    pandas.DataFrame
        One row per area (all 21 cities or 4 zones): identity columns, ``year_from``,
        ``year_to``, ``firms_from`` / ``firms_to`` (firms with a revenue that year),
        ``revenue_from_100m_cny`` / ``revenue_to_100m_cny`` (亿元; NaN when no firm
        reported), ``change_100m_cny``, ``pct_change`` (fraction), ``cagr`` (fraction per
        year; NaN without a positive start), ``crossed_100m`` / ``crossed_1bn`` (firms
        below the threshold in ``year_from`` and at or above it in ``year_to``), ``entries``
        (revenue in ``year_to`` only), ``exits`` (``year_from`` only), ``sample_rows``
        (sample firm-years among those used). Firms not in the registry or without a city
        are not counted (see :func:`coverage`).
    """
    if level not in GROWTH_LEVELS:
        raise ValueError(f"level must be one of {list(GROWTH_LEVELS)}, got {level!r}")
    for name, val in (("year_from", year_from), ("year_to", year_to)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer):
            raise TypeError(f"{name} must be an int, got {val!r}")
    if not year_from < year_to:
        raise ValueError(f"year_from ({year_from}) must be before year_to ({year_to})")
    require_columns(panel, ["id", "year", "revenue_10k_cny"], "panel")
    require_columns(enterprises, ["id", "city_adcode"], "enterprises")
    areas = _areas(level)
    key = "adcode" if level == "city" else "zone"
    city_codes, cities = pd.factorize(enterprises["city_adcode"].astype(str))
    if level == "zone":
        cities = pd.Index(cities).map({c.adcode: c.zone for c in CITY_BY_ADCODE.values()})
    area_of_city = np.append(pd.Index(areas[key]).get_indexer(cities), -1)
    firm_area = area_of_city[city_codes]  # factorize gives -1 for missing: maps to -1
    n_firms, n_areas = len(enterprises), len(areas)
    years = panel["year"].to_numpy()
    rev_all = panel["revenue_10k_cny"].to_numpy(dtype=float, na_value=np.nan)
    sel = ((years == year_from) | (years == year_to)) & np.isfinite(rev_all)
    rows = panel.loc[sel, ["id", "year"]]
    fi = pd.Index(enterprises["id"].astype(str)).get_indexer(rows["id"])
    ok = fi >= 0
    yrs, vals = years[sel][ok], rev_all[sel][ok]
    fi = fi[ok]
    sample_sel = (panel["sample"].to_numpy(bool)[sel][ok] if "sample" in panel.columns
                  else np.zeros(len(fi), bool))
    rev = {}
    for y in (year_from, year_to):
        r = np.full(n_firms, np.nan)
        r[fi[yrs == y]] = vals[yrs == y]
        rev[y] = r
    placed_rows = firm_area[fi] >= 0
    sample_rows = np.bincount(firm_area[fi][placed_rows], weights=sample_sel[placed_rows],
                              minlength=n_areas)
    placed = firm_area >= 0
    a = firm_area[placed]
    r0, r1 = rev[year_from][placed], rev[year_to][placed]
    has0, has1 = np.isfinite(r0), np.isfinite(r1)

    def count(mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.bincount(a[mask], minlength=n_areas)

    def total(values: NDArray[np.float64], mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        s = np.bincount(a[mask], weights=values[mask], minlength=n_areas) / 1e4
        return np.where(count(mask) > 0, s, np.nan)

    out = areas.copy()
    out["year_from"], out["year_to"] = year_from, year_to
    out["firms_from"], out["firms_to"] = count(has0), count(has1)
    out["revenue_from_100m_cny"] = total(r0, has0)
    out["revenue_to_100m_cny"] = total(r1, has1)
    out["change_100m_cny"] = out["revenue_to_100m_cny"] - out["revenue_from_100m_cny"]
    start = out["revenue_from_100m_cny"].to_numpy(float)
    end = out["revenue_to_100m_cny"].to_numpy(float)
    pos = np.isfinite(start) & (start > 0) & np.isfinite(end)
    out["pct_change"] = np.where(pos, end / np.where(pos, start, 1.0) - 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["cagr"] = np.where(pos, (end / np.where(pos, start, 1.0))
                               ** (1 / (year_to - year_from)) - 1, np.nan)
    both = has0 & has1
    for col, threshold in THRESHOLDS.items():
        out[col] = count(both & (np.nan_to_num(r0, nan=-1.0) < threshold)
                         & (np.nan_to_num(r1, nan=-1.0) >= threshold))
    out["entries"] = count(has1 & ~has0)
    out["exits"] = count(has0 & ~has1)
    out["sample_rows"] = sample_rows.astype(int)
    return out


def coverage(panel: pd.DataFrame, enterprises: pd.DataFrame, years: tuple[int, ...]
             ) -> dict[str, int]:
    """Panel rows of ``years`` used by :func:`growth` and those that could not be placed."""
    sel = panel["year"].isin(years)
    known = panel["id"].astype(str).isin(set(enterprises["id"].astype(str)))
    placed_ids = set(enterprises.loc[enterprises["city_adcode"].astype(str)
                                     .isin(CITY_BY_ADCODE), "id"].astype(str))
    placed = panel["id"].astype(str).isin(placed_ids)
    return {"rows": int(sel.sum()), "rows_not_in_registry": int((sel & ~known).sum()),
            "rows_without_city": int((sel & known & ~placed).sum()),
            "sample_rows": int((sel & panel.get("sample", False)).sum())}
