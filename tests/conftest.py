"""Shared fixtures: the bundled boundaries, loaded once per test session."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.regions import load_districts, load_regions


@pytest.fixture(scope="session")
def regions() -> gpd.GeoDataFrame:
    return load_regions()


@pytest.fixture(scope="session")
def districts() -> gpd.GeoDataFrame:
    return load_districts()
