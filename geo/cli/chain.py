"""``python -m geo chain``: the chain part by part (强链补链), and a city's 招商 short list.

JSON: ``parts`` (code, label_zh, label_en, segment, producers, sample_producers, cities,
top_city, top_city_share, revenue_100m_cny, revenue_known, status), ``matrix`` records
(adcode, product, product_zh, firms) and, with ``--city``, ``city`` (adcode, has, missing
with the nearest producers elsewhere, distances in km from the city's label point).
CSV: the parts table, or with ``--city`` the short list (one row per missing part and
producer; a part nobody in the data makes has one row without a producer).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import pandas as pd

from geo.cli import _inputs


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m geo chain",
                                description="Producers, cities and status of each chain part; "
                                            "with --city, its missing parts and the nearest "
                                            "producers elsewhere.")
    _inputs.add_enterprises(p)
    p.add_argument("--city", default=None,
                   help="city adcode or name (440300, 深圳, Shenzhen) for the short list")
    p.add_argument("--nearest", type=int, default=5, help="producers per missing part (5)")
    p.add_argument("--format", choices=("csv", "json"), default="json")
    return p


def _frame(args: argparse.Namespace) -> pd.DataFrame:
    """The registry; a user file's problems (unknown tags among them) are counted on stderr."""
    from geo import registry

    if args.enterprises is None or not args.enterprises.is_file():
        return _inputs.enterprises(args)
    result = registry.load_registry(args.enterprises, datum=args.datum)
    if result.problems:
        print(f"warning: {result.name}: {len(result.problems)} problem(s), e.g. "
              f"{result.problems[0]}; run `python -m geo validate {args.enterprises}`",
              file=sys.stderr)
    return result.frame


def _city(text: str) -> str:
    from geo.registry import resolve_city

    adcode = resolve_city(text)
    if adcode is None:
        raise ValueError(f"--city {text!r}: not one of Guangdong's 21 cities (give an adcode "
                         "such as 440300 or a name such as 深圳)")
    return adcode


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN -> null, numpy numbers -> Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and math.isnan(value) else value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _city_block(frame: pd.DataFrame, adcode: str, n: int) -> tuple[dict[str, Any], pd.DataFrame]:
    from geo import chain
    from geo.regions import load_regions

    origin = chain.origin_of(load_regions(), adcode)
    city = chain.city_chain(frame, adcode, origin, n_nearest=n)
    nearest = city.nearest.assign(distance_km=city.nearest["distance_km"].round(2))
    block = {
        "adcode": adcode, "origin": {"lon": origin[0], "lat": origin[1]}, "has": city.has,
        "missing": [{"product": code, "product_zh": chain.PARTS[code].zh,
                     "nearest": _records(nearest[nearest["product"] == code]
                                         .drop(columns="product"))}
                    for code in city.missing],
    }
    short = pd.DataFrame({"product": pd.Series(city.missing, dtype=object)}).merge(
        nearest, on="product", how="left")
    short.insert(1, "product_zh", short["product"].map(lambda c: chain.PARTS[c].zh))
    return block, short


def cli(argv: list[str] | None = None) -> int:
    """Print the chain as JSON or CSV; 0 on success, 2 on bad input."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from geo import chain
    from geo.registry import RegistryError

    try:
        if args.nearest < 1:
            raise ValueError(f"--nearest must be 1 or more, got {args.nearest}")
        adcode = _city(args.city) if args.city else None
        frame = _frame(args)
        health = chain.chain_health(frame)
        city = _city_block(frame, adcode, args.nearest) if adcode else None
    except (RegistryError, ValueError, TypeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "csv":
        (city[1] if city else health.parts).to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        payload: dict[str, Any] = {"firms": health.firms, "tagged": health.tagged,
                                   "parts": _records(health.parts),
                                   "matrix": _records(health.records())}
        if city:
            payload["city"] = city[0]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    sample = int(frame["sample"].sum()) if "sample" in frame.columns else 0
    print(f"# {health.tagged} of {health.firms} firms carry product tags; {sample} sample rows "
          "(synthetic, labelled sample)", file=sys.stderr)
    return 0
