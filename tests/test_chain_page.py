"""AppTest of the Chain page: the diagram, a part's producers, a city's short list, the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import chain
from geo.registry import load_enterprises
from geo.text import t

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _chain(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at.switch_page("views/chain.py").run()


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_part_and_city_from_the_url_show_producers_and_short_list(lang):
    at = _chain(lang=lang, part="galvo_scanner", chain_city="441400")
    assert not at.exception, at.exception
    assert at.selectbox(key="chain_part").value == "galvo_scanner"
    assert at.selectbox(key="chain_city").value == "441400"
    n = int(chain.products_of(load_enterprises())[:, list(chain.PARTS).index("galvo_scanner")]
            .sum())
    text = _markdown(at)
    wanted = f"扫描振镜：{n} 家生产企业" if lang == "zh" else f"Galvo scanner: {n} producers"
    assert wanted in text
    assert ("本市已有" if lang == "zh" else "Made in the city") in text
    # the short list names the nearest producers with their distance
    short = at.dataframe[-2].value  # the heat table is the last grid
    distance = "距离（公里）" if lang == "zh" else "Distance (km)"
    assert distance in short.columns and short[distance].notna().any()
    assert (short[distance].dropna() > 0).all()
    # the producers' table: a firm without a stated revenue reads "no data", never None or 0
    revenue = t("col.revenue_10k_cny", lang)
    firms = next(d for d in at.dataframe if revenue in d.value.columns)
    assert firms.proto.placeholder == t("no_data", lang)


def test_widgets_change_the_view_and_the_url():
    at = _chain(lang="en")
    assert not at.exception
    assert "producers" not in _markdown(at)  # nothing picked yet
    at.selectbox(key="chain_part").set_value("laser_chip").run()
    assert "High-brightness laser chip:" in _markdown(at)
    assert "laser_chip" in str(at.query_params["part"])
    at.selectbox(key="chain_city").set_value("440300").run()
    assert "440300" in str(at.query_params["chain_city"])
    assert not at.exception


def test_unknown_part_in_the_url_is_ignored_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["part"] = "flux_capacitor"
    at.run()  # the first page of the session reports what the URL got wrong
    assert any("flux" in str(t.value) and "part" in str(t.value) for t in at.toast)
    at.switch_page("views/chain.py").run()
    assert not at.exception
    assert at.selectbox(key="chain_part").value == ""


def test_cities_page_maps_the_supply_radius_metric():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["metric"] = "supply_share"
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("views/cities.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="metric").value == "supply_share"
    ranking = next(d.value for d in at.dataframe if "Prefectures" in d.value.columns)
    shares = ranking.filter(like="Supply radius").iloc[:, 0].dropna()
    assert len(shares) > 10 and ((shares >= 0) & (shares <= 100)).all()


def test_enterprise_table_shows_product_labels():
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.query_params["q"] = "创鑫"
    at.run()
    at.switch_page("views/enterprises.py").run()
    at.session_state["firm_list"] = True
    at.run()
    grid = at.dataframe[0].value
    assert grid["Products"].tolist() == ["Other fibre lasers"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_city_ranking_draws_metrics_whose_title_holds_a_colon(lang):
    # "区位商:…" / "Location quotient: …" once broke Altair's "field:Q" shorthand
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["metric"] = "lq_equipment"
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/cities.py").run()
    assert not at.exception, at.exception


def test_chain_figure_format_is_the_same_widget_as_the_other_pages():
    """PNG / SVG / PDF, as on every map page (it was lowercase png/svg/pdf here)."""
    at = _chain(lang="en")
    assert not at.exception
    assert list(at.radio(key="chain_fig_fmt").options) == ["PNG", "SVG", "PDF"]


def test_box_names_fit_their_box_in_two_lines_with_a_short_name_only_where_needed():
    from ui.chainview import NAME_WIDTH, box_name, text_width, two_lines

    assert two_lines("Galvo scanner", 20) == ["Galvo scanner"]
    # the break that makes the longer line the shortest, not the first that fits
    assert two_lines("Application technology & services", 21) == [
        "Application", "technology & services"]
    assert two_lines("万瓦级工业光纤激光器", 10) == ["万瓦级工业光纤激光器"]  # no space: one line
    assert text_width("万瓦级工业光纤激光器") == 20
    for part in chain.PARTS.values():
        for lang in ("zh", "en"):
            lines = box_name(part, lang)
            assert 1 <= len(lines) <= 2, (part.code, lines)
            assert max(map(text_width, lines)) <= NAME_WIDTH, (part.code, lang, lines)
            full = two_lines(part.label(lang), NAME_WIDTH)
            if max(map(text_width, full)) <= NAME_WIDTH:  # the full name wherever it fits
                assert lines == full, (part.code, lang, lines)
            else:
                assert part.short_en and lang == "en", part.code
    assert box_name(chain.PARTS["laser_equipment"], "en") == [
        "Precision laser", "processing equipment"]
    assert box_name(chain.PARTS["am_equipment"], "en") == ["AM equipment"]
    assert box_name(chain.PARTS["am_equipment"], "zh") == ["增材制造装备"]
