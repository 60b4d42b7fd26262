"""What a city lacks: its gaps with the nearest producers, and the 配套半径 measure.

- :func:`city_chain`: for one city, the parts it has, the parts its own makers need but
  the city lacks, and the nearest producers elsewhere (the 招商 short list);
- :func:`supply_flags` / :func:`supply_distance`: the 配套半径 measure, the share of makers
  with a producer of each key component they need within :data:`SUPPLY_RADIUS_KM`.

Distances are measured on :data:`geo.regions.METRIC_CRS` (UTM 49N) by
:mod:`geo.proximity`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd

from geo.chain.health import city_index
from geo.chain.vocabulary import KEY_COMPONENTS, MAKERS, NEEDS, PARTS, products_of
from geo.layout import CITIES
from geo.proximity import distances_km, metric_xy
from geo.regions import point_lonlat

if TYPE_CHECKING:
    import geopandas as gpd

SUPPLY_RADIUS_KM: Final = 50.0
_CITY_CODES: Final = tuple(c.adcode for c in CITIES)


@dataclass(frozen=True)
class CityChain:
    """What :func:`city_chain` returns.

    Attributes
    ----------
    adcode : str
    has : list of str
        Parts with a producer in the city, in vocabulary order.
    missing : list of str
        Parts the city's own producers need (:data:`NEEDS`) that no firm in it makes.
    nearest : pandas.DataFrame
        For each missing part, the nearest producers elsewhere: ``product``, ``rank``
        (1 = nearest), ``distance_km`` (from ``origin``), ``id``, ``name_zh``, ``name_en``,
        ``city_adcode``, ``revenue_10k_cny``, ``sample``.
    """

    adcode: str
    has: list[str]
    missing: list[str]
    nearest: pd.DataFrame


def origin_of(regions: gpd.GeoDataFrame, adcode: str) -> tuple[float, float]:
    """Where a city's distances are measured from: its label point (inside its largest part,
    :func:`geo.regions.label_points`), as (lon, lat)."""
    from geo.regions import label_points

    hit = regions[regions["adcode"].astype(str) == adcode]
    if hit.empty:
        raise ValueError(f"unknown city adcode {adcode!r}")
    point = label_points(hit).iloc[0]
    return float(point["lon"]), float(point["lat"])


def needed_by(parts: Sequence[str]) -> list[str]:
    """Inputs the given parts need (:data:`NEEDS`), in vocabulary order.

    >>> needed_by(["ultrafast_laser"])
    ['laser_crystal', 'isolator', 'laser_chip']
    """
    wanted = {n for p in parts for n in NEEDS.get(p, ())}
    return [c for c in PARTS if c in wanted]


def city_chain(frame: pd.DataFrame, adcode: str, origin: tuple[float, float], *,
               n_nearest: int = 5) -> CityChain:
    """The parts a city has, those its makers need but lack, and the nearest producers.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical enterprise frame (``products``, ``city_adcode``, ``lon``, ``lat``).
    adcode : str
        One of the 21 city adcodes.
    origin : (lon, lat)
        Where distances are measured from (WGS-84), e.g. the city's label point.
    n_nearest : int
        Producers listed per missing part.
    """
    if adcode not in _CITY_CODES:
        raise ValueError(f"unknown city adcode {adcode!r}; expected one of {_CITY_CODES}")
    if not isinstance(n_nearest, int) or n_nearest < 1:
        raise ValueError(f"n_nearest must be a positive int, got {n_nearest!r}")
    lon0, lat0 = (float(v) for v in origin)
    if not (np.isfinite(lon0) and np.isfinite(lat0)):
        raise ValueError(f"origin must be finite (lon, lat), got {origin!r}")
    m = products_of(frame)
    own = (frame["city_adcode"].astype(object) == adcode).to_numpy()
    codes = list(PARTS)
    has = [c for c, j in zip(codes, np.asarray(m[own].any(axis=0)), strict=True) if j]
    missing = [c for c in needed_by(has) if c not in has]
    lon, lat = point_lonlat(frame, "enterprises")
    dist = distances_km(lon, lat, lon0, lat0)
    keep = [c for c in ("id", "name_zh", "name_en", "city_adcode", "revenue_10k_cny", "sample")
            if c in frame.columns]
    lists = []
    for code in missing:
        cand = np.flatnonzero(m[:, codes.index(code)] & ~own & np.isfinite(dist))
        cand = cand[np.argsort(dist[cand], kind="stable")[:n_nearest]]
        part = pd.DataFrame(frame.iloc[cand][keep]).reset_index(drop=True)
        part.insert(0, "product", code)
        part.insert(1, "rank", np.arange(1, len(cand) + 1))
        part.insert(2, "distance_km", dist[cand])
        lists.append(part)
    empty = pd.DataFrame({"product": pd.Series(dtype=object), "rank": pd.Series(dtype=np.int64),
                          "distance_km": pd.Series(dtype=float)})
    nearest = pd.concat(lists, ignore_index=True) if lists else empty.assign(
        **{c: pd.Series(dtype=frame[c].dtype) for c in keep})
    return CityChain(adcode, has, missing, nearest)


# ---------------------------------------------------------------------------------------
# 配套半径: key components within reach of the makers that need them
# ---------------------------------------------------------------------------------------
def _need_matrix() -> np.ndarray:
    """(parts × key components): a maker of the part needs the component."""
    codes = list(PARTS)
    out = np.zeros((len(codes), len(KEY_COMPONENTS)), dtype=bool)
    for part in MAKERS:
        for k, comp in enumerate(KEY_COMPONENTS):
            out[codes.index(part), k] = comp in NEEDS.get(part, ())
    return out


_NEED: Final = _need_matrix()


def supply_flags(products: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                 radius_km: float = SUPPLY_RADIUS_KM) -> tuple[np.ndarray, np.ndarray]:
    """Which firm needs which key component, and whether a producer is within reach.

    Parameters
    ----------
    products : numpy.ndarray
        (firms × parts) boolean matrix (:func:`tag_matrix`).
    lon, lat : numpy.ndarray
        WGS-84 coordinates (NaN: the firm is left out of both flags).
    radius_km : float
        Reach, on :data:`geo.regions.METRIC_CRS`.

    Returns
    -------
    needs, met : numpy.ndarray
        (firms × :data:`KEY_COMPONENTS`) booleans: the firm makes a part of :data:`MAKERS`
        that needs the component; and a producer of it (the firm itself included) lies
        within ``radius_km``.
    """
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, got {radius_km!r}")
    products = np.asarray(products, dtype=bool)
    if products.ndim != 2 or products.shape[1] != len(PARTS):
        raise ValueError(f"products must be (firms × {len(PARTS)}), got {products.shape}")
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    located = np.isfinite(lon) & np.isfinite(lat)
    # float32 so the product runs in BLAS (integer matmul has no fast path in numpy)
    needs = (products.astype(np.float32) @ _NEED.astype(np.float32) > 0) & located[:, None]
    met = np.zeros_like(needs)
    if not needs.any():
        return needs, met
    from scipy.spatial import cKDTree  # imported on first use, as in geo.metrics

    xy = np.column_stack(metric_xy(lon, lat))
    reach = radius_km * 1000.0
    # Square cells whose diagonal is the reach: a producer in a firm's own cell is in reach,
    # so only firms in cells without one need the (exact) nearest-producer search.
    cell = np.zeros(len(xy), dtype=np.int64)
    ij = np.floor(xy[located] / (reach / np.sqrt(2.0))).astype(np.int64)
    cell[located] = ij[:, 0] * 1_000_003 + ij[:, 1]
    codes = list(PARTS)
    by_part = np.asfortranarray(products)  # contiguous columns
    by_need = np.asfortranarray(needs)
    for k, comp in enumerate(KEY_COMPONENTS):
        who = np.flatnonzero(by_need[:, k])
        makers = by_part[:, codes.index(comp)] & located
        if not len(who) or not makers.any():
            continue
        near = np.isin(cell[who], cell[makers])
        met[who[near], k] = True
        rest = who[~near]
        if len(rest):
            dist, _ = cKDTree(xy[makers]).query(xy[rest], k=1, distance_upper_bound=reach)
            met[rest, k] = np.isfinite(dist)
    return needs, met


def supply_distance(frame: pd.DataFrame, radius_km: float = SUPPLY_RADIUS_KM) -> pd.DataFrame:
    """The 配套半径 measure per city.

    Returns
    -------
    pandas.DataFrame
        One row per city (21): ``adcode``, ``makers`` (located firms needing some key
        component), ``supply_share`` (met / needed over all maker × component pairs, NaN
        without makers) and ``supply_<component>`` (share of the makers needing it that
        have a producer within ``radius_km``; NaN where none needs it).
    """
    lon, lat = point_lonlat(frame, "enterprises")
    needs, met = supply_flags(products_of(frame), lon, lat, radius_km)
    city = city_index(frame)
    ok = city >= 0
    n = len(_CITY_CODES)

    def per_city(values: np.ndarray) -> np.ndarray:
        return np.bincount(city[ok], weights=values[ok].astype(float), minlength=n)

    def share(num: np.ndarray, den: np.ndarray) -> np.ndarray:
        return np.divide(num, den, out=np.full(n, np.nan), where=den > 0)

    out = pd.DataFrame({"adcode": list(_CITY_CODES),
                        "makers": per_city(np.asarray(needs.any(axis=1))).astype(np.int64),
                        "supply_share": share(per_city(met.sum(axis=1)),
                                              per_city(needs.sum(axis=1)))})
    for k, comp in enumerate(KEY_COMPONENTS):
        out[f"supply_{comp}"] = share(per_city(met[:, k]), per_city(needs[:, k]))
    return out
