"""Regenerate the seeded sample tail of data/enterprises.csv (and refresh area points).

The real firms in ``data/enterprises.csv`` (``sample=false``) are curated by hand with a
``source`` each; this script keeps them, fills ``lon``/``lat`` of those placed only by
district or city (the area's interior point, as the importer would), and replaces every
``sample=true`` row with a synthetic tail.

Which definition the tail follows
---------------------------------
Two definitions of "the industry" circulate and must not be mixed:

- the plan's **broad cluster** (激光与增材制造产业集群): 2019 主营收超过1000亿元, the basis of
  its 2025 targets (2,500亿元, 15 firms over 10亿, 100 over 1亿); it counts firms outside
  laser processing and AM (纳思达's printers alone are >230亿);
- **laser output** as the industry associations count it: 深圳 2019 "260多亿元, 约占广东省的
  70%" (深圳市工信局 at LMN2020, https://laserfair.com/news/202010/17/77638.html) — about
  371亿元 for the province — and 宝安 2018 "130亿元, 占全省激光产值的46%"
  (http://www.laserfair.com/laserxueyuan/201905/13/1407.html).

The tail follows the **broad definition for its total and its firm counts** (so the Targets
page compares like with like): 10+ listed firms, 30+ over 1亿元, 300+ over 1000万元,
1,000亿元 in all including the real rows. Inside that total, the **laser sector** (laser +
both) follows the **laser-only figures**: 371亿元 in all, 70 % of it in Shenzhen, 46 % in
宝安 — counting 大族激光, which the 宝安 source lists among 宝安's firms although its own
district is unsourced (:data:`BAOAN_BY_SOURCE`). Additive firms carry their band revenues
(no published city figures). The rest of the broad total sits with a few large
"cluster firms" whose sector is left blank (示例集群企业), like 纳思达's row.
Every sample point lies on land inside its district, at least ~300 m from its border
(rejection sampling inside the shrunk district polygon), names are obviously synthetic
(示例激光企业0001) and ``source`` names this script and its seed. The same seed always
gives the same file. It also refreshes ``lon``/``lat`` of district- or city-level rows in
``data/sites.csv``.

Usage: ``python scripts/make_sample.py [--seed N] [--check]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.chain import APPLICATIONS, PARTS  # noqa: E402
from geo.layout import CITIES, CITY_BY_ADCODE  # noqa: E402
from geo.regions import DEFAULT_BOUNDS, load_districts, load_regions  # noqa: E402
from geo.registry import (  # noqa: E402
    CANONICAL_COLUMNS,
    ENTERPRISES_PATH,
    NO_DISTRICT_CITIES,
    SITES_PATH,
    interior_point,
    resolve_city,
    resolve_district,
)

SEED = 20200515  # the "发布时间" in the plan text (a web posting date, see layout.PLAN_DATES)
TARGET_TOTAL = 10_000_000.0  # 万元 = 1,000 亿元 (plan: 2019 主营收超过1000亿元, broad)
#: Laser output (laser + both sectors), 万元: 深圳 2019 260多亿元 ≈ 70 % of the province
#: (laserfair.com/news/202010/17/77638.html), so ≈ 371亿元 for the province in 2019.
SHENZHEN = "440300"
SHENZHEN_LASER_2019 = 2_600_000.0
SHENZHEN_LASER_SHARE = 0.70
LASER_TOTAL = SHENZHEN_LASER_2019 / SHENZHEN_LASER_SHARE
#: 宝安 2018 130亿元 = 46 % of the province's laser output (laserfair.com 2019-05-13).
BAOAN = "440306"
BAOAN_LASER_SHARE = 0.46
#: Real rows the 宝安 source names as 宝安 firms though their district is unsourced.
BAOAN_BY_SOURCE = ("大族激光科技产业集团股份有限公司",)
#: Top-band rows: the first ones are laser firms, the rest carry the broad remainder, one
#: in each of these places (黄埔, 东莞, 顺德, 香洲, 惠城: corridor and carrier cities).
TOP_LASER = 3
BROAD_PLACES = (("440100", "440112"), ("441900", "441900"), ("440600", "440606"),
                ("440400", "440402"), ("441300", "441302"))
SHRINK_DEG = 0.003  # keep sample points ~300 m inside their district
COLUMNS = [*CANONICAL_COLUMNS, "note", "products", "applications"]

#: Sample firms per revenue band (万元 bounds); "top" revenues are solved for the totals.
BANDS = {
    "top": (8, 100_000.0, None),
    "t100m": (23, 10_000.0, 99_000.0),
    "t10m": (290, 1_000.0, 9_900.0),
    "small": (1450, 50.0, 990.0),
    "unknown": (250, None, None),
}
LISTED_SAMPLE = 3  # + 10 listed real firms = 13 ("10余家上市公司")

#: Share of sample firms per city (core heavy; Shenzhen first), in percent.
CITY_WEIGHTS = {
    "440300": 40, "440100": 13, "441900": 12, "440600": 9, "441300": 5, "440400": 4,
    "442000": 4, "440700": 3, "441200": 1.5, "440500": 1.5, "445200": 0.7, "445100": 0.5,
    "441500": 0.5, "440800": 1, "440900": 0.6, "441700": 0.7, "440200": 0.8, "441400": 0.5,
    "441800": 0.8, "441600": 0.5, "445300": 0.4,
}
#: Shenzhen's districts for additive firms (laser firms follow the laser targets).
SHENZHEN_WEIGHTS = {
    "440306": 30, "440309": 15, "440305": 15, "440307": 12, "440311": 9, "440310": 5,
    "440304": 3, "440303": 2, "440308": 1,
}
GUANGZHOU_WEIGHTS = {
    "440112": 25, "440113": 15, "440111": 12, "440106": 12, "440114": 10, "440115": 10,
    "440118": 6, "440105": 4, "440104": 2, "440103": 2, "440117": 2,
}
SECTOR_P = {"laser": 0.78, "additive": 0.15, "both": 0.07}
SEGMENT_P = {
    "laser": {"design": 0.06, "basic_materials": 0.05, "special_materials": 0.05,
              "components": 0.24, "equipment": 0.35, "services": 0.25},
    "additive": {"design": 0.10, "basic_materials": 0.05, "special_materials": 0.20,
                 "components": 0.05, "equipment": 0.30, "services": 0.30},
}
#: Sample product tags (geo.chain codes) per chain segment: probabilities per sector, "laser"
#: also for "both" except in equipment. Lasers and laser equipment lead, as in Guangdong's
#: chain; 万瓦级 lasers and the plan's import-dependent parts (大模场光纤, 高亮度芯片,
#: 合束器, 光纤光栅) are rare.
PRODUCT_P = {
    "design": {"laser": {"product_design": 1.0}},
    "basic_materials": {"laser": {"lma_fiber": 0.35, "laser_crystal": 0.65},
                        "additive": {"metal_powder": 1.0}},
    "special_materials": {"laser": {"metal_powder": 0.6, "biomedical_material": 0.1,
                                    "am_polymer": 0.3},
                          "additive": {"metal_powder": 0.5, "am_polymer": 0.38,
                                       "biomedical_material": 0.12}},
    "components": {"laser": {"combiner": 0.07, "fiber_grating": 0.06, "isolator": 0.12,
                             "galvo_scanner": 0.22, "laser_head": 0.28, "laser_chip": 0.05,
                             "software": 0.20},
                   "additive": {"software": 0.6, "galvo_scanner": 0.4}},
    "equipment": {"laser": {"fiber_laser_10kw": 0.03, "fiber_laser": 0.14,
                            "ultrafast_laser": 0.06, "other_laser": 0.10,
                            "laser_equipment": 0.67},
                  "additive": {"am_equipment": 1.0},
                  "both": {"laser_equipment": 0.5, "am_equipment": 0.5}},
    "services": {"laser": {"application_services": 1.0}},
}
SECOND_PRODUCT_P = 0.15  # firms with a second product of the same segment
#: Application fields of equipment and service firms (三(三)); 40 % give none.
APPLICATION_P = {"electronics": 0.30, "new_energy": 0.20, "automotive": 0.15, "moulds": 0.10,
                 "aerospace": 0.08, "medical": 0.07, "shipbuilding": 0.04, "nuclear": 0.03,
                 "quantum": 0.03}
NAME_ZH = {"laser": "示例激光企业", "additive": "示例增材企业", "both": "示例激光增材企业",
           "": "示例集群企业"}
NAME_EN = {"laser": "Sample laser firm", "additive": "Sample AM firm",
           "both": "Sample laser & AM firm", "": "Sample cluster firm"}


def _bands(rng: np.random.Generator) -> pd.DataFrame:
    """One row per sample firm: band and (for all but the top band) a revenue."""
    parts = []
    for band, (n, low, high) in BANDS.items():
        if band == "top" or low is None:
            rev = np.full(n, np.nan)
        else:  # log-uniform inside the band
            rev = np.round(np.exp(rng.uniform(np.log(low), np.log(high), n)))
        parts.append(pd.DataFrame({"band": band, "revenue_10k_cny": rev}))
    return pd.concat(parts, ignore_index=True)


def _sectors(rng: np.random.Generator, firms: pd.DataFrame) -> None:
    sector = rng.choice(list(SECTOR_P), size=len(firms), p=list(SECTOR_P.values()))
    top = np.flatnonzero(firms["band"].to_numpy() == "top")
    sector[top[:TOP_LASER]] = "laser"
    sector[top[TOP_LASER:]] = ""  # broad cluster firms: outside laser processing and AM
    firms["sector"] = sector
    segment = np.full(len(firms), "", dtype=object)
    for key, probs in SEGMENT_P.items():
        mask = (sector == key) | ((sector == "both") & (key == "laser"))
        segment[mask] = rng.choice(list(probs), size=mask.sum(), p=list(probs.values()))
    firms["segment"] = segment


def _district_weights(districts: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per city: district adcode -> weight (urban 区 three times a county or county city)."""
    out: dict[str, dict[str, float]] = {}
    for city in CITIES:
        if city.adcode in NO_DISTRICT_CITIES:
            out[city.adcode] = {city.adcode: 1.0}
            continue
        rows = districts[districts.city_adcode == city.adcode]
        out[city.adcode] = {a: (3.0 if n.endswith("区") else 1.0)
                            for a, n in zip(rows.adcode, rows.name_zh, strict=True)}
    out["440300"] = dict(SHENZHEN_WEIGHTS)
    out["440100"] = dict(GUANGZHOU_WEIGHTS)
    return out


def _laser_targets(real: pd.DataFrame) -> dict[str, float]:
    """Laser revenue (万元) the sample must add in 宝安, the rest of Shenzhen and elsewhere."""
    rev = pd.to_numeric(real["revenue_10k_cny"], errors="coerce").fillna(0.0)
    laser = real["sector"].isin(["laser", "both"])
    city = real["city"].map(resolve_city)
    baoan = (real["district"].map(lambda d: resolve_district(d, SHENZHEN) == BAOAN)
             & (city == SHENZHEN)) | real["name_zh"].isin(BAOAN_BY_SOURCE)
    shenzhen = city == SHENZHEN
    return {
        "baoan": BAOAN_LASER_SHARE * LASER_TOTAL - rev[laser & baoan].sum(),
        "shenzhen": ((SHENZHEN_LASER_SHARE - BAOAN_LASER_SHARE) * LASER_TOTAL
                     - rev[laser & shenzhen & ~baoan].sum()),
        "rest": (1 - SHENZHEN_LASER_SHARE) * LASER_TOTAL - rev[laser & ~shenzhen].sum(),
    }


def _assign_areas(rng: np.random.Generator, firms: pd.DataFrame, districts: pd.DataFrame,
                  real: pd.DataFrame) -> None:
    """Cities and districts: laser firms in proportion to the laser targets (宝安, rest of
    Shenzhen, elsewhere), others by :data:`CITY_WEIGHTS`."""
    weights = _district_weights(districts)
    cities = list(CITY_WEIGHTS)
    p = np.array(list(CITY_WEIGHTS.values()), dtype=float)
    city = rng.choice(cities, size=len(firms), p=p / p.sum())
    targets = _laser_targets(real)
    groups = list(targets)
    pg = np.array([max(targets[g], 0.0) for g in groups])
    group = rng.choice(groups, size=len(firms), p=pg / pg.sum())
    others = [c for c in cities if c != SHENZHEN]
    po = np.array([CITY_WEIGHTS[c] for c in others], dtype=float)
    rest_city = rng.choice(others, size=len(firms), p=po / po.sum())
    laser = firms["sector"].isin(["laser", "both"]).to_numpy()
    city = np.where(laser & (group != "rest"), SHENZHEN, np.where(laser, rest_city, city))
    district = np.empty(len(firms), dtype=object)
    for i, c in enumerate(city):
        w = dict(weights[c])
        if c == SHENZHEN and laser[i]:
            if group[i] == "baoan":
                w = {BAOAN: 1.0}
            else:
                w.pop(BAOAN)
        codes = list(w)
        pw = np.array([w[k] for k in codes], dtype=float)
        district[i] = rng.choice(codes, p=pw / pw.sum())
    firms["city_adcode"], firms["district_adcode"] = city, district
    firms["laser_group"] = np.where(laser, group, "")


def _split(rng: np.random.Generator, total: float, n: int, floor: float) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    if total < n * floor:
        raise SystemExit(f"calibration infeasible: {total:.0f} 万元 for {n} firms >= {floor:.0f}")
    return floor + (total - n * floor) * rng.dirichlet(np.full(n, 1.5))


def _solve_top(rng: np.random.Generator, firms: pd.DataFrame, real: pd.DataFrame) -> None:
    """Revenues of the top band: the laser firms close the gaps to the laser targets (宝安,
    the rest of Shenzhen, elsewhere); the cluster firms take what is left of 1,000亿元."""
    real_rev = pd.to_numeric(real["revenue_10k_cny"], errors="coerce")
    top = (firms["band"] == "top").to_numpy()
    rev = firms["revenue_10k_cny"]
    targets = _laser_targets(real)
    need = {g: targets[g] - rev[~top & (firms["laser_group"] == g).to_numpy()].sum()
            for g in targets}
    idx = np.flatnonzero(top)
    laser_idx, broad_idx = idx[:TOP_LASER], idx[TOP_LASER:]
    # one firm per gap, largest gaps first; a gap already closed by the tail gets none
    order = sorted((g for g in need if need[g] > 0), key=need.__getitem__, reverse=True)
    places = {"baoan": ("440300", BAOAN), "shenzhen": ("440300", "440305"),
              "rest": ("440100", "440112")}
    for j, i in enumerate(laser_idx):
        g = order[j % len(order)]
        share = need[g] / sum(1 for k in range(TOP_LASER) if order[k % len(order)] == g)
        firms.loc[i, ["city_adcode", "district_adcode"]] = places[g]
        firms.loc[i, "laser_group"] = g
        firms.loc[i, "revenue_10k_cny"] = np.round(share)
    remainder = (TARGET_TOTAL - real_rev.sum() - rev[~top].sum()
                 - firms.loc[laser_idx, "revenue_10k_cny"].sum())
    # no city figures exist for the broad remainder: equal parts, one per carrier city
    places = [BROAD_PLACES[k % len(BROAD_PLACES)] for k in range(len(broad_idx))]
    firms.loc[broad_idx, ["city_adcode", "district_adcode"]] = places
    firms.loc[broad_idx, "revenue_10k_cny"] = np.round(remainder / len(broad_idx))


def _shrunk_areas(regions: pd.DataFrame, districts: pd.DataFrame) -> dict[str, object]:
    """Area polygons to sample in: mainland part only, shrunk away from the border."""
    box = shapely.box(*DEFAULT_BOUNDS)
    geoms = dict(zip(districts.adcode, districts.geometry, strict=True))
    geoms.update({a: g for a, g in zip(regions.adcode, regions.geometry, strict=True)
                  if a in NO_DISTRICT_CITIES})
    out = {}
    for adcode, geom in geoms.items():
        inner = shapely.intersection(geom, box).buffer(-SHRINK_DEG)
        out[adcode] = inner if not inner.is_empty else geom
        shapely.prepare(out[adcode])
    return out


def _points_in(rng: np.random.Generator, geom: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points inside ``geom``: ~70 % around 1-4 industrial clusters, the rest spread."""
    xmin, ymin, xmax, ymax = geom.bounds
    xs, ys = np.empty(0), np.empty(0)
    centres = None
    while xs.size < n:
        m = max(4 * n, 64)
        x = rng.uniform(xmin, xmax, m)
        y = rng.uniform(ymin, ymax, m)
        if centres is None:
            inside = shapely.contains_xy(geom, x, y)
            k = int(rng.integers(1, 5))
            if not inside.any():  # a small area missed by this draw: draw again
                continue
            centres = np.column_stack([x[inside][:k], y[inside][:k]])
        clustered = rng.random(m) < 0.7
        pick = rng.integers(0, len(centres), m)
        x = np.where(clustered, centres[pick, 0] + rng.normal(0, 0.02, m), x)
        y = np.where(clustered, centres[pick, 1] + rng.normal(0, 0.02, m), y)
        x, y = np.round(x, 5), np.round(y, 5)
        keep = shapely.contains_xy(geom, x, y)
        xs, ys = np.concatenate([xs, x[keep]]), np.concatenate([ys, y[keep]])
    order = rng.permutation(xs.size)[:n]
    return xs[order], ys[order]


def _place(rng: np.random.Generator, firms: pd.DataFrame) -> None:
    regions, districts = load_regions(), load_districts()
    areas = _shrunk_areas(regions, districts)
    firms["lon"], firms["lat"] = np.nan, np.nan
    for adcode, group in firms.groupby("district_adcode", sort=True):
        x, y = _points_in(rng, areas[adcode], len(group))
        firms.loc[group.index, "lon"], firms.loc[group.index, "lat"] = x, y
    names = dict(zip(districts.adcode, districts.name_zh, strict=True))
    firms["city"] = firms["city_adcode"].map(lambda a: CITY_BY_ADCODE[a].name_zh)
    firms["district"] = firms["district_adcode"].map(lambda a: names.get(a, ""))


def _finish(rng: np.random.Generator, firms: pd.DataFrame, seed: int) -> pd.DataFrame:
    firms = firms.sample(frac=1.0, random_state=rng.integers(0, 2**31 - 1))
    firms = firms.reset_index(drop=True)
    number = np.arange(1, len(firms) + 1)
    firms["id"] = [f"S{k:04d}" for k in number]
    firms["name_zh"] = [f"{NAME_ZH[s]}{k:04d}" for s, k in zip(firms.sector, number, strict=True)]
    firms["name_en"] = [f"{NAME_EN[s]} {k:04d}" for s, k in zip(firms.sector, number,
                                                                  strict=True)]
    rev = firms["revenue_10k_cny"].to_numpy(dtype=float)
    per_head = rng.uniform(30.0, 80.0, len(firms))  # 万元 revenue per employee
    staff = np.where(np.isfinite(rev), np.maximum(np.round(rev / per_head), 3),
                     rng.integers(3, 60, len(firms)))
    firms["employees"] = staff.astype(int).astype(str)
    firms["revenue_year"] = np.where(np.isfinite(rev), "2019", "")
    firms["revenue_10k_cny"] = [f"{v:.0f}" if np.isfinite(v) else "" for v in rev]
    listed = np.full(len(firms), "", dtype=object)
    top = np.flatnonzero(firms["band"] == "top")[:LISTED_SAMPLE]
    listed[top] = [f"示例-{i + 1:02d}" for i in range(len(top))]
    firms["listed"] = listed
    firms["lon"] = firms["lon"].map(lambda v: f"{v:.5f}")
    firms["lat"] = firms["lat"].map(lambda v: f"{v:.5f}")
    firms["address"] = ""
    firms["coord_precision"] = "exact"
    firms["source"] = f"sample: scripts/make_sample.py seed={seed}"
    firms["sample"] = "true"
    firms["note"] = ""
    firms["products"], firms["applications"] = "", ""
    return firms[COLUMNS]


def _draw(rng: np.random.Generator, probs: dict[str, float], n: int) -> np.ndarray:
    return rng.choice(list(probs), size=n, p=np.array(list(probs.values())) / sum(probs.values()))


def _tag(rng: np.random.Generator, firms: pd.DataFrame) -> pd.DataFrame:
    """Sample product and application tags; their own generator, so the rest of the tail
    (and its calibration) does not change when the tags do."""
    order = {c: i for i, c in enumerate(PARTS)}
    products = np.full(len(firms), "", dtype=object)
    tagged = firms[firms["segment"] != ""]
    for (segment, sector), group in tagged.groupby(["segment", "sector"], sort=True):
        table = PRODUCT_P[segment]
        probs = table.get(sector) or table.get("laser" if sector == "both" else sector) \
            or table["laser"]
        first = _draw(rng, probs, len(group))
        second = np.where(rng.random(len(group)) < SECOND_PRODUCT_P,
                          _draw(rng, probs, len(group)), first)
        products[group.index] = [";".join(sorted({a, b}, key=order.__getitem__))
                                 for a, b in zip(first, second, strict=True)]
    apps = np.full(len(firms), "", dtype=object)
    users = np.flatnonzero(firms["segment"].isin(["equipment", "services"]).to_numpy()
                           & (rng.random(len(firms)) >= 0.4))
    order_a = {c: i for i, c in enumerate(APPLICATIONS)}
    one, two = _draw(rng, APPLICATION_P, len(users)), _draw(rng, APPLICATION_P, len(users))
    pair = rng.random(len(users)) < 0.35
    apps[users] = [";".join(sorted({a, b} if p else {a}, key=order_a.__getitem__))
                   for a, b, p in zip(one, two, pair, strict=True)]
    return firms.assign(products=products, applications=apps)


def _area_point(city: str, district: str, precision: str) -> tuple[str, str]:
    city_code = resolve_city(city)
    if city_code is None:
        raise SystemExit(f"unknown city {city!r} in a real row")
    code = city_code
    if precision == "district" and city_code not in NO_DISTRICT_CITIES:
        code = resolve_district(district, city_code) or ""
        if not code:
            raise SystemExit(f"unknown district {district!r} in {city!r}")
    x, y = interior_point(code)
    return f"{x:.5f}", f"{y:.5f}"


def refresh_real(real: pd.DataFrame) -> pd.DataFrame:
    """Fill lon/lat of district- and city-level real rows with the area's interior point."""
    real = real.copy()
    for i, row in real.iterrows():
        if row["coord_precision"] in ("district", "city"):
            real.loc[i, ["lon", "lat"]] = _area_point(row["city"], row["district"],
                                                      row["coord_precision"])
    return real


def refresh_sites(path: Path = SITES_PATH) -> None:
    """Fill lon/lat of district- and city-level sites with the area's interior point."""
    sites = pd.read_csv(path, dtype=str, keep_default_na=False)
    for i, row in sites.iterrows():
        if row["coord_precision"] in ("district", "city"):
            city = CITY_BY_ADCODE[row["city_adcode"]].name_zh
            sites.loc[i, ["lon", "lat"]] = _area_point(city, row["district"],
                                                       row["coord_precision"])
    sites.to_csv(path, index=False, lineterminator="\n")


def make_sample(seed: int, real: pd.DataFrame) -> pd.DataFrame:
    """The synthetic tail (canonical columns as strings) for ``real`` firms and ``seed``."""
    rng = np.random.default_rng(seed)
    firms = _bands(rng)
    _sectors(rng, firms)
    _assign_areas(rng, firms, load_districts(), real)
    _solve_top(rng, firms, real)
    _place(rng, firms)
    return _tag(np.random.default_rng([seed, 19]), _finish(rng, firms, seed))


def summary(table: pd.DataFrame) -> str:
    """Calibration figures of a full enterprises table, as text."""
    rev = pd.to_numeric(table["revenue_10k_cny"], errors="coerce")
    laser = table["sector"].isin(["laser", "both"])
    baoan = table["district"].isin(["宝安区"]) & table["city"].isin(["深圳市"])
    core = table["city"].map(lambda c: CITY_BY_ADCODE[resolve_city(c)].zone) == "core"
    shenzhen = table["city"].map(resolve_city) == "440300"
    by_source = table["name_zh"].isin(BAOAN_BY_SOURCE)
    lines = [
        f"firms: {len(table)} ({(table['sample'] == 'true').sum()} sample)",
        f"listed: {(table['listed'] != '').sum()}",
        f">= 10 亿: {(rev >= 100_000).sum()}, >= 1 亿: {(rev >= 10_000).sum()}, "
        f">= 1000 万: {(rev >= 1_000).sum()}",
        f"total revenue: {rev.sum() / 1e4:,.1f} 亿元",
        f"core share: {rev[core].sum() / rev.sum():.1%}, Shenzhen: "
        f"{rev[shenzhen].sum() / rev.sum():.1%}",
        f"laser output (laser + both): {rev[laser].sum() / 1e4:,.1f} 亿元 "
        f"(target {LASER_TOTAL / 1e4:,.1f})",
        f"Shenzhen share of laser output: {rev[laser & shenzhen].sum() / rev[laser].sum():.1%}",
        f"宝安 (+ {', '.join(BAOAN_BY_SOURCE)}) share of laser output: "
        f"{rev[laser & (baoan | by_source)].sum() / rev[laser].sum():.1%}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true",
                        help="only print the calibration of the current file")
    args = parser.parse_args(argv)
    table = pd.read_csv(ENTERPRISES_PATH, dtype=str, keep_default_na=False)
    if not args.check:
        real = refresh_real(table[table["sample"] != "true"][COLUMNS])
        table = pd.concat([real, make_sample(args.seed, real)], ignore_index=True)
        table.to_csv(ENTERPRISES_PATH, index=False, lineterminator="\n", encoding="utf-8")
        refresh_sites()
    print(summary(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
