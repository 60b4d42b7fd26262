"""geo.filters: masks, URL round trip, words."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.filters import Filters, apply


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name_zh": ["大族激光", "示例增材01", "<script>x</script>", "汕头激光"],
        "name_en": ["Han's Laser", "", "", "Shantou Laser"],
        "city_adcode": ["440300", "440300", "441900", "440500"],
        "segment": ["equipment", "services", "components", "equipment"],
        "sector": ["laser", "additive", "laser", "laser"],
        "tier": ["t1bn", "t10m", "unknown", "small"],
        "listed": ["002008", "", None, ""],
        "sample": [False, True, True, False],
    })


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(), [0, 1, 2, 3]),
    (Filters(cities=("440300",)), [0, 1]),
    (Filters(zone="core"), [0, 1, 2]),
    (Filters(zone="east_wing"), [3]),
    (Filters(segments=("equipment",)), [0, 3]),
    (Filters(sectors=("additive",)), [1]),
    (Filters(tiers=("t1bn", "small")), [0, 3]),
    (Filters(listed_only=True), [0]),
    (Filters(sample="real"), [0, 3]),
    (Filters(sample="sample"), [1, 2]),
    (Filters(query="激光"), [0, 3]),
    (Filters(query="han's"), [0]),
    (Filters(query="<script>"), [2]),
    (Filters(zone="north"), []),
])
def test_apply(frame, filters, expected):
    assert apply(frame, filters).index.tolist() == expected


def test_round_trip_through_params():
    f = Filters(cities=("440300", "441900"), zone="core", segments=("components",),
                sectors=("laser",), tiers=("t100m",), listed_only=True, sample="real",
                query="激光")
    back, problems = Filters.from_params(f.to_params())
    assert back == f and problems == []
    assert Filters().to_params() == {}


def test_bad_params_are_dropped_and_reported():
    f, problems = Filters.from_params({"city": "440300,999999", "zone": "mars", "seg": "x"})
    assert f == Filters(cities=("440300",))
    assert len(problems) == 3 and any("999999" in p for p in problems)


def test_validation_names_bad_value():
    with pytest.raises(ValueError, match="mars"):
        Filters(zone="mars")
    with pytest.raises(ValueError, match="999"):
        Filters(cities=("999",))
    with pytest.raises(TypeError):
        Filters(cities=["440300"])  # type: ignore[arg-type]


def test_describe():
    assert Filters().describe("zh") == "全省"
    assert Filters().describe("en") == "Whole province"
    words = Filters(cities=("440300",), segments=("equipment",)).describe("zh")
    assert words == "深圳；高端装备与系统"
    assert "Shenzhen" in Filters(cities=("440300",)).describe("en")


@pytest.mark.parametrize(("filters", "column"), [
    (Filters(cities=("440300",)), "city_adcode"),
    (Filters(tiers=("t1bn",)), "tier"),
    (Filters(listed_only=True), "listed"),
    (Filters(sample="real"), "sample"),
    (Filters(query="激光"), "name_zh"),
])
def test_a_filter_on_a_missing_column_names_it(frame, filters, column):
    with pytest.raises(ValueError, match=rf"^enterprises lacks columns \['{column}'\]"):
        apply(frame.drop(columns=column), filters)
    # a column no active filter reads is not required
    other = "segment" if column != "segment" else "sector"
    assert len(apply(frame.drop(columns=other), filters)) == len(apply(frame, filters))
