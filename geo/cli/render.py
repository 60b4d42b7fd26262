"""``python -m geo render``: write a briefing figure (PNG/SVG/PDF) without a browser.

Without ``--metric`` it draws the Overview figure (the plan's layout: zones in colour and
named, the corridor, carrier cities, firms, sites); with ``--metric`` a choropleth of that
metric at city or district level (zone outlines and names on top).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path as FilePath
from typing import Any

import pandas as pd

from geo import provenance
from geo import symbology as sym
from geo.figures import ASPECTS, FORMATS, LANGS, render_figure
from geo.text import t


class _UsageError(Exception):
    """A command-line mistake: one-line message, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m geo render",
                description="Render the briefing figure (PNG/SVG/PDF) without a browser.")
    p.add_argument("--enterprises", metavar="PATH",
                   help="registry file (CSV/XLSX); default: the bundled data")
    p.add_argument("--datum", default="wgs84",
                   help="coordinate datum of --enterprises: wgs84, gcj02 or bd09")
    p.add_argument("--metric", help="metric code for a choropleth (default: the Overview "
                   "layout figure)")
    p.add_argument("--level", default="city", choices=("city", "district"))
    p.add_argument("--lang", default="zh", choices=LANGS)
    p.add_argument("--scheme", default="quantiles", choices=list(sym.SCHEMES))
    p.add_argument("--k", type=int, default=5, help="number of classes (2–9)")
    p.add_argument("--breaks", help="comma-separated upper class limits for user_defined")
    p.add_argument("--width", type=int, default=3000, help="PNG width in pixels")
    p.add_argument("--aspect", default="16:9", choices=tuple(ASPECTS))
    p.add_argument("--title")
    p.add_argument("--subtitle")
    p.add_argument("--data-date", help="date of the data, printed in the footer "
                   "(default: the years of the registry's revenue figures)")
    p.add_argument("--source-note", help="data source for the footer's source line")
    p.add_argument("--no-sites", action="store_true", help="leave parks and platforms out")
    p.add_argument("--out", required=True, metavar="FILE", help="output .png, .svg or .pdf")
    return p


def _out_format(out: str) -> tuple[FilePath, str]:
    path = FilePath(out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise _UsageError(f"unknown output format {path.suffix or '(none)'!r} for --out {out}; "
                          f"use .png, .svg or .pdf")
    if not path.parent.is_dir():
        raise _UsageError(f"output directory does not exist: {path.parent}")
    return path, fmt


def _parse_breaks(text: str | None) -> list[float] | None:
    if text is None:
        return None
    try:
        return list(sym.parse_breaks(text))
    except sym.BreaksError as exc:
        raise _UsageError(f"--breaks: {exc}") from None


def _load_inputs(args: argparse.Namespace) -> tuple[Any, Any, Any, Any]:
    """Return (metric spec, enterprises, sites, registry module), or raise _UsageError."""
    from geo import metrics as metrics_mod
    from geo import registry

    spec = None
    if args.metric is not None:
        try:
            spec = metrics_mod.get_metric(args.metric)
        except ValueError:
            raise _UsageError(f"unknown metric {args.metric!r}; valid metrics: "
                              f"{', '.join(sorted(metrics_mod.METRICS))}") from None
    if args.enterprises:
        path = FilePath(args.enterprises)
        if not path.is_file():
            raise _UsageError(f"enterprises file not found: {path}")
        try:
            result = registry.load_registry(path, datum=args.datum)
        except (registry.RegistryError, ValueError) as exc:
            raise _UsageError(str(exc).splitlines()[0]) from None
        if result.problems:
            print(f"warning: {len(result.problems)} problem(s) in {path.name}; "
                  f"{result.valid_rows} of {result.rows} rows used "
                  f"(details: python -m geo validate {path})", file=sys.stderr)
        firms = result.frame
    else:
        firms = registry.load_enterprises()
    sites = None if args.no_sites else _bundled_sites(registry)
    return spec, firms, sites, registry


def _bundled_sites(registry: Any) -> Any:
    try:
        return registry.load_sites()
    except (FileNotFoundError, ValueError) as exc:
        print(f"warning: sites left out ({str(exc).splitlines()[0]})", file=sys.stderr)
        return None


def _render_from_args(args: argparse.Namespace) -> bytes:
    from geo import metrics as metrics_mod
    from geo.regions import district_areas, load_districts, load_regions

    _, fmt = _out_format(args.out)
    breaks = _parse_breaks(args.breaks)
    if args.scheme == "user_defined" and not breaks:
        raise _UsageError("--scheme user_defined needs --breaks, e.g. --breaks 5,20,50")
    spec, firms, sites, _ = _load_inputs(args)
    regions = load_regions()
    lang = args.lang
    source_note = args.source_note
    if source_note is None:
        source_note = _firm_source_note(firms, args.enterprises, lang)
    common: dict[str, Any] = {
        "enterprises": firms, "sites": sites, "title": args.title, "lang": lang,
        "width_px": args.width, "aspect": args.aspect, "fmt": fmt,
        "data_date": args.data_date or provenance.data_date(firms),
        "source_note": source_note,
        "data_version": _data_version(args.enterprises, lang),
        "sample_rows": provenance.sample_rows(firms),
    }
    if spec is None:  # the Overview figure: the plan's layout
        subtitle = args.subtitle if args.subtitle is not None else t("cli.subtitle_layout", lang)
        return render_figure(regions, layout=True, subtitle=subtitle, **common)
    districts = load_districts() if args.level == "district" else None
    result = metrics_mod.compute(firms, regions, districts=districts, sites=sites,
                                 level=args.level)
    table = result.table
    if spec.column not in table.columns:
        raise _UsageError(f"metric {spec.code!r} is not available at level {args.level!r}")
    values = spec.shown(table.set_index(table["adcode"].astype(str))[spec.column])
    areas = regions if districts is None else district_areas(districts, regions)
    subtitle = args.subtitle if args.subtitle is not None else t(f"cli.subtitle_{args.level}", lang)
    return render_figure(
        areas, regions=regions if districts is not None else None, values=values,
        metric_label=spec.label(lang), unit=spec.unit(lang), scheme=args.scheme, k=args.k,
        breaks=breaks, decimals=spec.decimals, subtitle=subtitle, **common)


def _data_version(path: str | None, lang: str) -> str:
    if path:
        return FilePath(path).name
    return t("bundled", lang)  # the same words as the app's data version


def _firm_source_note(firms: pd.DataFrame, path: str | None, lang: str) -> str:
    """Say where the firms come from, and how many rows are synthetic sample data."""
    name = FilePath(path).name if path else None
    note = t("cli.firms_file", lang, name=name) if name else t("cli.firms_bundled", lang)
    n_sample = int(firms["sample"].fillna(False).astype(bool).sum()) if "sample" in firms else 0
    if n_sample:
        note += t("cli.sample_rows", lang, n=f"{n_sample:,}")
    return note


def cli(argv: list[str] | None = None) -> int:
    """``python -m geo render …``: write a briefing figure; return the exit code.

    Exit codes: 0 written; 2 a usage problem (bad path, unknown format or metric), with a
    one-line message on stderr; 1 any other failure (also one line, never a traceback).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = _parser().parse_args(argv)
        out, _ = _out_format(args.out)
        data = _render_from_args(args)
        out.write_bytes(data)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except _UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return 2
    except Exception as exc:  # one line, never a traceback, for scripted briefing packs
        print(f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(data):,} bytes)")
    return 0
