"""Key-project register (重点建设项目, ``data/projects.csv``) and where each project stands.

The plan asks for it — 五(四) "建立健全重点项目动态跟踪服务体系": one row per project with
``kind`` (:data:`KINDS`), place (``city_adcode``, ``district`` and ``district_en``,
``lon``/``lat`` with
``coord_precision``), ``investment_100m_cny`` (亿元, blank when unknown), ``start_year``,
``planned_completion_year``, the reported ``status`` (:data:`STATUSES`) with the date it
was reported (``status_as_of``), its ``source`` and a note in both languages (``note_zh``,
``note_en``); the name has both forms too (``name_zh``, ``name_en``). Kinds and statuses are
codes; pages show their labels from the text catalogue.

:func:`track` turns reports into a tracking status on a chosen date (:data:`TRACKING`):

- ``done`` — reported done;
- ``needs_update`` — the latest report is older than :data:`STALE_DAYS` (a tracker must
  not call a project on schedule from a years-old report);
- ``delayed`` — planned but its start year has passed, or building past its planned
  completion year;
- ``not_started`` — planned, start year not reached (or unknown);
- ``on_schedule`` — building, completion year not passed (or unknown);
- ``no_report`` — the register's report is dated after the chosen date (nothing known then).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from geo.frames import require_columns
from geo.layout import CITY_BY_ADCODE
from geo.regions import DATA_DIR
from geo.registry import Problem
from geo.text import MessageError, Msg, msg

PROJECTS_PATH: Final = DATA_DIR / "projects.csv"
COLUMNS: Final = ("id", "name_zh", "name_en", "kind", "city_adcode", "district", "district_en",
                  "lon", "lat", "coord_precision", "investment_100m_cny", "start_year",
                  "planned_completion_year", "status", "status_as_of", "source", "note_zh",
                  "note_en")
KINDS: Final = ("platform", "park", "industrial_project", "facility")
STATUSES: Final = ("planned", "building", "done")
TRACKING: Final = ("done", "on_schedule", "delayed", "not_started", "needs_update",
                    "no_report")
STALE_DAYS: Final = 730


class ProjectError(MessageError, ValueError):
    """The project register cannot be used; the message names file, row and column.

    ``problems`` lists every row problem (each renders in either language) when rows failed
    the checks; it is empty for a file-level error.
    """

    def __init__(self, message: Msg | str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def load_projects(path: Path | str | bytes = PROJECTS_PATH, name: str | None = None
                  ) -> pd.DataFrame:
    """Read and check the register (a path, or a CSV file's bytes with its ``name``).

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; numbers as float (NaN unknown), years as ``Int64``,
        ``status_as_of`` as ``datetime.date``.

    Raises
    ------
    ProjectError
        Missing file or column, or a row with an unknown kind or status, an unknown city,
        a bad number, year or date, no source, or a name or note with only one of its zh/en
        forms (row numbers as a spreadsheet shows them).
    """
    if isinstance(path, bytes):
        source: io.BytesIO | Path = io.BytesIO(path)
        path = name or "upload"
    else:
        path = source = Path(path)
        if not path.is_file():
            raise ProjectError(msg("file.projects_not_found", path=path))
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise ProjectError(msg("file.projects_empty", path=path)) from None
    except UnicodeDecodeError:
        raise ProjectError(msg("file.projects_encoding", path=path)) from None
    except pd.errors.ParserError as exc:
        raise ProjectError(msg("file.projects_unreadable", path=path, detail=exc)) from None
    require_columns(raw, COLUMNS, str(path), error=ProjectError)
    raw = raw.apply(lambda s: s.str.strip())

    def number(col: str) -> pd.Series:
        return pd.to_numeric(raw[col].where(raw[col] != ""), errors="coerce")

    nums = {c: number(c) for c in ("lon", "lat", "investment_100m_cny", "start_year",
                                   "planned_completion_year")}
    as_of = pd.to_datetime(raw["status_as_of"], format="%Y-%m-%d", errors="coerce")
    year_ok = {c: (raw[c] == "") | (nums[c].notna() & nums[c].between(1990, 2100)
                                    & (nums[c] == nums[c].round()))
               for c in ("start_year", "planned_completion_year")}
    checks = (
        ("id", (raw["id"] != "") & ~raw["id"].duplicated(keep=False), msg("project_id")),
        ("name_zh", raw["name_zh"] != "", msg("project_name")),
        ("name_en", raw["name_en"] != "", msg("project_name_en")),
        ("district_en", (raw["district_en"] != "") | (raw["district"] == ""),
         msg("project_district_en")),
        ("note_zh", (raw["note_zh"] != "") | (raw["note_en"] == ""), msg("project_note_zh")),
        ("note_en", (raw["note_en"] != "") | (raw["note_zh"] == ""), msg("project_note_en")),
        ("kind", raw["kind"].isin(KINDS), msg("site_one_of", column="kind", allowed=list(KINDS))),
        ("status", raw["status"].isin(STATUSES),
         msg("site_one_of", column="status", allowed=list(STATUSES))),
        ("status_as_of", as_of.notna(), msg("project_as_of")),
        ("city_adcode", raw["city_adcode"].isin(CITY_BY_ADCODE), msg("project_city")),
        ("source", raw["source"] != "", msg("project_source")),
        ("lon", (raw["lon"] == "") | nums["lon"].between(109, 118),
         msg("project_outside", column="lon")),
        ("lat", (raw["lat"] == "") | nums["lat"].between(20, 26),
         msg("project_outside", column="lat")),
        ("investment_100m_cny", (raw["investment_100m_cny"] == "")
         | (nums["investment_100m_cny"] >= 0), msg("project_investment")),
        ("start_year", year_ok["start_year"], msg("project_year", column="start_year")),
        ("planned_completion_year", year_ok["planned_completion_year"],
         msg("project_year", column="planned_completion_year")),
    )
    failed = [(column, np.flatnonzero(~ok.to_numpy(dtype=bool)), message)
              for column, ok, message in checks]
    failed = [f for f in failed if f[1].size]
    if failed:
        column, bad, message = failed[0]
        rows = ", ".join(str(i + 2) for i in bad[:5])
        problems = sorted((Problem.of(int(i) + 2, c, m) for c, b, m in failed for i in b),
                          key=lambda p: (p.row, p.column))
        raise ProjectError(msg("file.row", path=path, rows=rows, column=column,
                                 message=message), problems)
    out = raw[list(COLUMNS)].copy()
    for c in ("lon", "lat", "investment_100m_cny"):
        out[c] = nums[c].astype(float)
    for c in ("start_year", "planned_completion_year"):
        out[c] = nums[c].astype("Int64")
    out["status_as_of"] = as_of.dt.date
    return out


def track(projects: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Add ``tracking`` (:data:`TRACKING`) and ``report_age_days`` as of ``as_of``.

    >>> p = pd.DataFrame({"status": ["building"], "status_as_of": [dt.date(2026, 1, 1)],
    ...                   "start_year": pd.array([2024], "Int64"),
    ...                   "planned_completion_year": pd.array([2025], "Int64")})
    >>> track(p, dt.date(2026, 6, 1))["tracking"].tolist()
    ['delayed']
    """
    if not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")
    age = np.array([(as_of - d).days for d in projects["status_as_of"]], dtype=int)
    year = as_of.year
    status = projects["status"].to_numpy()
    start = projects["start_year"].astype("Float64").fillna(np.inf).to_numpy(float)
    end = projects["planned_completion_year"].astype("Float64").fillna(np.inf).to_numpy(float)
    tracking = np.select(
        [age < 0, status == "done", age > STALE_DAYS,
         (status == "planned") & (start < year), status == "planned",
         (status == "building") & (end < year)],
        ["no_report", "done", "needs_update", "delayed", "not_started", "delayed"],
        default="on_schedule")
    return projects.assign(tracking=tracking, report_age_days=age)
