"""AppTest: the Data page publishes the session's firm-years and project register with a
registry version; a session on that version gets them back, one on a version published
without them is told it runs on the shipped files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TOKEN = "s3cret"
REGISTRY = ("编号,企业名称,经度,纬度,所在城市,产业链环节\n"
            "Q1,甲激光,113.93,22.54,深圳,高端装备与系统\n"
            "Q2,乙增材,113.30,23.12,广州,应用服务\n").encode()
YEARS = (b"id,year,revenue_10k_cny,employees,source,sample\n"
         b"Q1,2017,500,,annual report,0\n"
         b"Q1,2018,900,,annual report,0\n"
         b"Q2,2018,70,,annual report,0\n")


@pytest.fixture
def store_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ATLAS_STORE", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("ATLAS_SECRETS_FILE", str(tmp_path / "secrets.toml"))
    monkeypatch.setenv("EDITOR_TOKEN", TOKEN)
    return tmp_path


def _app(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _captions(at: AppTest) -> list[str]:
    return [c.value.replace("\\", "").replace("\u2060", "") for c in at.caption]


def _publish(at: AppTest, *, with_files: bool) -> None:
    for box in at.checkbox:
        if box.key in ("publish_panel", "publish_projects"):
            box.set_value(with_files)
    next(w for w in at.text_input if w.label == "Editor token").input(TOKEN)
    next(b for b in at.button if b.label == "Publish as a new version").click()
    at.run()
    assert not at.exception and at.success, at.exception


def test_a_published_version_brings_its_panel_and_projects(store_env: Path) -> None:
    from geo.projects import PROJECTS_PATH

    at = _app("data")
    at.file_uploader(key="upload_file").set_value(("mine.csv", REGISTRY, "text/csv")).run()
    at.button(key="use_upload").click().run()  # the panel's ids are checked against it
    at.file_uploader(key="panel_file").set_value(("years.csv", YEARS, "text/csv")).run()
    at.button(key="panel_use").click().run()
    at.file_uploader(key="projects_file").set_value(
        ("register.csv", PROJECTS_PATH.read_bytes(), "text/csv")).run()
    at.button(key="projects_use").click().run()
    labels = [b.label.replace("\\", "") for b in at.checkbox
              if b.key in ("publish_panel", "publish_projects")]
    assert len(labels) == 2 and "years.csv (3)" in labels[0], labels
    _publish(at, with_files=True)  # v1, with both files
    _publish(at, with_files=False)  # v2, the same registry alone

    # a new session opens the default (v2): told that the shipped files stand in
    fresh = _app("targets")
    assert str(fresh.session_state["dataset"]) == "v2"
    assert any("v2 was published without firm-years" in c for c in _captions(fresh))
    assert 2017 not in [int(y) for y in fresh.selectbox(key="year").options if y.isdigit()]

    # on v1 the session has the published panel and register, under their names
    fresh.selectbox(key="dataset").set_value("v1").run()
    assert any("Firm-years: v1 · years.csv" in c for c in _captions(fresh))
    assert [o for o in fresh.selectbox(key="year").options if o.isdigit()] == ["2017", "2018"]
    fresh.radio(key="targets_view").set_value("projects").run()
    assert not fresh.exception, fresh.exception
    assert any("Project register: v1 · register.csv" in c for c in _captions(fresh))
