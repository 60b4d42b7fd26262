"""Key-project register (geo.projects): loading, checks and tracking by as-of date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from geo import projects as P

HEADER = ",".join(P.COLUMNS) + "\n"


def _row(**over: str) -> str:
    row = {"id": "X1", "name_zh": "项目", "name_en": "Project", "kind": "facility",
           "city_adcode": "440300", "district": "", "district_en": "",
           "lon": "114.0", "lat": "22.6",
           "coord_precision": "city", "investment_100m_cny": "", "start_year": "2022",
           "planned_completion_year": "2024", "status": "building",
           "status_as_of": "2024-06-30", "source": "https://example.org/r", "note_zh": "",
           "note_en": ""}
    row.update(over)
    return ",".join(row[c] for c in P.COLUMNS) + "\n"


def test_shipped_register_is_sourced_and_loads():
    df = P.load_projects()
    names = set(df["name_zh"])
    assert {"南方先进光源", "中山光子科学中心"} <= names
    assert any("阿秒" in n for n in names) and any("自由电子激光" in n for n in names)
    assert df["source"].str.contains("http").all()


@pytest.mark.parametrize("status, start, end, as_of_report, expected", [
    ("done", "2011", "2018", "2018-03-25", "done"),             # done stays done
    ("building", "2022", "2024", "2024-06-30", "delayed"),       # past completion (2025 > 2024)
    ("building", "2022", "2026", "2025-01-01", "on_schedule"),
    ("building", "2022", "", "2025-01-01", "on_schedule"),       # no completion year: not late
    ("planned", "2024", "", "2025-01-01", "delayed"),            # should have started
    ("planned", "2026", "", "2025-01-01", "not_started"),
    ("planned", "", "", "2025-01-01", "not_started"),
    ("building", "2022", "2030", "2022-01-01", "needs_update"),  # report older than 730 days
    ("done", "2022", "2024", "2025-12-01", "no_report"),         # reported after the date
])
def test_tracking_hand_computed(tmp_path, status, start, end, as_of_report, expected):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + _row(status=status, start_year=start,
                                  planned_completion_year=end, status_as_of=as_of_report),
                    encoding="utf-8")
    tracked = P.track(P.load_projects(path), dt.date(2025, 6, 1))
    assert tracked["tracking"].tolist() == [expected]


@pytest.mark.parametrize("over, column", [
    ({"kind": "lab"}, "kind"), ({"status": "ongoing"}, "status"),
    ({"status_as_of": "2024/06/30"}, "status_as_of"), ({"city_adcode": "110000"}, "city_adcode"),
    ({"source": ""}, "source"), ({"start_year": "20x2"}, "start_year"),
    ({"investment_100m_cny": "-1"}, "investment_100m_cny"), ({"lon": "120.5"}, "lon"),
    # a translation missing: each shown text needs its zh and en form
    ({"name_en": ""}, "name_en"), ({"district": "南山区"}, "district_en"),
    ({"note_zh": "已封顶"}, "note_en"), ({"note_en": "topped out"}, "note_zh"),
])
def test_bad_rows_name_row_and_column(tmp_path, over, column):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + _row() + _row(id="X2", **over), encoding="utf-8")
    with pytest.raises(P.ProjectError, match=rf"row 3, {column}"):
        P.load_projects(path)


def test_track_needs_a_date():
    with pytest.raises(TypeError):
        P.track(pd.DataFrame(), "2025-01-01")
