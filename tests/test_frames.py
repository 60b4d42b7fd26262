"""The one frame-contract check (geo.frames) and the modules that use it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.chain import chain_health
from geo.frames import require_columns, require_wgs84
from geo.maps._common import check_frame
from geo.regions import BoundaryError


def _points(crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(113.3, 23.1)], crs=crs)


def test_returns_the_frame_it_was_given() -> None:
    frame = pd.DataFrame({"lon": [1.0], "lat": [2.0]})
    assert require_columns(frame, ["lon", "lat"], "firms") is frame


def test_names_the_frame_the_missing_and_the_expected_columns() -> None:
    frame = pd.DataFrame({"lon": [1.0], "name": ["x"]})
    with pytest.raises(ValueError) as err:
        require_columns(frame, ["lon", "lat", "city_adcode"], "firms")
    assert str(err.value) == ("firms lacks columns ['lat', 'city_adcode']; "
                              "expected ['lon', 'lat', 'city_adcode']")


def test_raises_the_callers_error_type() -> None:
    with pytest.raises(BoundaryError, match=r"regions\.geojson lacks columns"):
        require_columns(pd.DataFrame(), ["adcode"], "regions.geojson", error=BoundaryError)


def test_wrong_type_is_a_type_error_naming_the_kind() -> None:
    with pytest.raises(TypeError, match="firms must be a DataFrame, got list"):
        require_columns([1, 2], ["lon"], "firms")
    with pytest.raises(TypeError, match="areas must be a GeoDataFrame, got DataFrame"):
        require_columns(pd.DataFrame({"a": [1]}), ["a"], "areas", kind=gpd.GeoDataFrame)


def test_wgs84_accepts_4326_and_refuses_others_and_none() -> None:
    good = _points()
    assert require_wgs84(good, "sites") is good
    with pytest.raises(ValueError, match=r"sites must be in WGS-84 .* got CRS EPSG:3857"):
        require_wgs84(good.to_crs("EPSG:3857"), "sites")
    with pytest.raises(BoundaryError, match="got CRS None"):
        require_wgs84(_points(None), "sites", error=BoundaryError)


def test_users_raise_through_the_helper() -> None:
    with pytest.raises(ValueError, match=r"enterprises lacks columns \['city_adcode'\]"):
        chain_health(pd.DataFrame({"products": ["x"]}))
    with pytest.raises(ValueError, match=r"points lacks columns \['tier'\]"):
        check_frame(_points(), ["name", "tier"], "points")
