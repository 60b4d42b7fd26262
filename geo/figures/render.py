"""Render a briefing figure to PNG, SVG or PDF bytes: rc settings (CJK font, text kept as
text, fonts embedded), the render lock, and the file's metadata (notes, title)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from geo.figures.build import build_figure
from geo.figures.page import figure_notes
from geo.figures.style import _RENDER_LOCK, _check_common
from geo.fonts import find_cjk_font


def figure_rc() -> dict[RcKeyType, Any]:
    """rc settings for figures: CJK font first, text kept as text in SVG, fonts embedded in
    PDF (TrueType as Type 42; CFF fonts such as Noto Sans CJK as Type 3, see
    :attr:`geo.fonts.CJKFont.pdf_fonttype`)."""
    font = find_cjk_font()
    return {
        "font.family": font.families,
        "font.size": 7.0,
        "svg.fonttype": "none",
        "svg.hashsalt": "gd-laser-atlas",
        "pdf.fonttype": font.pdf_fonttype,
        "text.parse_math": False,
        "text.usetex": False,
        "hatch.linewidth": 0.5,
        "hatch.color": "#a3a3a3",
        "axes.unicode_minus": False,
    }


def render_figure(
    areas: gpd.GeoDataFrame,
    *,
    regions: gpd.GeoDataFrame | None = None,
    values: pd.Series | None = None,
    metric_label: str = "",
    unit: str = "",
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    decimals: int | None = None,
    enterprises: pd.DataFrame | None = None,
    sites: pd.DataFrame | None = None,
    zones: bool = True,
    layout: bool = False,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    width_px: int = 3000,
    aspect: str = "16:9",
    fmt: str = "png",
    data_date: str | None = None,
    source_note: str | None = None,
    data_version: str | None = None,
    sample_rows: int | None = None,
) -> bytes:
    """Render a print-quality briefing map and return the file's bytes.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        The areas to colour: the 21 cities (:func:`geo.regions.load_regions`) or the
        districts (:func:`geo.regions.load_districts`); needs ``adcode`` and ``name_zh``.
    regions : geopandas.GeoDataFrame, optional
        The cities, for city outlines, labels and zones when ``areas`` are districts.
        Defaults to ``areas``.
    values : pandas.Series, optional
        The metric, indexed by the areas' adcode; NaN or absent = no data (grey, hatched).
        ``None`` draws the areas in a neutral fill without a class legend.
    metric_label, unit : str
        Legend heading, e.g. ``"企业数"`` and ``"家"``.
    scheme : {"quantiles", "natural_breaks", "equal_interval", "user_defined"}
        Classification (:func:`classify`); ``k`` classes (2–9) or ``breaks`` for
        ``user_defined``; ``decimals`` for the class labels (inferred when ``None``).
    enterprises : DataFrame, optional
        Canonical enterprise frame (:mod:`geo.registry`): points coloured by size ``tier``.
    sites : DataFrame, optional
        Sites frame: shape and colour by ``kind`` (park, platform, facility), fill by
        ``status`` (operating filled, building half, planned hollow and dashed).
    zones : bool, default True
        Outline the four layout zones (thicker line) and name them.
    layout : bool, default False
        Without ``values``: the plan's layout (the Overview figure) — areas in their zone's
        colour as on the web map, zone names, the 广深科技创新走廊 band and name, carrier
        cities outlined dashed, sites numbered and listed, a park on its own named on the map.
    title, subtitle : str, optional
        Title (default: the cluster's name and the metric) and subtitle (the filters in words,
        e.g. :meth:`geo.filters.Filters.describe`).
    lang : {"zh", "en"}
        Language of labels and furniture.
    width_px : int, default 3000
        Width in pixels of a PNG (the height follows ``aspect``); SVG and PDF have the same
        layout at 10 inches wide.
    aspect : {"16:9", "4:3"}
    fmt : {"png", "svg", "pdf"}
        SVG keeps text as text (font family named); PDF embeds the fonts (TrueType).
    data_date : str, optional
        Date of the data, printed in the footer ("未注明" when missing).
    source_note : str, optional
        Data source added to the source line after the boundaries' source,
        e.g. ``"企业：广东省激光产业协会名录（2024）"``.
    data_version : str, optional
        The data version in words (built-in, upload file name, or published version id and
        date), printed as "数据版本：…" (:func:`geo.provenance.export_notes`).
    sample_rows : int, optional
        Number of sample rows behind the figure; when positive a bold "含示例数据" line is
        printed. Defaults to the ``sample`` rows of ``enterprises``.

    Returns
    -------
    bytes
        The PNG, SVG or PDF file.

    Raises
    ------
    ValueError, TypeError
        For a bad argument (message names it); :class:`FigureError` when ``values`` match no
        area.
    geo.fonts.FontNotFoundError
        When the bundled CJK font (``static/fonts/``) is missing or damaged.
    """
    _check_common(lang, width_px, aspect, fmt)
    with _RENDER_LOCK, mpl.rc_context(figure_rc()):
        fig = build_figure(
            areas, regions=regions, values=values, metric_label=metric_label, unit=unit,
            scheme=scheme, k=k, breaks=breaks, decimals=decimals, enterprises=enterprises,
            sites=sites, zones=zones, layout=layout, title=title, subtitle=subtitle,
            lang=lang, width_px=width_px, aspect=aspect, data_date=data_date,
            source_note=source_note, data_version=data_version, sample_rows=sample_rows)
        return _save(fig, fmt, figure_notes(lang, data_version, sample_rows, enterprises))


def _save(fig: Figure, fmt: str, notes: Sequence[str] = ()) -> bytes:
    """The file's bytes; ``notes`` also go into its metadata (PNG/SVG Description, PDF
    Subject), where a script finds them without reading pixels."""
    buf = io.BytesIO()
    title = str(fig.get_label())
    metadata: dict[str, Any] = {"Title": title}
    described = " · ".join(notes)
    if fmt == "png":
        metadata["Software"] = "gd-laser-atlas (matplotlib)"
        if described:
            metadata["Description"] = described
    elif fmt == "pdf":
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "CreationDate": None})
        if described:
            metadata["Subject"] = described
    else:
        metadata.update({"Creator": "gd-laser-atlas (matplotlib)", "Date": None})
        if described:
            metadata["Description"] = described
    fig.savefig(buf, format=fmt, dpi=fig.dpi, facecolor="white", metadata=metadata)
    return buf.getvalue()
