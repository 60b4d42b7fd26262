"""Schema, provenance and calibration of data/enterprises.csv and data/sites.csv."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.layout import CITY_BY_ADCODE, PLAN_TITLE, SEGMENTS, SITE_KINDS, SITE_STATUSES
from geo.registry import (
    CANONICAL_COLUMNS,
    ENTERPRISES_PATH,
    SITE_COLUMNS,
    SITES_PATH,
    load_enterprises,
    load_registry,
    load_sites,
)
from geo.text import t

SAMPLE_SOURCE = "sample: scripts/make_sample.py seed="
ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_sample.py"
PLAN_TEXT = ROOT / "data" / "sources" / "action-plan-2021-2025.txt"


# --------------------------------------------------------------------------- plan facts
def test_plan_title_is_the_first_line_of_the_plan_text():
    first_line = PLAN_TEXT.read_text(encoding="utf-8").splitlines()[0]
    assert PLAN_TITLE.zh == first_line


def test_the_plan_file_carries_the_same_title():
    import tomllib

    head = tomllib.loads((ROOT / "data" / "plans" / "gd-laser-2021-2025.toml")
                         .read_text(encoding="utf-8"))["plan"]
    assert (head["title_zh"], head["title_en"]) == (PLAN_TITLE.zh, PLAN_TITLE.en)


def test_no_module_spells_a_different_plan_title():
    """The audit found 《…发展…战略性新兴产业集群行动计划》 in the footer: one title only."""
    from geo.text import t

    assert f"《{PLAN_TITLE.zh}》" in t("footer", "zh", plan=PLAN_TITLE.label("zh"))
    assert PLAN_TITLE.en in t("footer", "en", plan=PLAN_TITLE.label("en"))
    texts = [p.read_text(encoding="utf-8") for d in ("geo", "ui", "views", "scripts")
             for p in (ROOT / d).rglob("*.py")]
    assert not [t for t in texts if "战略性新兴产业集群行动计划" in t]


def test_segment_labels_are_the_plans_words_in_its_order():
    text = PLAN_TEXT.read_text(encoding="utf-8")
    chain = "、".join(term.zh for term in SEGMENTS.values())
    assert f"打造{chain}等全流程产业链" in text
    assert list(SEGMENTS) == ["design", "basic_materials", "special_materials", "components",
                              "equipment", "services"]


@pytest.fixture(scope="module")
def firms() -> gpd.GeoDataFrame:
    return load_enterprises()


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(ENTERPRISES_PATH, dtype=str, keep_default_na=False, encoding="utf-8")


def test_files_are_plain_utf8_with_the_canonical_header(raw):
    for path in (ENTERPRISES_PATH, SITES_PATH):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")
    assert list(raw.columns[: len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert list(pd.read_csv(SITES_PATH, nrows=0).columns) == list(SITE_COLUMNS)


def test_enterprises_load_with_zero_problems():
    result = load_registry(ENTERPRISES_PATH)
    assert result.problems == []
    assert result.valid_rows == result.rows > 1000


def test_every_real_row_has_a_source_and_no_sample_flag(firms):
    real = firms[~firms["sample"]]
    assert len(real) >= 15
    assert (real["source"].str.strip() != "").all()
    assert real["source"].str.contains("http").all()
    assert not real["source"].str.startswith("sample").any()
    # the plan names these seven as leading firms
    for name in ("大族激光", "纳思达", "创鑫", "杰普特", "光韵达", "海目星", "光库"):
        assert real["name_zh"].str.contains(name).any(), name


def test_sample_rows_are_marked_and_obviously_synthetic(firms):
    sample = firms[firms["sample"]]
    assert 1500 <= len(sample) <= 2500
    assert sample["name_zh"].str.startswith("示例").all()
    assert sample["source"].str.startswith(SAMPLE_SOURCE).all()
    assert sample["source"].nunique() == 1
    assert (sample["coord_precision"] == "exact").all()
    assert firms["id"].is_unique


def test_real_revenues_come_with_a_year(firms):
    real = firms[~firms["sample"]]
    has_revenue = real["revenue_10k_cny"].notna()
    assert real.loc[has_revenue, "revenue_year"].notna().all()
    # converted to 万元: JPT's 568 m CNY in 2019 (sohu.com filing) is 56,800 万元
    jpt = real[real["name_zh"].str.contains("杰普特")].iloc[0]
    assert (jpt["revenue_10k_cny"], jpt["revenue_year"]) == (56_800, 2019)


def test_calibrated_to_the_plans_2019_picture(firms):
    """Broad definition for the total and the counts (the plan's); laser-only published
    figures for the laser sector's total and its city shares (see scripts/make_sample.py)."""
    rev = firms["revenue_10k_cny"]
    assert (firms["listed"] != "").sum() >= 10  # 10余家上市公司
    assert (rev >= 10_000).sum() >= 30  # 年主营收超1亿元以上企业30余家
    assert (rev >= 1_000).sum() >= 300  # 1000万元以上中小企业300余家
    assert (rev >= 100_000).sum() < 15  # the 2025 target is 15 firms over 10亿: not yet met
    assert rev.sum() == pytest.approx(10_000_000, rel=0.02)  # 超过1000亿元 (broad)
    laser = firms["sector"].isin(["laser", "both"])
    # 深圳 2019 laser industry 260多亿元 ≈ 70 % of the province (laserfair.com 2020-10-17)
    assert rev[laser].sum() == pytest.approx(2_600_000 / 0.70, rel=0.01)
    shenzhen = firms["city_adcode"] == "440300"
    assert rev[laser & shenzhen].sum() / rev[laser].sum() == pytest.approx(0.70, abs=0.01)
    # 宝安 2018: 46 % of the province's laser output, 大族激光 counted among its firms
    hans = firms["name_zh"] == "大族激光科技产业集团股份有限公司"
    baoan = (firms["district_adcode"] == "440306") | hans
    assert rev[laser & baoan].sum() / rev[laser].sum() == pytest.approx(0.46, abs=0.01)
    by_city = rev[laser].groupby(firms["city_adcode"]).sum()
    assert by_city.idxmax() == "440300"
    located = laser & (firms["district_adcode"] != "")
    assert rev[located].groupby(firms["district_adcode"]).sum().idxmax() == "440306"
    core = firms["city_adcode"].map(lambda a: CITY_BY_ADCODE[a].zone) == "core"
    assert rev[core].sum() / rev.sum() > 0.8
    assert set(firms.loc[firms["sample"], "city_adcode"]) == set(CITY_BY_ADCODE)
    # the broad remainder is labelled as such: sample "cluster firms" without a sector
    cluster = firms["sample"] & (firms["sector"] == "")
    assert firms.loc[cluster, "name_zh"].str.startswith("示例集群企业").all()


def test_sample_points_lie_in_their_stated_district(firms, districts, regions):
    """Independent of the importer: join the points to the polygons named in the file."""
    sample = firms[firms["sample"]].copy()
    own = sample["city_adcode"].isin(["441900", "442000"])
    names = {(c, n): a for a, n, c in zip(districts.adcode, districts.name_zh,
                                          districts.city_adcode, strict=True)}
    city_code = sample["city"].map({c.name_zh: c.adcode for c in CITY_BY_ADCODE.values()})
    assert city_code.notna().all()
    stated = [c if o else names[(c, d)]
              for c, d, o in zip(city_code, sample["district"], own, strict=True)]
    polygons = pd.concat([districts[["adcode", "geometry"]], regions[["adcode", "geometry"]]])
    geom = polygons.drop_duplicates("adcode").set_index("adcode").geometry
    area = gpd.GeoSeries(geom.loc[stated].to_numpy(), crs="EPSG:4326")
    points = gpd.GeoSeries(sample.geometry.to_numpy(), crs="EPSG:4326")
    assert area.contains(points).all()
    # at least ~200 m inside the (simplified) border, measured in metres
    margin = area.to_crs("EPSG:32649").boundary.distance(points.to_crs("EPSG:32649"))
    assert margin.min() > 200


def test_district_level_real_rows_sit_inside_their_district(firms, districts):
    rows = firms[(~firms["sample"]) & (firms["coord_precision"] == "district")]
    assert len(rows) >= 5
    geom = districts.set_index("adcode").geometry
    for _, row in rows.iterrows():
        assert geom.loc[row["district_adcode"]].contains(row.geometry), row["name_zh"]
    city_rows = firms[(~firms["sample"]) & (firms["coord_precision"] == "city")]
    assert (city_rows["district_adcode"] == "").all()


def test_segments_and_sectors_use_the_vocabulary(firms):
    assert set(firms["segment"]) <= {*SEGMENTS, ""}
    assert set(firms["sector"]) <= {"laser", "additive", "both", ""}


def test_sample_tail_is_reproducible_from_its_script(raw):
    spec = importlib.util.spec_from_file_location("make_sample", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    real = raw[raw["sample"] != "true"][module.COLUMNS]
    seed = int(raw.loc[raw["sample"] == "true", "source"].iloc[0].rsplit("=", 1)[1])
    regenerated = module.make_sample(seed, real).reset_index(drop=True)
    shipped = raw[raw["sample"] == "true"][module.COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(regenerated, shipped, check_dtype=False)


# --------------------------------------------------------------------------- sites
@pytest.fixture(scope="module")
def sites() -> gpd.GeoDataFrame:
    return load_sites()


def test_sites_schema_and_sources(sites):
    assert list(sites.columns) == [*SITE_COLUMNS, "geometry"]
    assert sites.crs.to_epsg() == 4326
    assert set(sites["kind"]) <= set(SITE_KINDS)
    assert set(sites["status"]) <= set(SITE_STATUSES)
    plan_items = sites["coord_precision"] == "none"
    # every site has a source: a URL, or the plan itself for a plan item
    assert (sites["source"].str.contains("http")
            | (plan_items & sites["source"].str.contains(PLAN_TITLE.zh, regex=False))).all()
    assert sites["id"].is_unique
    located = sites[~plan_items]
    assert np.isfinite(located["lon"]).all() and np.isfinite(located["lat"]).all()


@pytest.mark.parametrize(("name", "kind", "status"), [
    ("深圳激光谷", "park", "building"),  # launched 2019-05-10; nothing says "operating"
    ("中国散裂中子源", "facility", "operating"),  # national acceptance 2018-08
    ("南方先进光源", "facility", "planned"),
    ("先进阿秒激光设施", "facility", "building"),  # ground broken 2025-01-10
    ("深圳自由电子激光", "facility", "building"),  # budget approved 2025-12-27, started
    ("季华实验室", "platform", "operating"),
    ("松山湖材料实验室", "platform", "operating"),
    ("中山光子科学中心", "facility", "planned"),
    ("南方光源研究测试平台", "platform", "operating"),
    ("深圳先进光源研究院", "platform", "operating"),  # moved into its building (dutenews)
    ("激光与增材制造广东省实验室", "platform", "planned"),
])
def test_named_sites_per_their_sources(sites, name, kind, status):
    row = sites[sites["name_zh"].str.contains(name)]
    assert len(row) == 1
    assert (row["kind"].iloc[0], row["status"].iloc[0]) == (kind, status)


def test_sites_lie_in_their_city(sites, regions):
    geom = regions.set_index("adcode").geometry
    for _, row in sites[sites["coord_precision"] != "none"].iterrows():
        assert geom.loc[row["city_adcode"]].contains(row.geometry), row["name_zh"]


# --------------------------------------------------------------------------- land areas
def test_official_city_areas_are_sourced_and_cross_checked_with_the_polygons(regions):
    from geo.areas import PROVINCE_OFFICIAL_KM2, area_comparison, load_city_areas

    official = load_city_areas()
    assert len(official) == 21 and official["source"].str.contains("http").all()
    table = area_comparison(regions).set_index("adcode")
    # the audit: coastal polygons carry sea and reclaimed land, inland ones match
    assert table.at["440400", "difference_pct"] > 10  # 珠海 1,956 vs 1,736.46
    assert table.at["440300", "difference_pct"] > 5  # 深圳 2,136 vs 1,997.47
    for inland in ("440200", "441400", "441600", "441800", "441200", "440600"):
        assert abs(table.at[inland, "difference_pct"]) < 0.1, inland
    assert table.at["440000", "official_km2"] == pytest.approx(PROVINCE_OFFICIAL_KM2, rel=1e-4)


def test_official_district_areas_are_sourced_and_agree_with_city_and_polygons(districts):
    """Shenzhen's district areas: every row sourced; they add up to the city's official
    area (within 0.1 %); inland districts match their polygons within 2 %, while the coastal
    polygons carry sea and reclaimed land (南山, 龙岗 with 大鹏新区's bays, 盐田: 8–16 %)."""
    from geo.areas import load_district_areas, official_areas

    table = load_district_areas()
    assert table["source"].str.contains("http").all()
    assert set(table["adcode"]) == set(districts.loc[districts["city_adcode"] == "440300",
                                                     "adcode"])
    assert table["land_area_km2"].sum() == pytest.approx(official_areas()["440300"], rel=1e-3)
    polygon = districts.set_index("adcode")["area_km2"]
    ratio = table.set_index("adcode")["land_area_km2"] / polygon.loc[table["adcode"]]
    inland = ["440303", "440309", "440310", "440311"]  # 罗湖 龙华 坪山 光明
    assert ((ratio.loc[inland] - 1).abs() < 0.02).all(), ratio.to_dict()
    assert (ratio.loc[["440305", "440307", "440308"]] < 0.93).all(), ratio.to_dict()
    assert ((ratio > 0.8) & (ratio < 1.02)).all(), ratio.to_dict()


# --------------------------------------------------------------------------- precision
def test_no_city_precision_firm_is_counted_in_a_district(firms, regions, districts):
    """A firm known only by its city sits at the city's interior point, which lies in some
    district (Shenzhen's in 龙岗): district tables must leave it out, city tables keep it."""
    from geo.metrics import compute

    coarse = firms[(firms["coord_precision"] == "city")
                   & ~firms["city_adcode"].isin(["441900", "442000"])]  # own district units
    assert len(coarse) >= 5 and (coarse["district_adcode"] == "").all()
    assert "大族激光科技产业集团股份有限公司" in set(coarse["name_zh"])
    by_district = compute(firms, regions, districts=districts, level="district")
    assert by_district.coverage["rows_city_precision"] == len(coarse)
    left_out = by_district.unassigned
    assert set(coarse["id"]) == set(left_out.loc[left_out["reason"] == "city_precision", "id"])
    by_city = compute(firms, regions, level="city")
    assert (by_city.table["enterprises"].sum() - by_district.table["enterprises"].sum()
            == len(coarse))
    # Shenzhen's 龙岗区 holds the city's interior point; none of the coarse firms count there
    longgang = by_district.table.set_index("adcode").at["440307", "enterprises"]
    inside = firms[firms["district_adcode"] == "440307"]
    assert longgang == len(inside)


def test_audited_enterprise_facts(firms):
    real = firms[~firms["sample"]].set_index("name_zh")
    hans = real.loc["大族激光科技产业集团股份有限公司"]
    # 2019 annual report: 95.63亿元 operating revenue, not the plan's "超过100亿"
    assert (hans["revenue_10k_cny"], hans["revenue_year"]) == (956_300, 2019)
    assert "002008&id=6210715" in hans["source"]
    located = {"深圳光韵达光电科技股份有限公司": "440305",
               "深圳市大族数控科技股份有限公司": "440306", "百超迪能": "440306",
               "广州迈普再生医学科技股份有限公司": "440112"}
    for name, district in located.items():
        assert real.at[name, "district_adcode"] == district, name
        assert real.at[name, "coord_precision"] == "district", name


def test_plan_item_without_a_place_is_listed_not_mapped(sites, regions):
    """激光与增材制造广东省实验室: the plan asks for it, no source says it exists."""
    from geo import maps
    from geo.offline import render_html

    lab = sites[sites["name_zh"] == "激光与增材制造广东省实验室"].iloc[0]
    assert lab["coord_precision"] == "none" and lab["status"] == "planned"
    assert lab.geometry is None and np.isnan(lab["lon"]) and lab["city_adcode"] == ""
    m = maps.base_map(regions)
    maps.site_layer(sites).add_to(m)
    html = render_html(m)
    start = html.index("L.atlas.sites(") + len("L.atlas.sites(")
    payload, _ = json.JSONDecoder().raw_decode(html, start)
    assert "深圳激光谷" in payload["nm"] and "激光与增材制造广东省实验室" not in payload["nm"]
    assert len(payload["nm"]) == len(sites) - 1


def test_dongguan_sites_are_in_dalang_not_on_the_city_point(sites):
    """CSNS, the materials lab and the light-source platform are in 大朗镇 (IHEP address
    中子源路一号), at the town's sourced centre, no longer on Dongguan's interior point."""
    dalang = sites[sites["district"] == "大朗镇"]
    assert set(dalang["name_zh"]) >= {"中国散裂中子源", "松山湖材料实验室", "南方光源研究测试平台"}
    assert (dalang["coord_precision"] == "town").all()
    lon, lat = 113 + 52 / 60, 22 + 58 / 60  # 鎮中心 22°58′N 113°52′E (twwiki)
    assert np.allclose(dalang["lon"], lon, atol=1e-4) and np.allclose(dalang["lat"], lat,
                                                                       atol=1e-4)


def test_laser_valley_is_in_baoan_xinqiao_and_says_how_precisely(sites, districts):
    """深圳激光谷 is in 宝安区 新桥街道. No street-level coordinates were found, so the row
    stays at district precision and says so; it must never claim more."""
    valley = sites[sites["name_zh"] == "深圳激光谷"].iloc[0]
    assert valley["city_adcode"] == "440300" and valley["district"] == "宝安区"
    baoan = districts.set_index("adcode").geometry["440306"]
    assert baoan.contains(valley.geometry)
    assert "新桥街道" in valley["note"] and "新桥107创智园" in valley["note"]
    if valley["coord_precision"] != "exact":
        assert "interior point" in valley["note"] and "NOT at its real place" in valley["note"]


def test_sites_page_lists_the_plan_item_and_data_page_shows_both_areas():
    """The Sites page's table holds the placeless plan item; the Data page shows official
    and polygon land areas side by side (AppTest, bundled data)."""
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "app.py")
    at = AppTest.from_file(app, default_timeout=60)
    at.run()
    at.switch_page("views/sites.py").run()
    assert not at.exception, at.exception
    listed = {n for df in at.dataframe for n in df.value.get("名称", [])}  # the sites' names
    assert "激光与增材制造广东省实验室" in listed
    picker = " ".join(str(o) for o in at.selectbox(key="site").options)
    assert "深圳激光谷" in picker and "激光与增材制造广东省实验室" not in picker
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    # the table's headers are in the page's language (ui.columns), the values stay numbers
    code, official, polygon = (t(f"col.{c}", "zh") for c in ("adcode", "official_km2",
                                                              "polygon_km2"))
    areas = [df.value for df in at.dataframe if official in df.value.columns]
    assert len(areas) == 1
    zhuhai = areas[0].set_index(code).loc["440400"]
    assert (zhuhai[official], round(zhuhai[polygon])) == (1736.46, 1956)


def test_jihua_lab_is_at_guicheng_not_on_nanhais_interior_point(sites, districts):
    """季华实验室's campus (三山新城 文翰湖畔) is in 桂城街道 (南海区): the row sits at the
    街道's sourced point (23°02′20″N 113°11′31″E, wiki page), town precision, and says so."""
    lab = sites[sites["name_zh"] == "季华实验室"].iloc[0]
    assert lab["coord_precision"] == "town" and lab["district"] == "南海区"
    assert (lab["lon"], lab["lat"]) == pytest.approx((113 + 11 / 60 + 31 / 3600,
                                                      23 + 2 / 60 + 20 / 3600), abs=1e-3)
    assert districts.set_index("adcode").geometry["440605"].contains(lab.geometry)
    guicheng = "%E6%A1%82%E5%9F%8E%E8%A1%97%E9%81%93"  # 桂城街道, URL-encoded
    assert "桂城街道" in lab["note"] and guicheng in lab["source"]


def test_foshan_has_a_sourced_real_firm(firms):
    """The audit: "real only" showed no firm in 佛山. 宏石激光 (laser cutting, 顺德 北滘) is
    located by its prospectus address to its district, with its reported revenues."""
    real = firms[~firms["sample"]]
    foshan = real[real["city_adcode"] == "440600"]
    assert "广东宏石激光技术股份有限公司" in set(foshan["name_zh"])
    hsg = foshan.set_index("name_zh").loc["广东宏石激光技术股份有限公司"]
    assert (hsg["district_adcode"], hsg["coord_precision"]) == ("440606", "district")
    assert (hsg["revenue_10k_cny"], hsg["revenue_year"]) == (195_666.67, 2022)
    assert hsg["listed"] == ""  # its 2023 registration lapsed: not listed
