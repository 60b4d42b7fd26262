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
    at.switch_page("views/cities.py").run()
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


def test_briefing_figure_title_names_the_revenue_year():
    import re

    from geo import panel, registry
    from geo.filters import Filters
    from geo.metrics import get_metric
    from ui import data, mapview
    from ui.shell import PageContext

    firms = registry.load_enterprises()
    regions = data.load_regions()
    spec = get_metric("revenue_100m_cny")
    areas = regions.assign(**{spec.column: range(len(regions))})
    chart = mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec))
    year = panel.frame_for_year(firms, panel.load_enterprise_years(), 2023)
    for lang, words in (("en", ": Revenue, 2023"), ("zh", "（2023 年）")):
        titles, texts = {}, {}
        for key, frame, chosen in (("snapshot", firms, None), ("2023", year, 2023)):
            ctx = PageContext(lang, Filters(), data.Dataset(key, key, frame, chosen), frame,
                              False)
            titles[key] = mapview._title(ctx, chart)[0]
            svg = mapview._figure(ctx, chart, mapview.MapOptions(), "svg").decode("utf-8")
            texts[key] = re.sub(r"\s+", "", "".join(re.findall(r">([^<>]+)</text>", svg)))
        assert titles["2023"].endswith(words), titles
        assert titles["2023"].startswith(titles["snapshot"]) and "2023" not in titles["snapshot"]
        for key, title in titles.items():  # the figure's heading (wrapped over lines)
            assert re.sub(r"\s+", "", title.replace("&", "&amp;")) in texts[key]
