"""Metrics: hand-computed fixtures for every column, assignment edge cases, plan progress, CLI.

The synthetic fixture (three 0.1° squares, explicit EPSG:4326) is worked out by hand below;
expected values are arithmetic on the fixture, not copies of the code's output.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, box

from geo import areas as AREAS
from geo import metrics as M
from geo.cli import metrics as metrics_cli
from geo.layout import SEGMENTS, tier_codes

NAN = math.nan

# ---------------------------------------------------------------------------------------
# Fixture
#
#   area "100" 甲 (core)      box 113.0–113.1 E, 23.0–23.1 N, land 100 km²
#   area "200" 乙 (north)     box 113.1–113.2 E (shares the edge x = 113.1), land 200 km²
#   area "300" 丙 (east_wing) box 113.3–113.4 E, land 50 km², no firms
#
#   firm  lon     lat    revenue 万元  tier   segment     sector    listed  sample
#   A     113.05  23.05  150,000       t1bn   equipment   laser     yes     yes   -> 100
#   B     113.02  23.02   20,000       t100m  components  laser     no      yes   -> 100
#   C     113.08  23.08  unknown       unk.   equipment   additive  no      no    -> 100
#   D     113.10  23.05    5,000       t10m   design      both      no      no    -> border,
#                                                                          100 (lowest adcode)
#   E     113.15  23.05   30,000       t100m  equipment   additive  yes     no    -> 200
#   F     113.18  23.02      500       small  (unknown)   (unknown) no      no    -> 200
#   G     120.00  10.00   10,000                                                  -> outside
#   H     (no geometry)                                                           -> no coords
# ---------------------------------------------------------------------------------------
CRS = "EPSG:4326"


def _regions() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "adcode": ["200", "100", "300"],  # not sorted: the tie-break must not depend on order
            "name_zh": ["乙", "甲", "丙"],
            "name_en": ["B-town", "A-town", "C-town"],
            "zone": ["north", "core", "east_wing"],
            "land_area_km2": [200.0, 100.0, 50.0],
        },
        geometry=[box(113.1, 23.0, 113.2, 23.1), box(113.0, 23.0, 113.1, 23.1),
                  box(113.3, 23.0, 113.4, 23.1)],
        crs=CRS,
    )


def _firms() -> gpd.GeoDataFrame:
    rows = [
        ("A", 113.05, 23.05, 150_000.0, "equipment", "laser", "300001", True),
        ("B", 113.02, 23.02, 20_000.0, "components", "laser", "", True),
        ("C", 113.08, 23.08, NAN, "equipment", "additive", "", False),
        ("D", 113.10, 23.05, 5_000.0, "design", "both", "", False),
        ("E", 113.15, 23.05, 30_000.0, "equipment", "additive", "688001", False),
        ("F", 113.18, 23.02, 500.0, "", "", "", False),
        ("G", 120.00, 10.00, 10_000.0, "services", "laser", "", False),
        ("H", NAN, NAN, 8_000.0, "services", "laser", "", False),
    ]
    df = pd.DataFrame(rows, columns=["id", "lon", "lat", "revenue_10k_cny", "segment", "sector",
                                     "listed", "sample"])
    df["name_zh"] = "企业" + df["id"]
    df["revenue_year"] = pd.array([2023] * 8, dtype="Int64")
    geom = [None if math.isnan(x) else Point(x, y) for x, y in zip(df.lon, df.lat, strict=True)]
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def _sites() -> gpd.GeoDataFrame:
    # a platform on firm A, a park on firm E, a planned facility far away in area 300
    return gpd.GeoDataFrame(
        {"id": ["s1", "s2", "s3"], "kind": ["platform", "park", "facility"]},
        geometry=[Point(113.05, 23.05), Point(113.15, 23.05), Point(113.35, 23.05)], crs=CRS,
    )


@pytest.fixture(scope="module")
def city() -> M.MetricsResult:
    return M.compute(_firms(), _regions(), sites=_sites(), level="city", radius_km=5.0)


def _row(result: M.MetricsResult, adcode: str) -> pd.Series:
    rows = result.table[result.table["adcode"] == adcode]
    assert len(rows) == 1
    return rows.iloc[0]


# ---------------------------------------------------------------------------------------
# Assignment and coverage
# ---------------------------------------------------------------------------------------
def test_every_area_has_a_row_in_input_order(city):
    assert city.table["adcode"].tolist() == ["200", "100", "300"]


def test_coverage_counts(city):
    cov = city.coverage
    assert cov["rows"] == 8
    assert cov["rows_used"] == 6  # A–F
    assert cov["rows_without_coordinates"] == 1  # H
    assert cov["rows_outside"] == 1  # G
    assert cov["sample_rows"] == 2  # A, B
    assert cov["revenue_known_rows"] == 5  # A B D E F
    assert cov["sites_used"] == 3


def test_unassigned_are_reported_with_reason(city):
    un = city.unassigned.set_index("id")
    assert un.loc["G", "reason"] == "outside"
    assert un.loc["H", "reason"] == "no_coordinates"
    assert sorted(un.index) == ["G", "H"]
    assert un.loc["G", "lon"] == 120.0


def test_border_point_goes_to_lowest_adcode_once(city):
    # D (113.10, 23.05) lies on the edge shared by 100 and 200: counted once, in 100.
    assert _row(city, "100")["enterprises"] == 4
    assert _row(city, "200")["enterprises"] == 2
    assert city.table["enterprises"].sum() == 6


def test_border_point_on_real_shared_vertex(regions):
    gz, fs = (regions.set_index("adcode").geometry[a] for a in ("440100", "440600"))
    shared = {tuple(c) for c in shapely.get_coordinates(gz)} & {
        tuple(c) for c in shapely.get_coordinates(fs)}
    assert shared, "广州 and 佛山 should share boundary vertices"
    x, y = sorted(shared)[len(shared) // 2]
    firms = gpd.GeoDataFrame(
        {"revenue_10k_cny": [1.0], "segment": ["design"], "sector": ["laser"], "listed": [""]},
        geometry=[Point(x, y)], crs=CRS)
    table = M.compute(firms, regions).table.set_index("adcode")
    assert table["enterprises"].sum() == 1
    assert table.at["440100", "enterprises"] == 1  # 440100 < 440600


def test_assign_tie_break_and_nan():
    squares = np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    got = M.assign(np.array([1.0, 1.0, np.nan, 5.0]), np.array([0.5, 0.5, 0.5, 0.5]),
                   squares, ["9", "1"])
    assert got.tolist() == [1, 1, -1, -1]


def test_points_just_off_the_coast_snap_to_the_nearest_area():
    # 0.005° (~0.5 km) east of area 300's outer edge: snapped; 0.05° (~5 km): outside
    firms = gpd.GeoDataFrame(
        {"revenue_10k_cny": [1.0, 1.0], "segment": ["design"] * 2, "sector": ["laser"] * 2,
         "listed": [""] * 2},
        geometry=[Point(113.405, 23.05), Point(113.45, 23.05)], crs=CRS)
    result = M.compute(firms, _regions())
    assert result.table.set_index("adcode").at["300", "enterprises"] == 1
    assert result.coverage["rows_outside"] == 1
    assert M.COAST_TOLERANCE_DEG < 0.05


def test_projected_input_is_reprojected():
    firms = _firms()
    projected = firms.to_crs("EPSG:32649")
    a = M.compute(firms, _regions()).table
    b = M.compute(projected, _regions()).table
    assert a["enterprises"].tolist() == b["enterprises"].tolist()


def test_lonlat_dataframe_input_matches_geodataframe():
    firms = _firms()
    plain = pd.DataFrame(firms.drop(columns="geometry"))
    a = M.compute(firms, _regions()).table
    b = M.compute(plain, _regions()).table
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------------------------------
# Hand-computed values, area by area
# ---------------------------------------------------------------------------------------
def test_counts_tiers_sectors_segments(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    assert (a["listed"], b["listed"], c["listed"]) == (1, 1, 0)
    # 100: A t1bn, B t100m, D t10m, C unknown; 200: E t100m, F small
    assert [a[f"tier_{t}"] for t in ("t1bn", "t100m", "t10m", "small", "unknown")] == [
        1, 1, 1, 0, 1]
    assert [b[f"tier_{t}"] for t in ("t1bn", "t100m", "t10m", "small", "unknown")] == [
        0, 1, 0, 1, 0]
    assert (a["tier_t100m_plus"], b["tier_t100m_plus"]) == (2, 1)
    assert [a[f"sector_{s}"] for s in ("laser", "additive", "both", "unknown")] == [2, 1, 1, 0]
    assert [b[f"sector_{s}"] for s in ("laser", "additive", "both", "unknown")] == [0, 1, 0, 1]
    assert (a["seg_equipment"], a["seg_components"], a["seg_design"]) == (2, 1, 1)
    assert (b["seg_equipment"], b["segment_unknown"]) == (1, 1)
    assert c[[f"seg_{s}" for s in SEGMENTS]].sum() == 0


def test_revenue_and_missing(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    # 亿元 = 万元 / 10,000: 100 = 15 + 2 + 0.5 (C unknown); 200 = 3 + 0.05
    assert a["revenue_100m_cny"] == pytest.approx(17.5)
    assert b["revenue_100m_cny"] == pytest.approx(3.05)
    assert c["revenue_100m_cny"] == 0
    assert (a["revenue_missing"], b["revenue_missing"], c["revenue_missing"]) == (1, 0, 0)
    # province known revenue = 20.55 (G outside, H unlocated are not in the province)
    assert a["revenue_share"] == pytest.approx(17.5 / 20.55)
    assert b["revenue_share"] == pytest.approx(3.05 / 20.55)
    assert c["revenue_share"] == 0
    assert city.table["revenue_share"].sum() == pytest.approx(1.0)
    assert a["enterprise_share"] == pytest.approx(4 / 6)


def test_density_and_revenue_per_km2(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    assert a["land_area_km2"] == 100
    assert a["density_per_1000km2"] == pytest.approx(4 / 100 * 1000)  # 40
    assert b["density_per_1000km2"] == pytest.approx(2 / 200 * 1000)  # 10
    assert c["density_per_1000km2"] == 0
    assert a["revenue_100m_cny_per_km2"] == pytest.approx(17.5 / 100)
    assert b["revenue_100m_cny_per_km2"] == pytest.approx(3.05 / 200)


def test_location_quotient_by_hand(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    # Firms with a known segment: area 100 → 4 (equipment 2, components 1, design 1);
    # area 200 → 1 (equipment 1; F has none); province → 5 (equipment 3, components 1,
    # design 1).
    # LQ equipment, 100: (2/4) / (3/5) = 0.5 / 0.6 = 5/6
    assert a["lq_equipment"] == pytest.approx(5 / 6)
    # LQ equipment, 200: (1/1) / (3/5) = 5/3
    assert b["lq_equipment"] == pytest.approx(5 / 3)
    # LQ components, 100: (1/4) / (1/5) = 1.25; 200: 0 / (1/5) = 0
    assert a["lq_components"] == pytest.approx(1.25)
    assert b["lq_components"] == 0
    assert a["lq_design"] == pytest.approx(1.25)
    # no firm in the province makes basic materials: 0/0 → NaN, not 0 and not inf
    assert math.isnan(a["lq_basic_materials"])
    # the empty area has no LQ at all
    assert c[[f"lq_{s}" for s in SEGMENTS]].isna().all()


def test_chain_completeness(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    assert (a["segments_present"], b["segments_present"], c["segments_present"]) == (3, 1, 0)
    assert a["segments_missing"].split(",") == ["basic_materials", "special_materials",
                                                "services"]
    assert c["segments_missing"].split(",") == list(SEGMENTS)


def test_concentration(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    assert a["top_firm_share"] == pytest.approx(15 / 17.5)
    assert b["top_firm_share"] == pytest.approx(3 / 3.05)
    # HHI = Σ s_i²: 100 → (15² + 2² + 0.5²) / 17.5² = 229.25 / 306.25
    assert a["hhi"] == pytest.approx(229.25 / 306.25)
    assert b["hhi"] == pytest.approx((9 + 0.0025) / 3.05**2)
    assert math.isnan(c["top_firm_share"]) and math.isnan(c["hhi"])


def test_innovation_coupling(city):
    a, b, c = _row(city, "100"), _row(city, "200"), _row(city, "300")
    assert (a["sites"], a["platforms"], a["parks"]) == (1, 1, 0)
    assert (b["sites"], b["platforms"], b["parks"]) == (1, 0, 1)
    assert (c["sites"], c["platforms"], c["parks"]) == (1, 1, 0)
    # Independent check with geodesic distances (UTM differs by < 0.1 % here). Nearest
    # platform/facility: s1 (113.05, 23.05) or s3 (113.35, 23.05). A 0 km, B/C ≈ 4.5 km,
    # D ≈ 5.1 km → 3 of 4 within 5 km; E ≈ 10.2 km, F ≈ 13.7 km → 0 of 2.
    geod = Geod(ellps="WGS84")

    def nearest(x, y):
        return min(geod.inv(x, y, sx, 23.05)[2] for sx in (113.05, 113.35)) / 1000

    d100 = sorted(nearest(x, y) for x, y in [(113.05, 23.05), (113.02, 23.02),
                                             (113.08, 23.08), (113.10, 23.05)])
    d200 = [nearest(113.15, 23.05), nearest(113.18, 23.02)]
    assert d100[2] < 5 < d100[3]  # the fixture's margins are real
    assert a["share_near_platform"] == pytest.approx(3 / 4)
    assert b["share_near_platform"] == 0
    assert a["median_km_to_platform"] == pytest.approx((d100[1] + d100[2]) / 2, rel=2e-3)
    assert b["median_km_to_platform"] == pytest.approx(sum(d200) / 2, rel=2e-3)
    assert math.isnan(c["share_near_platform"]) and math.isnan(c["median_km_to_platform"])


def test_radius_changes_share():
    wide = M.compute(_firms(), _regions(), sites=_sites(), radius_km=11.0).table
    assert wide.set_index("adcode").at["200", "share_near_platform"] == pytest.approx(1 / 2)


def test_without_sites_coupling_is_nan():
    table = M.compute(_firms(), _regions()).table
    for col in ("sites", "platforms", "share_near_platform", "median_km_to_platform"):
        assert table[col].isna().all()


def test_tier_boundaries_match_layout():
    revenue = [100_000.0, 99_999.0, 10_000.0, 1_000.0, 999.0, 0.0, NAN]
    n = len(revenue)
    firms = gpd.GeoDataFrame(
        {"revenue_10k_cny": revenue, "segment": ["design"] * n, "sector": ["laser"] * n,
         "listed": [""] * n},
        geometry=[Point(113.05, 23.05)] * n, crs=CRS)
    row = M.compute(firms, _regions(), level="province").table.iloc[0]
    expected = tier_codes(pd.Series(revenue)).value_counts()
    for tier in ("t1bn", "t100m", "t10m", "small", "unknown"):
        assert row[f"tier_{tier}"] == expected.get(tier, 0)
    assert (row["tier_t1bn"], row["tier_t100m"], row["tier_t10m"], row["tier_small"]) == (
        1, 2, 1, 2)


def test_all_revenue_missing_gives_nan_ratios_not_zero_division():
    firms = _firms()
    firms["revenue_10k_cny"] = NAN
    with np.errstate(all="raise"):
        table = M.compute(firms, _regions()).table
    assert (table["revenue_100m_cny"] == 0).all()
    assert table["revenue_share"].isna().all()
    assert table["hhi"].isna().all()
    assert table.set_index("adcode").at["100", "revenue_missing"] == 4
    assert not np.isinf(table.select_dtypes("number").to_numpy(dtype=float)).any()


def test_no_firms_at_all():
    firms = _firms().iloc[0:0]
    result = M.compute(firms, _regions(), sites=_sites())
    assert result.table["enterprises"].tolist() == [0, 0, 0]
    assert result.coverage["rows_used"] == 0
    assert result.table["lq_equipment"].isna().all()


# ---------------------------------------------------------------------------------------
# Levels
# ---------------------------------------------------------------------------------------
def test_zone_level_and_layout_groups():
    result = M.compute(_firms(), _regions(), level="zone")
    table = result.table.set_index("adcode")
    assert set(table.index) == {"core", "north", "east_wing"}
    assert table.at["core", "enterprises"] == 4
    assert table.at["north", "enterprises"] == 2
    assert table.at["east_wing", "enterprises"] == 0
    assert table.at["core", "name_zh"] == "珠三角核心区"
    assert table.at["north", "land_area_km2"] == 200
    assert table.at["east_wing", "layout_group"] == "belt"
    assert table.at["core", "group_revenue_share"] == pytest.approx(17.5 / 20.55)
    groups = result.groups.set_index("group")
    assert groups["enterprises"].tolist() == [4, 0, 2]  # core, belt, north
    assert groups.at["north", "enterprise_share"] == pytest.approx(2 / 6)
    assert groups.at["belt", "land_area_km2"] == 50
    assert groups.at["core", "density_per_1000km2"] == pytest.approx(40)


def test_province_level():
    row = M.compute(_firms(), _regions(), sites=_sites(), level="province", radius_km=5.0
                    ).table.iloc[0]
    assert row["adcode"] == "440000"
    assert row["enterprises"] == 6
    assert row["revenue_100m_cny"] == pytest.approx(20.55)
    assert row["density_per_1000km2"] == pytest.approx(6 / 350 * 1000)
    assert row["lq_equipment"] == pytest.approx(1.0)  # the province against itself
    assert row["share_near_platform"] == pytest.approx(3 / 6)
    assert row["sites"] == 3


def test_district_level_real(regions, districts):
    inside = districts.set_index("adcode").geometry.representative_point()
    dongguan = regions.set_index("adcode").geometry["441900"].representative_point()
    pts = [inside["440106"], inside["440106"], dongguan]  # 天河区 ×2, 东莞
    firms = gpd.GeoDataFrame(
        {"revenue_10k_cny": [1.0, 2.0, 3.0], "segment": ["design"] * 3,
         "sector": ["laser"] * 3, "listed": [""] * 3}, geometry=pts, crs=CRS)
    result = M.compute(firms, regions, districts=districts, level="district")
    table = result.table.set_index("adcode")
    assert len(table) == len(districts) + 2 == 124
    assert {"441900", "442000"} <= set(table.index)
    assert table.at["440106", "enterprises"] == 2
    assert table.at["440106", "city_adcode"] == "440100"
    assert table.at["441900", "enterprises"] == 1
    assert table.at["441900", "city_adcode"] == "441900"
    # 东莞 has no districts: its own unit, with the official city area (polygon: 2460.3)
    assert table.at["441900", "land_area_km2"] == pytest.approx(2460.1)
    assert table.at["441900", "polygon_area_km2"] == pytest.approx(2460.3, abs=0.05)
    assert table.at["441900", "area_basis"] == "official"
    # Shenzhen's nine districts have sourced official areas (data/district_areas.csv)
    shenzhen = table["city_adcode"] == "440300"
    assert (table.loc[shenzhen, "area_basis"] == "official").all() and shenzhen.sum() == 9
    others = table[~shenzhen].drop(index=["441900", "442000"])
    assert (others["area_basis"] == "polygon").all()
    assert (table["land_area_km2"] > 0).all()
    # 汕尾城区 carries 东沙群岛 (atoll ~176 km² + 北卫滩/南卫滩 ~154 km²) in the source
    # polygons: excluded from land area
    area = districts.set_index("adcode").at["441502", "area_km2"]
    assert 300 < area - table.at["441502", "land_area_km2"] < 360
    assert table["zone"].notna().all() and (table["zone"] != "").all()


def test_city_level_real_regions_every_city(regions):
    firms = _firms().iloc[0:0]
    table = M.compute(firms, regions).table
    assert len(table) == 21
    assert (table["enterprises"] == 0).all()
    assert (table["density_per_1000km2"] == 0).all()


@pytest.mark.parametrize("level", M.LEVELS)
def test_every_registered_metric_has_its_column(level, regions, districts):
    table = M.compute(_firms(), regions, districts=districts, sites=_sites(), level=level).table
    missing = [m.column for m in M.METRICS.values() if m.column not in table.columns]
    assert not missing


# ---------------------------------------------------------------------------------------
# Validation and registry
# ---------------------------------------------------------------------------------------
def test_get_metric():
    spec = M.get_metric(" Density_per_1000km2 ")
    assert spec.column == "density_per_1000km2"
    assert spec.unit("zh") == "家/千平方公里"
    assert spec.title("en").startswith("Enterprise density (")
    assert M.get_metric("revenue_per_km2").column == "revenue_100m_cny_per_km2"
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        M.get_metric("nope")
    for code in ("enterprises", "revenue_share", "listed", "tier_t100m_plus",
                 "segments_present", "hhi", "share_near_platform",
                 *(f"lq_{s}" for s in SEGMENTS)):
        assert code in M.METRICS


def test_every_metric_is_named_in_the_text_catalogue_in_both_languages():
    from geo.panel import GROWTH_METRICS

    specs = [*M.METRICS.values(), *GROWTH_METRICS.values()]
    assert len(specs) == 18 + 2 * len(SEGMENTS) + 8
    for spec in specs:
        zh, en = spec.label("zh"), spec.label("en")
        assert zh.strip() and en.strip() and zh != en, spec.code
        assert bool(spec.unit("zh")) == bool(spec.unit("en")) == bool(spec.unit_code), spec.code
    # a metric the catalogue cannot name, or a unit outside geo.units, fails where it is defined
    with pytest.raises(KeyError, match=r"metric\.nope"):
        M.MetricSpec("nope", "nope", "家", 0)
    with pytest.raises(KeyError, match="unknown unit code '吨'"):
        M.MetricSpec("enterprises", "enterprises", "吨", 0)


def test_a_title_writes_the_unit_in_full_width_brackets_in_chinese_only():
    density, lq = M.METRICS["density_per_1000km2"], M.METRICS["lq_components"]
    assert density.title("zh") == "企业密度（家/千平方公里）"
    assert density.title("en") == "Enterprise density (firms per 1,000 km²)"
    # a vocabulary term fills the template in the same language; an index has no unit
    assert lq.title("zh") == f"区位商：{SEGMENTS['components'].zh}"
    assert lq.title("en") == f"Location quotient: {SEGMENTS['components'].en}"
    assert M.METRICS["seg_components"].title("en") == f"{SEGMENTS['components'].en} firms (firms)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"level": "county"}, "unknown level 'county'"),
     ({"radius_km": 0}, "radius_km must be a positive number"),
     ({"radius_km": float("nan")}, "radius_km")],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        M.compute(_firms(), _regions(), **kwargs)


def test_bad_inputs():
    with pytest.raises(TypeError, match="enterprises must be"):
        M.compute([1, 2], _regions())
    with pytest.raises(ValueError, match="lacks columns \\['segment'\\]"):
        M.compute(_firms().drop(columns="segment"), _regions())
    with pytest.raises(ValueError, match="no CRS"):
        M.compute(_firms().set_crs(None, allow_override=True), _regions())
    polys = _firms()
    polys.loc[0, "geometry"] = box(0, 0, 1, 1)
    with pytest.raises(ValueError, match="Point geometries"):
        M.compute(polys, _regions())


# ---------------------------------------------------------------------------------------
# Plan progress
# ---------------------------------------------------------------------------------------
@pytest.fixture
def registry():
    return pytest.importorskip("geo.registry")


@pytest.fixture
def registry_csv(registry, tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(
        "id,name_zh,city,lon,lat,sector,segment,revenue_10k_cny,revenue_year,listed\n"
        "f1,甲激光,深圳,114.05,22.55,laser,equipment,150000,2023,002008\n"
        "f2,乙增材,深圳,113.90,22.60,additive,components,,2023,\n"
        "f3,丙激光,广州,113.30,23.12,laser,design,2500,2023,\n",
        encoding="utf-8",
    )
    return path


def test_cli_csv_columns_and_zero_rows(registry_csv, capsys):
    assert metrics_cli.cli(["--enterprises", str(registry_csv), "--no-sites"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"adcode": str})
    assert set(metrics_cli.CLI_COLUMNS) <= set(table.columns)
    assert len(table) == 21  # every city, with or without firms
    table = table.set_index("adcode")
    assert table.at["440300", "enterprises"] == 2
    assert table.at["440100", "enterprises"] == 1
    assert table.at["440300", "revenue_100m_cny"] == pytest.approx(15.0)  # f2 unknown
    assert table.at["440300", "revenue_share"] == pytest.approx(15.0 / 15.25)
    others = table.drop(index=["440300", "440100"])
    assert (others["enterprises"] == 0).all() and (others["revenue_100m_cny"] == 0).all()
    assert (others["density_per_1000km2"] == 0).all()


def test_cli_json_zone(registry_csv, capsys):
    assert metrics_cli.cli(["--enterprises", str(registry_csv), "--level", "zone",
                            "--format", "json", "--no-sites"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["adcode"] for r in payload["table"]] == ["core", "east_wing", "west_wing", "north"]
    assert payload["table"][0]["enterprises"] == 3
    assert payload["coverage"]["rows_used"] == 3
    assert [g["group"] for g in payload["groups"]] == ["core", "belt", "north"]


def test_cli_bundled_data(registry, capsys):
    if not registry.ENTERPRISES_PATH.is_file():
        pytest.skip("bundled data/enterprises.csv not there yet")
    assert metrics_cli.cli([]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"adcode": str})
    assert set(metrics_cli.CLI_COLUMNS) <= set(table.columns)
    assert len(table) == 21


def test_cli_bad_file_exit_2(registry, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01not,a\nregistry")
    assert metrics_cli.cli(["--enterprises", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert metrics_cli.cli(["--enterprises", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_cli_bad_option_exit_2(capsys):
    assert metrics_cli.cli(["--level", "county"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_city_precision_rows_are_not_put_in_a_district(regions):
    """A firm known only to its city sits at the city's interior point: at district level
    it must be reported, not counted in whichever district holds that point."""
    from geo.registry import interior_point

    lon, lat = interior_point("440300")
    firms = gpd.GeoDataFrame(
        {"revenue_10k_cny": [1e6, 10.0], "segment": ["equipment", "components"],
         "sector": ["laser", "laser"], "listed": ["002008", ""],
         "coord_precision": ["city", "exact"], "city_adcode": ["440300", "440300"]},
        geometry=gpd.points_from_xy([lon, 113.93], [lat, 22.53]), crs="EPSG:4326")
    district = M.compute(firms, regions, level="district")
    assert district.table["enterprises"].sum() == 1
    assert district.coverage["rows_city_precision"] == 1
    assert district.unassigned["reason"].tolist() == ["city_precision"]
    city = M.compute(firms, regions, level="city")
    assert city.table.set_index("adcode").loc["440300", "enterprises"] == 2


def test_shares_are_shown_as_percentages():
    # the table keeps shares as 0–1 (sums, LQ arithmetic); maps, legends and downloads show %
    for code in ("revenue_share", "enterprise_share", "top_firm_share", "share_near_platform"):
        spec = M.get_metric(code)
        assert spec.unit("zh") == spec.unit("en") == "%"
        assert spec.shown(pd.Series([0.125])).tolist() == [12.5]
    density = M.get_metric("density_per_1000km2")
    assert density.shown(pd.Series([3.0])).tolist() == [3.0]


# ---------------------------------------------------------------------------------------
# Density denominators: official land areas (geo.areas, data/city_areas.csv)
# ---------------------------------------------------------------------------------------
def test_city_densities_divide_by_the_official_land_area(regions):
    official = pd.read_csv(AREAS.CITY_AREAS_PATH, dtype={"adcode": str}).set_index("adcode")
    zhuhai = regions.set_index("adcode").geometry["440400"].representative_point()
    firms = gpd.GeoDataFrame({"revenue_10k_cny": [1.0] * 3, "segment": ["design"] * 3,
                              "sector": ["laser"] * 3, "listed": [""] * 3},
                             geometry=[zhuhai] * 3, crs=CRS)
    table = M.compute(firms, regions).table.set_index("adcode")
    assert (table["area_basis"] == "official").all()
    pd.testing.assert_series_equal(table["land_area_km2"], official["land_area_km2"].loc[
        table.index], check_names=False)
    # Zhuhai: 1,736.46 km² official against a 1,956 km² polygon (sea and reclaimed land)
    row = table.loc["440400"]
    assert row["land_area_km2"] == pytest.approx(1736.46)
    assert row["density_per_1000km2"] == pytest.approx(3 * 1000 / 1736.46)
    assert row["polygon_area_km2"] == pytest.approx(
        regions.set_index("adcode").at["440400", "land_area_km2"])
    assert row["polygon_area_km2"] / row["land_area_km2"] > 1.1


def test_zone_and_province_areas_are_sums_of_official_city_areas(regions):
    firms = _firms().iloc[0:0]
    province = M.compute(firms, regions, level="province").table.iloc[0]
    total = pd.read_csv(AREAS.CITY_AREAS_PATH)["land_area_km2"].sum()
    assert province["land_area_km2"] == pytest.approx(total)
    assert province["area_basis"] == "official"
    # the 21 official figures add up to the published provincial land area (17.98万 km²)
    assert province["land_area_km2"] == pytest.approx(AREAS.PROVINCE_OFFICIAL_KM2, rel=1e-3)
    zones = M.compute(firms, regions, level="zone").table
    assert zones["land_area_km2"].sum() == pytest.approx(total)


def test_areas_without_an_official_figure_fall_back_to_the_polygon():
    table = M.compute(_firms(), _regions()).table.set_index("adcode")
    assert (table["area_basis"] == "polygon").all()
    assert table.at["100", "land_area_km2"] == 100
    mixed = M.compute(_firms(), _regions(), city_areas={"100": 80.0}, level="zone"
                      ).table.set_index("adcode")
    assert mixed.at["core", "land_area_km2"] == 80
    assert mixed.at["core", "polygon_area_km2"] == 100
    assert mixed.at["core", "density_per_1000km2"] == pytest.approx(4 / 80 * 1000)


def test_district_densities_divide_by_the_official_area_where_sourced(regions, districts):
    """A district in the official-area mapping divides by it and says "official"; the
    others keep their polygon land area and say "polygon"."""
    inside = districts.set_index("adcode").geometry.representative_point()
    firms = gpd.GeoDataFrame({"revenue_10k_cny": [1.0, 1.0], "segment": ["design"] * 2,
                              "sector": ["laser"] * 2, "listed": [""] * 2},
                             geometry=[inside["440306"], inside["440106"]], crs=CRS)
    table = M.compute(firms, regions, districts=districts, level="district",
                      district_areas={"440306": 400.0}).table.set_index("adcode")
    baoan, tianhe = table.loc["440306"], table.loc["440106"]
    assert (baoan["land_area_km2"], baoan["area_basis"]) == (400.0, "official")
    assert baoan["density_per_1000km2"] == pytest.approx(1000 / 400)
    assert baoan["polygon_area_km2"] == pytest.approx(
        districts.set_index("adcode").at["440306", "area_km2"], rel=1e-6)
    assert tianhe["area_basis"] == "polygon"
    assert tianhe["land_area_km2"] == tianhe["polygon_area_km2"]
    assert tianhe["density_per_1000km2"] == pytest.approx(1000 / tianhe["polygon_area_km2"])
    # the bundled file by default: 宝安区 397 km²
    bundled = M.compute(firms, regions, districts=districts, level="district"
                        ).table.set_index("adcode")
    assert bundled.at["440306", "land_area_km2"] == AREAS.official_district_areas()["440306"]


@pytest.mark.parametrize(("line", "message"), [
    ("440306,宝安区,-3,,http://x,", "row 2, column land_area_km2"),
    ("440306,南山区,397,,http://x,", "row 2, column name_zh"),
    ("440399,某区,397,,http://x,", "row 2, column adcode: unknown district"),
    ("440306,宝安区,397,,no url,", "row 2, column source"),
    ("440303,罗湖区,78.79,,http://x,", "440303 appears 2 times"),
])
def test_district_area_file_errors_name_row_and_column(tmp_path, districts, line, message):
    rows = Path(AREAS.DISTRICT_AREAS_PATH).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "district_areas.csv"
    bad.write_text("\n".join([rows[0], line, *rows[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(AREAS.AreaError, match=message):
        AREAS.load_district_areas(bad, districts)


@pytest.mark.parametrize(("line", "message"), [
    ("440100,广州市,-3,,http://x,", "row 2, column land_area_km2"),
    ("440100,深圳市,7434,,http://x,", "row 2, column name_zh"),
    ("449999,某市,7434,,http://x,", "row 2, column adcode"),
    ("440100,广州市,7434,20x,http://x,", "row 2, column year"),
    ("440100,广州市,7434,,no url,", "row 2, column source"),
])
def test_area_file_errors_name_row_and_column(tmp_path, line, message):
    rows = Path(AREAS.CITY_AREAS_PATH).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "areas.csv"
    bad.write_text("\n".join([rows[0], line, *rows[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(AREAS.AreaError, match=message):
        AREAS.load_city_areas(bad)


def test_area_file_must_hold_every_city_once(tmp_path):
    rows = Path(AREAS.CITY_AREAS_PATH).read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "areas.csv"
    bad.write_text("\n".join([rows[0], *rows[2:], rows[3]]) + "\n", encoding="utf-8")
    with pytest.raises(AREAS.AreaError, match=r"440100 \(广州市\) is missing.*|appears 2 times"):
        AREAS.load_city_areas(bad)


def test_areas_with_metrics_joins_the_table_to_its_areas(city):
    """Inner join by adcode in the geometries' order; geometry and metric columns together."""
    joined = M.areas_with_metrics(city.table, _regions())
    assert isinstance(joined, gpd.GeoDataFrame)
    assert joined["adcode"].tolist() == ["200", "100", "300"]
    assert joined["enterprises"].tolist() == [2, 4, 0]  # E, F | A, B, C, D | none
    assert joined.geometry.iloc[1].equals(box(113.0, 23.0, 113.1, 23.1))
    assert joined.crs == CRS
    partial = M.areas_with_metrics(city.table[city.table["adcode"] != "300"], _regions())
    assert partial["adcode"].tolist() == ["200", "100"]


def test_areas_with_metrics_keeps_the_districts_of_the_chosen_cities():
    table = pd.DataFrame({"adcode": ["101", "102", "201"], "city_adcode": ["100", "100", "200"],
                          "enterprises": [3, 1, 2]})
    units = gpd.GeoDataFrame({"adcode": ["101", "102", "201"]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
                             crs=CRS)
    assert M.areas_with_metrics(table, units, ("100",))["adcode"].tolist() == ["101", "102"]
    assert len(M.areas_with_metrics(table, units)) == 3
    with pytest.raises(ValueError, match="WGS-84"):
        M.areas_with_metrics(table, units.to_crs("EPSG:3857"))
    with pytest.raises(ValueError, match=r"metrics table lacks columns \['city_adcode'\]"):
        M.areas_with_metrics(table.drop(columns="city_adcode"), units, ("100",))
