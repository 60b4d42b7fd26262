"""The data bundled with the atlas: enterprises and sites, which must load without a
single problem."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.frames import require_columns
from geo.layout import SITE_KINDS, SITE_STATUSES
from geo.registry.load import load_registry
from geo.registry.places import locate
from geo.registry.schema import (
    _MAX_PROBLEMS_IN_ERROR,
    ENTERPRISES_PATH,
    SITE_COLUMNS,
    SITE_PRECISIONS,
    SITES_PATH,
    Problem,
    RegistryError,
)
from geo.text import msg


def _raise_problems(path: Path, problems: list[Problem]) -> None:
    shown = "; ".join(str(p) for p in problems[:_MAX_PROBLEMS_IN_ERROR])
    more = len(problems) - _MAX_PROBLEMS_IN_ERROR
    tail = f" (and {more} more)" if more > 0 else ""
    raise RegistryError(f"{path}: {len(problems)} problem(s): {shown}{tail}; run "
                        f"`python -m geo validate {path}` and fix the file")


def load_enterprises(path: Path | str = ENTERPRISES_PATH) -> gpd.GeoDataFrame:
    """Load the bundled enterprises (real firms with sources + a seeded sample tail).

    Rows with ``sample`` true are synthetic (``scripts/make_sample.py``); the UI shows a
    示例数据 / sample data badge whenever they are in view.

    Raises
    ------
    RegistryError
        If the file is missing or has any problem (bundled data must be clean).
    """
    result = load_registry(Path(path))
    if result.problems:
        _raise_problems(Path(path), result.problems)
    return result.frame


def _site_problems(df: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    checks = (
        ("kind", df["kind"].isin(list(SITE_KINDS)),
         msg("site_one_of", column="kind", allowed=list(SITE_KINDS))),
        ("status", df["status"].isin(list(SITE_STATUSES)),
         msg("site_one_of", column="status", allowed=list(SITE_STATUSES))),
        ("coord_precision", df["coord_precision"].isin(list(SITE_PRECISIONS)),
         msg("site_one_of", column="coord_precision", allowed=list(SITE_PRECISIONS))),
        ("source", df["source"].str.strip() != "", msg("site_no_source")),
        ("name_zh", df["name_zh"].str.strip() != "", msg("site_no_name")),
        ("id", ~df["id"].duplicated() & (df["id"] != ""), msg("site_bad_id")),
    )
    for column, ok, message in checks:
        problems += [Problem.of(int(i) + 2, column, message)
                     for i in np.flatnonzero(~ok.to_numpy())]
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
    placeless = (df["coord_precision"] == "none").to_numpy()
    city, _ = locate(np.nan_to_num(lon), np.nan_to_num(lat))
    wrong = ((city != df["city_adcode"].to_numpy(dtype=object)) | ~np.isfinite(lon + lat)) \
        & ~placeless
    problems += [Problem.of(int(i) + 2, "lon", msg("site_wrong_place"))
                 for i in np.flatnonzero(wrong)]
    located = placeless & ((df["lon"].str.strip() != "") | (df["lat"].str.strip() != ""))
    problems += [Problem.of(int(i) + 2, "lon", msg("site_placeless"))
                 for i in np.flatnonzero(located)]
    return sorted(problems, key=lambda p: (p.row, p.column))


def read_shipped_csv(path: str | Path, columns: Sequence[str],
                     error: type[ValueError] = RegistryError) -> pd.DataFrame:
    """A data file shipped with the atlas, every cell as text (blank = ``""``).

    Raises ``error`` if the file is missing or lacks one of ``columns``.
    """
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: file not found; restore it from git")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return require_columns(df, columns, str(path), error=error)


def load_sites(path: Path | str = SITES_PATH) -> gpd.GeoDataFrame:
    """Load the bundled parks, platforms and big-science facilities (EPSG:4326).

    Columns: :data:`SITE_COLUMNS` + geometry. ``kind`` is a :data:`geo.layout.SITE_KINDS`
    code, ``status`` a :data:`geo.layout.SITE_STATUSES` code, ``coord_precision`` one of
    :data:`SITE_PRECISIONS`. A plan item without a place (``none``) has NaN ``lon``/``lat``
    and no geometry: lists show it, maps and metrics skip it.

    Raises
    ------
    RegistryError
        If the file is missing, lacks a column, or any row breaks the schema.
    """
    df = read_shipped_csv(path, SITE_COLUMNS)[list(SITE_COLUMNS)].astype(object)
    problems = _site_problems(df)
    if problems:
        _raise_problems(Path(path), problems)
    for col in ("lon", "lat"):
        df[col] = pd.to_numeric(df[col].replace("", np.nan)).astype(float)
    geometry = gpd.points_from_xy(df["lon"], df["lat"], crs="EPSG:4326")
    # None is a missing geometry for GeometryArray; types-geopandas only allows geometries
    geometry[(df["coord_precision"] == "none").to_numpy()] = None  # type: ignore[assignment]
    return gpd.GeoDataFrame(df, geometry=geometry, crs="EPSG:4326")
