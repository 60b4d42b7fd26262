"""Synthetic enterprise registries of any size, in the canonical CSV schema.

For benchmarks (and browser tests) that need 1,000 … 100,000 firms: every row is a
plausible firm placed on land inside one of the 21 cities (core-heavy weights, points
clustered around a few industrial centres per city), with sector, chain segment, revenue
in 万元 (log-normal, ~15 % unknown), a few listed tickers, employees and a ``source`` that
names this script and its seed. Names are obviously synthetic (合成激光企业000001有限公司).
Everything is vectorised; 100,000 rows take about a second. The same ``n`` and ``seed``
always give the same file.

Usage: ``python benchmarks/synth.py N OUT.csv [--seed S]``; the app reads such a file with
``ATLAS_ENTERPRISES=OUT.csv streamlit run app.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.layout import CITY_BY_ADCODE, SEGMENTS
from geo.regions import DEFAULT_BOUNDS, load_districts, load_regions
from geo.registry import CANONICAL_COLUMNS, locate

#: Share of firms per city, in percent (the same shape as scripts/make_sample.py).
CITY_WEIGHTS: Final = {
    "440300": 40, "440100": 13, "441900": 12, "440600": 9, "441300": 5, "440400": 4,
    "442000": 4, "440700": 3, "441200": 1.5, "440500": 1.5, "445200": 0.7, "445100": 0.5,
    "441500": 0.5, "440800": 1, "440900": 0.6, "441700": 0.7, "440200": 0.8, "441400": 0.5,
    "441800": 0.8, "441600": 0.5, "445300": 0.4,
}
SECTOR_P: Final = {"laser": 0.78, "additive": 0.15, "both": 0.07}
NAME_ZH: Final = {"laser": "合成激光企业", "additive": "合成增材企业", "both": "合成激光增材企业"}
NAME_EN: Final = {"laser": "Synthetic laser firm", "additive": "Synthetic AM firm",
                  "both": "Synthetic laser & AM firm"}
SUFFIX_ZH: Final = ("有限公司", "科技有限公司", "激光科技有限公司", "股份有限公司")


def _points_in(rng: np.random.Generator, geom: object, n: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points inside ``geom``: ~70 % around 1-4 centres, the rest spread out."""
    xmin, ymin, xmax, ymax = geom.bounds
    xs, ys, centres = [np.empty(0)], [np.empty(0)], None
    got = 0
    while got < n:
        m = max(3 * n, 256)
        x, y = rng.uniform(xmin, xmax, m), rng.uniform(ymin, ymax, m)
        if centres is None:
            inside = shapely.contains_xy(geom, x, y)
            centres = np.column_stack([x[inside], y[inside]])[: int(rng.integers(1, 5))]
        clustered = rng.random(m) < 0.7
        pick = rng.integers(0, len(centres), m)
        x = np.round(np.where(clustered, centres[pick, 0] + rng.normal(0, 0.03, m), x), 5)
        y = np.round(np.where(clustered, centres[pick, 1] + rng.normal(0, 0.03, m), y), 5)
        keep = shapely.contains_xy(geom, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        got += int(keep.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _near_mainland(geom: object, within_deg: float = 0.3) -> object:
    """The parts of ``geom`` near its largest part (drops far atolls such as 东沙群岛)."""
    parts = shapely.get_parts(geom)
    largest = parts[np.argmax(shapely.area(parts))]
    return shapely.union_all(parts[shapely.distance(parts, largest) < within_deg])


def _city_areas() -> dict[str, object]:
    """Each city's mainland polygon, shrunk ~300 m away from its border."""
    box = shapely.box(*DEFAULT_BOUNDS)
    regions = load_regions()
    out = {}
    for adcode, geom in zip(regions["adcode"], regions.geometry, strict=True):
        land = _near_mainland(shapely.intersection(geom, box))
        inner = land.buffer(-0.003)
        out[adcode] = inner if not inner.is_empty else land
        shapely.prepare(out[adcode])
    return out


def make_registry(n: int, seed: int = 1) -> pd.DataFrame:
    """A synthetic registry of ``n`` firms as a canonical table of strings.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer.
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    codes = list(CITY_WEIGHTS)
    p = np.array(list(CITY_WEIGHTS.values()), dtype=float)
    city = rng.choice(codes, size=n, p=p / p.sum())
    lon, lat = np.empty(n), np.empty(n)
    areas = _city_areas()
    for code in codes:
        idx = np.flatnonzero(city == code)
        if idx.size:
            lon[idx], lat[idx] = _points_in(rng, areas[code], idx.size)
    located_city, district = locate(lon, lat)
    district_names = dict(zip(load_districts()["adcode"], load_districts()["name_zh"],
                              strict=True))
    sector = rng.choice(list(SECTOR_P), size=n, p=list(SECTOR_P.values()))
    segment = rng.choice(list(SEGMENTS), size=n)
    revenue = np.round(np.exp(rng.normal(np.log(800.0), 1.6, n)))  # 万元; median ¥8 m
    known = rng.random(n) > 0.15
    listed = np.where(rng.random(n) < 0.003,
                      np.char.add(rng.integers(300001, 301999, n).astype(str), ".SZ"), "")
    number = np.char.zfill(np.arange(1, n + 1).astype(str), 6)
    suffix = np.array(SUFFIX_ZH)[rng.integers(0, len(SUFFIX_ZH), n)]
    frame = pd.DataFrame({
        "id": np.char.add("S", number),
        "name_zh": np.char.add(np.char.add(pd.Series(sector).map(NAME_ZH).to_numpy(str),
                                           number), suffix),
        "name_en": np.char.add(np.char.add(pd.Series(sector).map(NAME_EN).to_numpy(str), " "),
                               np.char.add(number, " Co., Ltd.")),
        "city": [CITY_BY_ADCODE[c].name_zh for c in np.where(located_city == "", city,
                                                               located_city)],
        "district": pd.Series(district).map(district_names).fillna("").to_numpy(),
        "address": "",
        "lon": np.char.mod("%.5f", lon),
        "lat": np.char.mod("%.5f", lat),
        "coord_precision": "exact",
        "sector": sector,
        "segment": segment,
        "revenue_10k_cny": np.where(known, np.char.mod("%.0f", revenue), ""),
        "revenue_year": np.where(known, "2023", ""),
        "listed": listed,
        "employees": rng.integers(3, 2000, n).astype(str),
        "source": f"synthetic: benchmarks/synth.py seed={seed}",
        "sample": "true",
    })
    frame["note"] = ""
    return frame[[*CANONICAL_COLUMNS, "note"]]


def write_registry(path: Path | str, n: int, seed: int = 1) -> Path:
    """Write :func:`make_registry` ``(n, seed)`` to ``path`` as UTF-8 CSV; return the path."""
    out = Path(path)
    make_registry(n, seed).to_csv(out, index=False, lineterminator="\n")
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``synth.py N OUT.csv [--seed S]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of firms")
    parser.add_argument("out", type=Path, help="CSV file to write")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    write_registry(args.out, args.n, args.seed)
    print(f"wrote {args.n:,} firms to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
