"""The chain vocabulary, tag parsing, chain health, a city's gaps and the 配套半径 measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from geo import chain
from geo.layout import SEGMENTS
from geo.registry import load_registry

UTM = Transformer.from_crs("EPSG:4326", "EPSG:32649", always_xy=True)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Hand computation: project both points on UTM 49N, straight-line distance."""
    (ax, bx), (ay, by) = UTM.transform([a[0], b[0]], [a[1], b[1]])
    return float(np.hypot(ax - bx, ay - by) / 1000.0)


# -- vocabulary -----------------------------------------------------------------------
def test_every_part_sits_under_a_known_segment_and_labels_are_unique():
    assert {p.segment for p in chain.PARTS.values()} <= set(SEGMENTS)
    zh = [p.zh for p in chain.PARTS.values()]
    assert len(set(zh)) == len(zh)
    # the plan's words (四(一)2–3) are labels, not only aliases
    for word in ("大模场光纤", "高品质晶体", "高性能金属粉末", "高功率合束器", "光纤光栅",
                 "光隔离器", "扫描振镜", "激光加工头", "高亮度芯片", "专用软件",
                 "万瓦级工业光纤激光器", "超短脉冲激光器", "增材制造装备"):
        assert word in zh
    assert [t.zh for t in chain.APPLICATIONS.values()] == [
        "航空航天", "电子信息", "汽车", "船舶", "核电", "模具", "新能源", "量子信息", "医疗器械"]
    for part, inputs in chain.NEEDS.items():
        assert part in chain.PARTS and set(inputs) <= set(chain.PARTS)


def test_parse_accepts_codes_labels_aliases_and_separators():
    codes, bad = chain.parse_tags(
        ["galvo_scanner;高亮度芯片", "扫描振镜 ； 振镜", "High-power combiner、光隔离器", "", "  "])
    assert codes.tolist() == ["galvo_scanner;laser_chip", "galvo_scanner", "combiner;isolator",
                              "", ""]
    assert bad == []
    # a part's short English name (the diagram's, where space is short) is read too
    assert chain.parse_tags(["AM equipment"])[0].tolist() == ["am_equipment"]
    apps, bad = chain.parse_tags(["新能源;航空航天", "锂电池"], "applications")
    assert apps.tolist() == ["aerospace;new_energy", "new_energy"]
    assert bad == []


def test_unknown_value_is_reported_with_the_closest_term():
    codes, bad = chain.parse_tags(["扫描镇镜;激光加工头", "激光加工头", "完全无关的东西"])
    assert codes.tolist() == ["laser_head", "laser_head", ""]
    assert [(u.position, u.value) for u in bad] == [(0, "扫描镇镜"), (2, "完全无关的东西")]
    assert bad[0].suggestion == "galvo_scanner"
    assert bad[1].suggestion is None
    # the suggested term is named in the message's language, with its code
    assert "did you mean Galvo scanner (galvo_scanner)?" in bad[0].message()
    assert "是否指 扫描振镜（galvo_scanner）？" in bad[0].msg().render("zh")
    assert "did you mean" not in bad[1].message()
    _, bad = chain.parse_tags(["医疗器"], "applications")
    assert bad[0].suggestion == "medical"
    assert "did you mean Medical devices (medical)?" in bad[0].message("applications")
    assert "是否指 医疗器械（medical）？" in bad[0].msg("applications").render("zh")


def test_unknown_vocabulary_and_unknown_codes_in_a_matrix_raise():
    with pytest.raises(ValueError, match="unknown vocabulary"):
        chain.parse_tags(["x"], "colours")
    with pytest.raises(ValueError, match="unknown products code 'nope'"):
        chain.tag_matrix(["combiner;nope"])


def test_registry_reads_tag_columns_and_reports_unknown_values_by_row():
    text = ("企业名称,所在城市,主要产品,应用领域\n"
            "甲,深圳,扫描振镜;激光加工头,新能源\n"
            "乙,东莞,光纤光珊,汽车;宇宙\n"
            "丙,广州,,\n")
    result = load_registry(text.encode("utf-8"), name="t.csv")
    assert result.valid_rows == 3
    assert result.frame["products"].tolist() == ["galvo_scanner;laser_head", "", ""]
    assert result.frame["applications"].tolist() == ["new_energy", "automotive", ""]
    problems = [(p.row, p.column) for p in result.problems]
    assert problems == [(3, "主要产品"), (3, "应用领域")]
    assert "did you mean Fibre Bragg grating (fiber_grating)?" in result.problems[0].message
    assert "是否指 光纤光栅（fiber_grating）？" in result.problems[0].text("zh")


def test_registry_without_tag_columns_gives_blank_tags():
    result = load_registry("企业名称,所在城市\n甲,深圳\n".encode(), name="t.csv")
    assert result.frame.loc[0, ["products", "applications"]].tolist() == ["", ""]


# -- chain health ---------------------------------------------------------------------
SZ, DG, GZ, ZH = "440300", "441900", "440100", "440400"


def _fixture() -> pd.DataFrame:
    """Six firms: lasers in Shenzhen and Dongguan, one isolator maker, two equipment makers."""
    rows = [
        ("a", SZ, 114.00, 22.60, "fiber_laser_10kw;combiner", 20_000.0, False),
        ("b", SZ, 114.10, 22.60, "fiber_laser_10kw", np.nan, False),
        ("c", DG, 113.75, 23.00, "fiber_laser_10kw", 5_000.0, True),
        ("d", ZH, 113.55, 22.30, "isolator", 1_000.0, False),
        ("e", SZ, 114.05, 22.70, "laser_equipment", 50_000.0, False),
        ("f", GZ, 113.30, 23.10, "laser_equipment;galvo_scanner", np.nan, False),
        ("g", GZ, 113.30, 23.10, "", 9_999.0, False),
    ]
    return pd.DataFrame(rows, columns=["id", "city_adcode", "lon", "lat", "products",
                                       "revenue_10k_cny", "sample"]).assign(
        name_zh=lambda d: "企业" + d["id"], name_en=lambda d: "Firm " + d["id"])


def test_matrix_and_statuses_on_a_hand_built_fixture():
    health = chain.chain_health(_fixture())
    parts = health.parts.set_index("code")
    assert health.firms == 7 and health.tagged == 6
    assert health.matrix.loc[SZ, "fiber_laser_10kw"] == 2
    assert health.matrix.loc[DG, "fiber_laser_10kw"] == 1
    assert health.matrix.loc[GZ, "laser_equipment"] == 1
    assert health.matrix.to_numpy().sum() == 8  # one count per (firm, part) tag
    fl = parts.loc["fiber_laser_10kw"]
    assert (fl.producers, fl.sample_producers, fl.cities, fl.top_city) == (3, 1, 2, SZ)
    assert fl.top_city_share == pytest.approx(2 / 3)
    assert fl.revenue_100m_cny == pytest.approx(2.5)  # a and c known; b unknown
    assert fl.revenue_known == 2
    # 3 producers, top city 67 % < 75 %: strong; 2 makers in 2 cities: thin (< 3 producers)
    assert fl.status == "strong"
    assert parts.loc["laser_equipment", "status"] == "thin"
    assert parts.loc["isolator", "status"] == "thin"
    assert parts.loc["laser_chip", "status"] == "missing"
    assert np.isnan(parts.loc["laser_chip", "revenue_100m_cny"])
    assert np.isnan(parts.loc["galvo_scanner", "revenue_100m_cny"])  # its maker's revenue unknown
    # one city holding most makes a part thin even with enough producers
    strict = chain.chain_health(_fixture(), thin_share=0.6).parts.set_index("code")
    assert strict.loc["fiber_laser_10kw", "status"] == "thin"
    rec = health.records()
    assert list(rec.columns) == ["adcode", "product", "product_zh", "firms", "sample_firms"]
    assert len(rec) == 21 * len(chain.PARTS)
    hit = rec[(rec["adcode"] == SZ) & (rec["product"] == "fiber_laser_10kw")]
    assert hit["firms"].tolist() == [2] and hit["product_zh"].tolist() == ["万瓦级工业光纤激光器"]
    assert hit["sample_firms"].tolist() == [0]
    dg = rec[(rec["adcode"] == DG) & (rec["product"] == "fiber_laser_10kw")]
    assert dg["sample_firms"].tolist() == [1]  # firm c is a sample firm


def test_chain_health_without_products_column_is_all_missing():
    health = chain.chain_health(_fixture().drop(columns="products"))
    assert set(health.parts["status"]) == {"missing"}
    assert health.tagged == 0


def test_city_gaps_and_nearest_producers_against_hand_computed_distances():
    origin = (113.30, 23.10)  # Guangzhou's equipment maker f
    gz = chain.city_chain(_fixture(), GZ, origin, n_nearest=2)
    assert gz.has == ["galvo_scanner", "laser_equipment"]
    # laser_equipment needs lasers, scanners, heads, software: GZ has only the scanner
    assert gz.missing == ["laser_head", "software", "fiber_laser_10kw", "fiber_laser",
                          "ultrafast_laser", "other_laser"]
    fl = gz.nearest[gz.nearest["product"] == "fiber_laser_10kw"]
    assert fl["id"].tolist() == ["c", "a"]  # Dongguan is nearer than Shenzhen's a
    assert fl["rank"].tolist() == [1, 2]
    expected = [_km(origin, (113.75, 23.00)), _km(origin, (114.00, 22.60))]
    assert fl["distance_km"].tolist() == pytest.approx(expected, rel=1e-9)
    assert 45 < expected[0] < 50  # ~47 km: a sanity check of the projection itself
    assert gz.nearest[gz.nearest["product"] == "laser_head"].empty  # nobody makes it
    sz = chain.city_chain(_fixture(), SZ, (114.05, 22.70))
    # SZ makes fibre lasers: it needs isolators (Zhuhai has one) but not its own combiner
    assert "combiner" not in sz.missing and "isolator" in sz.missing
    assert sz.nearest.loc[sz.nearest["product"] == "isolator", "city_adcode"].tolist() == [ZH]


def test_city_chain_checks_its_input():
    with pytest.raises(ValueError, match="unknown city adcode"):
        chain.city_chain(_fixture(), "999999", (113.0, 23.0))
    with pytest.raises(ValueError, match="origin"):
        chain.city_chain(_fixture(), SZ, (np.nan, 23.0))


# -- 配套半径 ----------------------------------------------------------------------------
def test_supply_flags_against_hand_computed_distances():
    frame = _fixture()
    needs, met = chain.supply_flags(chain.products_of(frame), frame["lon"], frame["lat"], 50.0)
    k = list(chain.KEY_COMPONENTS)
    fl, gs, iso = k.index("fiber_laser_10kw"), k.index("galvo_scanner"), k.index("isolator")
    # e (SZ) and f (GZ) make laser equipment: they need lasers and scanners
    assert needs[4, fl] and needs[5, fl] and needs[4, gs]
    assert not needs[6].any()  # untagged
    # e: fibre lasers a/b within ~11 km; f: nearest fibre laser c at ~47 km (< 50): met
    assert _km((113.30, 23.10), (113.75, 23.00)) < 50
    assert met[4, fl] and met[5, fl]
    # galvo scanner only in GZ (f itself): met for f, not for e (~85 km away)
    assert _km((114.05, 22.70), (113.30, 23.10)) > 50
    assert met[5, gs] and not met[4, gs]
    # fibre-laser makers a, b, c need isolators: d in Zhuhai; a is ~53 km away, c ~78 km
    assert needs[0, iso] and needs[2, iso]
    for i, (lon, lat) in enumerate(zip(frame["lon"], frame["lat"], strict=True)):
        if needs[i, iso]:
            assert met[i, iso] == (_km((lon, lat), (113.55, 22.30)) <= 50)
    # a radius of 40 km drops f's fibre lasers (47 km)
    _, met40 = chain.supply_flags(chain.products_of(frame), frame["lon"], frame["lat"], 40.0)
    assert not met40[5, fl] and met40[4, fl]


def test_supply_distance_per_city():
    frame = _fixture()
    table = chain.supply_distance(frame).set_index("adcode")
    needs, met = chain.supply_flags(chain.products_of(frame), frame["lon"], frame["lat"])
    gz = frame["city_adcode"].eq(GZ).to_numpy()
    assert table.loc[GZ, "makers"] == 1
    assert table.loc[GZ, "supply_share"] == pytest.approx(met[gz].sum() / needs[gz].sum())
    assert table.loc[GZ, "supply_galvo_scanner"] == 1.0
    assert table.loc[SZ, "supply_galvo_scanner"] == 0.0
    assert np.isnan(table.loc["441400", "supply_share"])  # Meizhou: no makers, no data
    with pytest.raises(ValueError, match="radius_km"):
        chain.supply_distance(frame, radius_km=0)


def test_supply_share_metric_matches_the_chain_measure(regions):
    from geo.metrics import METRICS, compute

    frame = _fixture().assign(segment="", sector="laser", listed="")
    table = compute(frame, regions).table.set_index("adcode")
    expected = chain.supply_distance(frame).set_index("adcode")["supply_share"]
    assert METRICS["supply_share"].column == "supply_share"
    pd.testing.assert_series_equal(table["supply_share"].loc[expected.index], expected,
                                   check_names=False)
    assert table.loc[GZ, "supply_share"] > 0
    assert np.isnan(compute(frame.drop(columns="products"), regions).table["supply_share"]).all()


def test_shipped_firms_carry_chain_tags():
    from geo.registry import load_enterprises

    firms = load_enterprises()
    real = firms[~firms["sample"]].set_index("name_zh")
    assert "fiber_laser" in real.loc["深圳市创鑫激光股份有限公司", "products"]
    assert real.loc["深圳瑞波光电子有限公司", "products"] == "laser_chip"
    assert "isolator" in real.loc["珠海光库科技股份有限公司", "products"]
    tagged = real[real["products"] != ""]
    assert tagged["source"].str.contains("http").all()
    sample = firms[firms["sample"]]
    assert (sample["products"] != "").mean() > 0.99  # every sample firm has a product
    health = chain.chain_health(firms)
    assert set(health.parts["status"]) <= set(chain.STATUSES)
    assert (health.parts["producers"] > 0).all()  # the sample tail covers the whole chain
