"""``python -m geo chain``: JSON shape, CSV short list, bad input."""

from __future__ import annotations

import json

import pytest

from geo.__main__ import main

REGISTRY = (
    "企业名称,经度,纬度,主要产品,主营业务收入(万元)\n"
    "甲,114.00,22.60,万瓦级工业光纤激光器;高功率合束器,20000\n"
    "乙,113.75,23.00,光隔离器,\n"
    "丙,113.30,23.10,精密激光加工装备,5000\n"
    "丁,113.31,23.11,扫描振镜,\n"
)


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "firms.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def test_json_has_parts_matrix_and_a_city_short_list(registry, capsys):
    assert main(["chain", "--enterprises", str(registry), "--city", "广州"]) == 0
    out = json.loads(capsys.readouterr().out)
    parts = {p["code"]: p for p in out["parts"]}
    assert parts["fiber_laser_10kw"]["producers"] == 1
    assert parts["fiber_laser_10kw"]["status"] == "thin"
    assert parts["laser_chip"]["status"] == "missing"
    assert parts["fiber_laser_10kw"]["revenue_100m_cny"] == 2.0
    assert parts["isolator"]["revenue_100m_cny"] is None  # unknown, not zero
    assert {"adcode", "product", "product_zh", "firms", "sample_firms"} == set(out["matrix"][0])
    hit = [r for r in out["matrix"] if r["adcode"] == "441900" and r["product"] == "isolator"]
    assert hit[0]["firms"] == 1
    city = out["city"]
    assert city["adcode"] == "440100"
    assert city["has"] == ["galvo_scanner", "laser_equipment"]
    missing = {m["product"]: m for m in city["missing"]}
    assert [f["name_zh"] for f in missing["fiber_laser_10kw"]["nearest"]] == ["甲"]
    assert missing["laser_head"]["nearest"] == []  # nobody makes it


def test_csv_short_list_keeps_parts_without_producers(registry, capsys):
    assert main(["chain", "--enterprises", str(registry), "--city", "440100",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("product,product_zh,rank,distance_km,id,name_zh")
    assert any(line.startswith("laser_head,激光加工头,,") for line in lines)
    assert any(line.startswith("fiber_laser_10kw,") and ",甲," in line for line in lines)


def test_unknown_tags_are_warned_and_bad_city_fails(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("企业名称,所在城市,主要产品\n甲,深圳,扫描镇镜\n", encoding="utf-8")
    assert main(["chain", "--enterprises", str(path), "--format", "csv"]) == 0
    assert "did you mean Galvo scanner (galvo_scanner)?" in capsys.readouterr().err
    assert main(["chain", "--city", "火星"]) == 2
    assert "not one of Guangdong's 21 cities" in capsys.readouterr().err
