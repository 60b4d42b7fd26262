"""Files published with a registry version: the firm-year panel and the key-project register.

Both back ends (the PostgreSQL half runs when ``ATLAS_TEST_PG_URL`` is set, as in
tests/test_store.py, whose fixtures are reused here).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import test_store
from store_writer_helper import make_frame
from test_store import TOKEN, Backend, _publish

from geo import panel as pnl
from geo import projects as prj
from geo.cli.publish import cli as cli_publish
from geo.cli.versions import cli as cli_versions
from geo.store import Attachment, StoreError, open_store

# the store fixtures of tests/test_store.py: both back ends, a configured editor token, no
# configuration leaking in from the machine
backend = test_store.backend
secrets = test_store.secrets
_isolated_config = test_store._isolated_config

PANEL_CSV = (
    "id,year,revenue_10k_cny,employees,source,sample\n"
    "GD03-000000,2021,1200.5,40,annual report 2021,0\n"
    "GD03-000000,2022,1500,,annual report 2022,0\n"
    "GD03-000001,2022,88.25,7,sample,1\n"
    "GD03-000001,2023,-5,,sample,1\n"  # negative: value blank, no employees -> left out
)


def _panel(frame: pd.DataFrame) -> pnl.PanelResult:
    return pnl.load_panel(PANEL_CSV.encode(), name="years.csv", registry=frame)


def test_a_version_carries_its_panel_and_projects(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    frame = make_frame(5, seed=3)
    panel = _panel(frame)
    assert len(panel.frame) == 3 and panel.problems  # the bad row is left out, not published
    register = prj.PROJECTS_PATH.read_bytes()
    version = _publish(store, frame, attachments=[
        Attachment("panel", "C:\\data\\年度营收.xlsx", pnl.to_csv_bytes(panel.frame)),
        Attachment("projects", "projects.csv", register)])

    reopened = backend.open()  # another replica reads the same
    loaded, name = reopened.load_panel(version.id)
    assert name == "年度营收.xlsx"  # display name only, never a path
    pd.testing.assert_frame_equal(loaded, panel.frame)
    projects, projects_name = reopened.load_projects(version.id)
    assert projects_name == "projects.csv"
    pd.testing.assert_frame_equal(projects, prj.load_projects())
    assert set(reopened.attachments(version.id)) == {"panel", "projects"}
    assert reopened.attached() == {version.id: {"panel": "年度营收.xlsx",
                                                "projects": "projects.csv"}}


def test_a_version_without_a_panel_says_so(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    frame = make_frame(4, seed=3)
    first = _publish(store, frame)
    second = _publish(store, frame, attachments=[
        Attachment("panel", "years.csv", pnl.to_csv_bytes(_panel(frame).frame))])
    assert store.load_panel(first.id) is None  # not the bundled panel under its name
    assert store.load_projects(first.id) is None and store.load_projects(second.id) is None
    assert len(store.load_panel(second.id)[0]) == 3
    bundled, name = store.load_panel(0)  # version 0: the shipped files
    assert name == "enterprise_years.csv"
    pd.testing.assert_frame_equal(bundled, pnl.load_enterprise_years())
    assert store.load_projects(0)[1] == "projects.csv"
    assert store.attached() == {second.id: {"panel": "years.csv"}}  # first: none


def test_attachments_are_append_only_and_checked(backend: Backend, secrets: Path) -> None:
    store = backend.open()
    frame = make_frame(3, seed=3)
    v = _publish(store, frame, attachments=[Attachment("projects", "p.csv", b"id\n1\n")])
    with pytest.raises(Exception, match="append-only"):
        backend.raw("UPDATE {s}.%s SET file_name = 'x'" % (
            "atlas_attachments" if backend.kind == "gpkg" else "attachments"))
    assert store.attachments(v.id)["projects"].content == b"id\n1\n"
    with pytest.raises(ValueError, match="one of each"):
        _publish(store, frame, attachments=[Attachment("panel", "a", b"x"),
                                            Attachment("panel", "b", b"y")])
    with pytest.raises(ValueError, match="one of each"):
        _publish(store, frame, attachments=[Attachment("photos", "a", b"x")])
    assert [x.id for x in store.versions()] == [1, 0]  # refused publishes wrote nothing


def test_a_damaged_attachment_is_a_store_error(tmp_path: Path, secrets: Path) -> None:
    path = tmp_path / "s.gpkg"
    store = open_store(str(path))
    v = _publish(store, make_frame(3, seed=3),
                 attachments=[Attachment("projects", "p.csv", b"id\n1\n")])
    with sqlite3.connect(path) as con:
        con.execute("DROP TRIGGER atlas_attachments_no_update")
        con.execute("UPDATE atlas_attachments SET content = X'00'")
    with pytest.raises(StoreError, match="projects file fails its checksum"):
        store.load_projects(v.id)


def test_a_version_2_store_gains_the_attachments_table(backend: Backend, secrets: Path) -> None:
    _publish(backend.open(), make_frame(3, seed=3))
    gpkg = backend.kind == "gpkg"
    table, meta = ("atlas_attachments", "atlas_meta") if gpkg else ("attachments", "meta")
    backend.raw(f"DROP TABLE {{s}}.{table}")  # back to the schema before attachments
    if gpkg:
        backend.raw("DELETE FROM gpkg_contents WHERE table_name = 'atlas_attachments'")
    backend.raw(f"UPDATE {{s}}.{meta} SET value = '2' WHERE key = 'schema_version'")
    store = backend.open()
    assert store.load_panel(1) is None
    v = _publish(store, make_frame(3, seed=3),
                 attachments=[Attachment("projects", "p.csv", prj.PROJECTS_PATH.read_bytes())])
    assert store.load_projects(v.id)[1] == "p.csv"
    assert backend.raw(f"SELECT value FROM {{s}}.{meta} WHERE key = 'schema_version'"
                       ) == [("3",)]


def test_cli_publishes_a_panel_and_projects_with_the_registry(
    tmp_path: Path, secrets: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    registry = tmp_path / "registry.csv"
    registry.write_text("id,name_zh,city,lon,lat,revenue_10k_cny,sample\n"
                        "GD03-000000,甲,广州,113.3,23.1,1200,0\n"
                        "GD03-000001,乙,深圳,114.05,22.55,,1\n", encoding="utf-8")
    years = tmp_path / "years.csv"
    years.write_text(PANEL_CSV + "ZZ9,2022,5,,x,0\n", encoding="utf-8")
    store = str(tmp_path / "s.gpkg")
    args = [str(registry), "--store", store]

    bad_projects = tmp_path / "bad.csv"
    bad_projects.write_text("id,name_zh\nP1,x\n", encoding="utf-8")
    assert cli_publish([*args, "--projects", str(bad_projects)]) == 2
    assert "columns" in capsys.readouterr().err
    assert cli_publish([*args, "--years", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert [v.id for v in open_store(store).versions()] == [0]  # nothing published

    code = cli_publish([*args, "--years", str(years), "--projects",
                        str(prj.PROJECTS_PATH)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "firm-years: 3 of 5 rows" in out and "projects.csv" in out
    assert "ZZ9" in err  # the id not in the registry is reported
    loaded, name = open_store(store).load_panel(1)
    assert name == "years.csv" and sorted(set(loaded["id"])) == ["GD03-000000", "GD03-000001"]

    assert cli_publish([*args, "--keep-default"]) == 0  # version 2: the registry alone
    capsys.readouterr()
    assert cli_versions(["--store", store]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [i for i, line in enumerate(lines) if line[2:6].strip().isdigit()]
    assert [int(lines[i][2:6]) for i in ids] == [2, 1, 0]
    assert lines[ids[0] + 1] == lines[ids[1]]  # version 2 has no files: no line under it
    assert lines[ids[1] + 1].strip() == "with firm-years: years.csv; key projects: projects.csv"
    assert lines[ids[2] + 1].strip() == (  # version 0: the shipped files
        "with firm-years: enterprise_years.csv; key projects: projects.csv")
