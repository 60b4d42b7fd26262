"""The revenue year (ui/years.py): ?year= in, every page's firm figures follow the panel."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _cities(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/cities.py").run()
    return at


def _captions(at: AppTest) -> str:
    return "\n".join(c.value.replace("\\", "") for c in at.caption)


def test_year_from_url_changes_the_figures():
    snap = _cities(lang="en", metric="revenue_100m_cny")
    y23 = _cities(lang="en", metric="revenue_100m_cny", year="2023")
    assert not snap.exception and not y23.exception, (snap.exception, y23.exception)
    assert y23.selectbox(key="year").value == "2023"
    assert "revenue of 2023" in _captions(y23) and "revenue of" not in _captions(snap)
    a = [d.value for d in snap.dataframe]
    b = [d.value for d in y23.dataframe]
    assert any(not x.equals(y) for x, y in zip(a, b, strict=False))


def test_year_selector_round_trips_and_bad_year_is_ignored():
    at = _cities(lang="en")
    at.selectbox(key="year").set_value("2021").run()
    assert not at.exception
    assert at.query_params["year"] == ["2021"] or at.query_params["year"] == "2021"
    bad = _cities(lang="en", year="20x1")
    assert not bad.exception and bad.selectbox(key="year").value == ""
