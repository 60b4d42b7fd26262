"""A second process on the same store, for tests/test_store.py (not a test module itself).

``publish``: publish a generated registry; with ``--pause-at F`` it prints ``PAUSED`` once
F of the rows are written (inside the open transaction) and sleeps, so the test can
SIGKILL it mid-publish. ``watch``: open the store, print ``READY``, then for every line on
stdin print the version ids, the default id and its row count (a running replica).

The editor token is the one configured for the store (``ATLAS_SECRETS_FILE``): this
process plays an editor.
"""

from __future__ import annotations

import argparse
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.auth import configured_token
from geo.store import open_store


def make_frame(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """A canonical enterprise frame of ``n`` rows (geo.registry.FRAME_COLUMNS), EPSG:4326."""
    rng = np.random.default_rng(seed)
    lon = np.round(rng.uniform(110.0, 117.0, n), 6)
    lat = np.round(rng.uniform(20.5, 25.0, n), 6)
    revenue = np.round(rng.uniform(10.0, 2e5, n), 1)
    revenue[::3] = np.nan  # unknown revenue
    frame = pd.DataFrame(
        {
            "id": [f"GD{seed:02d}-{i:06d}" for i in range(n)],
            "name_zh": [f"<b>激光</b>科技有限公司 {i}" for i in range(n)],
            "name_en": [f"Laser Tech {i}" if i % 2 else "" for i in range(n)],
            "city": ["深圳市" if i % 2 else "广州" for i in range(n)],
            "district": ["南山区" if i % 2 else "" for i in range(n)],
            "city_adcode": ["440300" if i % 2 else "440100" for i in range(n)],
            "district_adcode": ["440305" if i % 2 else "" for i in range(n)],
            "address": [None if i % 5 == 0 else f"科技园 {i} 号" for i in range(n)],
            "lon": lon,
            "lat": lat,
            "coord_precision": ["exact" if i % 2 else "city" for i in range(n)],
            "sector": [("laser", "additive", "both", "")[i % 4] for i in range(n)],
            "segment": ["high_end_equipment" if i % 2 else "" for i in range(n)],
            "revenue_10k_cny": revenue,
            "revenue_year": pd.array([2023 if i % 4 else None for i in range(n)], "Int64"),
            "listed": ["688000" if i % 7 == 0 else "" for i in range(n)],
            "employees": pd.array([None if i % 3 == 0 else 10 * i for i in range(n)], "Int64"),
            "credit_code": ["91440300MA5XXXXXXX" if i % 6 == 0 else "" for i in range(n)],
            "source": ["unit test"] * n,
            "note": ["含 \"引号\", 逗号\n换行" if i % 9 == 0 else "" for i in range(n)],
            "products": ["galvo_scanner;laser_head" if i % 4 == 0 else "" for i in range(n)],
            "applications": ["new_energy" if i % 5 == 0 else "" for i in range(n)],
            "sample": [i % 2 == 0 for i in range(n)],
            "tier": [("t1", "t2", "t3", "t4", "unknown")[i % 5] for i in range(n)],
        }
    )
    # strings as object dtype, the way geo.registry builds its frames
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])]
    frame[text] = frame[text].astype(object).where(frame[text].notna(), None)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


def _store(args: argparse.Namespace):
    return open_store(args.url, schema=args.schema) if args.schema else open_store(args.url)


def _publish(args: argparse.Namespace) -> int:
    store = _store(args)
    paused = False

    def progress(fraction: float) -> None:
        nonlocal paused
        if args.pause_at is not None and fraction >= args.pause_at and not paused:
            paused = True
            print("PAUSED", flush=True)
            time.sleep(args.sleep)

    version = store.publish(
        make_frame(args.rows, seed=args.seed),
        original=b"id,name_zh\n" * 10,
        file_name="helper.csv",
        author="helper",
        token=configured_token(),
        progress=progress,
    )
    print(f"PUBLISHED {version.id}", flush=True)
    return 0


def _watch(args: argparse.Namespace) -> int:
    store = _store(args)
    print("READY", flush=True)
    for _ in sys.stdin:
        ids = " ".join(str(v.id) for v in store.versions())
        default = store.get_default()
        rows = f" ROWS {len(store.load(default))}" if default else ""
        print(f"VERSIONS {ids} DEFAULT {default}{rows}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("publish", "watch"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause-at", type=float)
    parser.add_argument("--sleep", type=float, default=60.0)
    args = parser.parse_args(argv)
    return _publish(args) if args.mode == "publish" else _watch(args)


if __name__ == "__main__":
    sys.exit(main())
