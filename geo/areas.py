"""Official land areas of the 21 cities: the denominators of every density.

The boundary polygons (``data/regions.geojson``) are AMap-derived and include sea and
reclaimed land on the coast: Zhuhai's polygon is 13 % larger than its official land area,
Shenzhen's 7 %. Densities therefore divide by the **official** land area of each city
(``data/city_areas.csv``: adcode, name_zh, land_area_km2, year, source, note) and keep the
polygon area as a cross-check (:func:`area_comparison`). County-level units use their
official land area where one is sourced (``data/district_areas.csv``, same columns; today
Shenzhen's nine districts) and their polygon's land area otherwise; every metrics row says
which (``area_basis``).

The province's denominator is the **sum** of the 21 official city areas (179,801.6 km²),
so that city, zone and province densities add up; the province's own published figure,
:data:`PROVINCE_OFFICIAL_KM2`, agrees to 0.001 %.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Final

import pandas as pd

from geo.layout import CITY_BY_ADCODE
from geo.registry import read_shipped_csv

CITY_AREAS_PATH: Final = Path(__file__).resolve().parents[1] / "data" / "city_areas.csv"
CITY_AREA_COLUMNS: Final = ("adcode", "name_zh", "land_area_km2", "year", "source", "note")
DISTRICT_AREAS_PATH: Final = CITY_AREAS_PATH.with_name("district_areas.csv")
#: Guangdong's land area as published: 17.98万平方千米 (《2023年广东省国民经济和社会发展统计
#: 公报》, as quoted by https://klbdjy.com/showinfo-4-6651.html).
PROVINCE_OFFICIAL_KM2: Final = 179_800.0
PROVINCE_OFFICIAL_SOURCE: Final = (
    "17.98万平方千米, 《2023年广东省国民经济和社会发展统计公报》 as quoted by "
    "https://klbdjy.com/showinfo-4-6651.html"
)
#: ``area_basis`` values of a metrics table.
AREA_BASES: Final = ("official", "polygon")


class AreaError(ValueError):
    """The official-area file is missing or malformed; the message names file, row, column."""


def load_city_areas(path: Path | str = CITY_AREAS_PATH) -> pd.DataFrame:
    """Read and check the official land areas, one row per city (21 rows).

    Returns
    -------
    pandas.DataFrame
        :data:`CITY_AREA_COLUMNS`; ``adcode`` str, ``land_area_km2`` float, ``year`` Int64
        (missing where the source states no year).

    Raises
    ------
    AreaError
        If the file is missing, lacks a column, or a row has an unknown adcode, a name that
        does not match it, an area that is not a positive number, a year outside 1990–2100
        or no source URL; or if a city is missing or repeated.
    """
    df = read_shipped_csv(path, CITY_AREA_COLUMNS, AreaError)
    names = {a: c.name_zh for a, c in CITY_BY_ADCODE.items()}
    problems = _problems(df, names, "city")
    present = set(df["adcode"])
    problems += [f"city {a} ({n}) is missing; add its official land area"
                 for a, n in names.items() if a not in present]
    return _checked(df, path, problems)


def load_district_areas(path: Path | str = DISTRICT_AREAS_PATH,
                        districts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and check the official land areas of the county-level units that have one.

    Parameters
    ----------
    path : path-like
        Same columns as the city file (:data:`CITY_AREA_COLUMNS`); one row per district
        with a sourced figure, not every district.
    districts : pandas.DataFrame, optional
        ``adcode`` and ``name_zh`` of the known districts (default
        :func:`geo.regions.load_districts`).

    Raises
    ------
    AreaError
        As :func:`load_city_areas`, except that a district may be absent.
    """
    if districts is None:
        from geo.regions import load_districts

        districts = load_districts()
    df = read_shipped_csv(path, CITY_AREA_COLUMNS, AreaError)
    names = dict(zip(districts["adcode"].astype(str), districts["name_zh"], strict=True))
    return _checked(df, path, _problems(df, names, "district"))


def _problems(df: pd.DataFrame, names: dict[str, str], what: str) -> list[str]:
    problems = [p for i, (_, row) in enumerate(df.iterrows(), start=2)
                for p in _row_problems(i, row, names, what)]
    counts = df["adcode"].value_counts()
    return problems + [f"adcode {a} appears {n} times; keep one row per {what}"
                       for a, n in counts.items() if n > 1]


def _checked(df: pd.DataFrame, path: Path | str, problems: list[str]) -> pd.DataFrame:
    if problems:
        raise AreaError(f"{path}: " + "; ".join(problems))
    out = df[list(CITY_AREA_COLUMNS)].copy()
    out["land_area_km2"] = out["land_area_km2"].astype(float)
    out["year"] = pd.to_numeric(out["year"]).astype("Int64")
    return out.reset_index(drop=True)


def _row_problems(line: int, row: pd.Series, names: dict[str, str], what: str) -> list[str]:
    where = f"row {line}"
    out = []
    name = names.get(row["adcode"])
    if name is None:
        out.append(f"{where}, column adcode: unknown {what} {row['adcode']!r}")
    elif row["name_zh"] != name:
        out.append(f"{where}, column name_zh: {row['name_zh']!r} is not {name} "
                   f"({row['adcode']})")
    try:
        area = float(row["land_area_km2"])
    except ValueError:
        area = math.nan
    if not (math.isfinite(area) and area > 0):
        out.append(f"{where}, column land_area_km2: {row['land_area_km2']!r} is not a positive "
                   "number of km²")
    year = row["year"].strip()
    if year and not (year.isdigit() and 1990 <= int(year) <= 2100):
        out.append(f"{where}, column year: {year!r} is not a year (1990–2100) or blank")
    if "http" not in row["source"]:
        out.append(f"{where}, column source: give the URL the figure comes from")
    return out


@functools.cache
def _bundled() -> dict[str, float]:
    frame = load_city_areas()
    return dict(zip(frame["adcode"], frame["land_area_km2"], strict=True))


def official_areas(path: Path | str | None = None) -> dict[str, float]:
    """Official land area (km²) by city adcode; the bundled file is read once per process."""
    if path is None:
        return dict(_bundled())
    frame = load_city_areas(path)
    return dict(zip(frame["adcode"], frame["land_area_km2"], strict=True))


@functools.cache
def _bundled_districts() -> dict[str, float]:
    frame = load_district_areas()
    return dict(zip(frame["adcode"], frame["land_area_km2"], strict=True))


def official_district_areas() -> dict[str, float]:
    """Official land area (km²) by district adcode, for the districts that have a sourced one
    (the bundled ``data/district_areas.csv``, read once per process)."""
    return dict(_bundled_districts())


def area_comparison(regions: pd.DataFrame, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Official land area next to the polygon's, per city and for the province.

    Parameters
    ----------
    regions : pandas.DataFrame
        The cities (:func:`geo.regions.load_regions`): ``adcode``, ``land_area_km2`` (polygon).
    areas : pandas.DataFrame, optional
        :func:`load_city_areas` (default: the bundled file).

    Returns
    -------
    pandas.DataFrame
        ``adcode``, ``name_zh``, ``official_km2``, ``polygon_km2``, ``difference_pct``
        ((polygon − official) / official × 100), ``year``, ``source``; the last row is the
        province (sum of both columns; ``source`` names the published provincial figure).
    """
    areas = load_city_areas() if areas is None else areas
    poly = regions.assign(adcode=regions["adcode"].astype(str)).set_index("adcode")
    out = pd.DataFrame({
        "adcode": areas["adcode"],
        "name_zh": areas["name_zh"],
        "official_km2": areas["land_area_km2"],
        "polygon_km2": areas["adcode"].map(poly["land_area_km2"]).astype(float),
        "year": areas["year"],
        "source": areas["source"],
    })
    total = {
        "adcode": "440000", "name_zh": "广东省(21市合计)",
        "official_km2": out["official_km2"].sum(), "polygon_km2": out["polygon_km2"].sum(),
        "year": pd.NA,
        "source": f"sum of the 21 rows; published: {PROVINCE_OFFICIAL_KM2:,.0f} km² "
                  f"({PROVINCE_OFFICIAL_SOURCE})",
    }
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    out["difference_pct"] = (out["polygon_km2"] / out["official_km2"] - 1.0) * 100.0
    out["year"] = out["year"].astype("Int64")
    return out[["adcode", "name_zh", "official_km2", "polygon_km2", "difference_pct", "year",
                "source"]]
