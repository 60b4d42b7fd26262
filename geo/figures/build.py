"""Compose a briefing figure (choropleth or the plan's layout) as a matplotlib Figure:
validate the inputs, classify the values, lay out the page and draw every part."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from geo import symbology as sym
from geo.figures.furniture import _draw_inset, _draw_map_furniture
from geo.figures.geometry import _main_extent, _to_wgs84
from geo.figures.labels import NUMBER_GAP_PT, _city_label_items, _Label, _place_labels
from geo.figures.layers import (
    MAX_NUMBERED_SITES,
    _city_precision,
    _draw_areas,
    _draw_city_precision,
    _draw_enterprises,
    _draw_graticule,
    _draw_sites,
    _fill_colors,
    _line_styles,
    _prepare_enterprises,
    _prepare_sites,
    _style_map_axes,
)
from geo.figures.legend import (
    _block,
    _class_block,
    _draw_site_callout,
    _firm_block,
    _fit_legend,
    _layout_block,
    _line_block,
    _marker_handle,
    _row,
    _site_block,
)
from geo.figures.overview import (
    _corridor_xy,
    _draw_carriers,
    _draw_corridor,
    _zone_fills,
    _zone_label_items,
)
from geo.figures.page import (
    _FOOTER_IN,
    _GAP_IN,
    _MARGIN,
    _MIN_COLUMN_IN,
    _draw_footer,
    _draw_header,
    _map_rect,
    _page,
    figure_notes,
)
from geo.figures.style import (
    CITY_PRECISION_COLOR,
    INK,
    SITE_COLORS,
    FigureError,
    _check_common,
)
from geo.fonts import report_missing
from geo.symbology import Classes
from geo.text import pick, t


def _area_classes(areas: gpd.GeoDataFrame, values: pd.Series | None, scheme: str, k: int,
                  breaks: Sequence[float] | None, decimals: int | None
                  ) -> tuple[Classes | None, np.ndarray]:
    n = len(areas)
    if values is None:
        return None, np.full(n, -1)
    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series indexed by adcode, got "
                        f"{type(values).__name__}")
    vals = values.copy()
    vals.index = vals.index.astype(str)
    if vals.index.has_duplicates:
        dup = sorted(set(vals.index[vals.index.duplicated()]))[:5]
        raise ValueError(f"values index has duplicate adcodes {dup}")
    adcodes = areas["adcode"].astype(str)
    if not adcodes.isin(vals.index).any():
        raise FigureError(
            f"values are indexed by {list(vals.index[:3])}…, which match none of the areas' "
            f"adcodes {adcodes.head(3).tolist()}…; pass values for the same level as the areas"
        )
    aligned = pd.Series(adcodes.map(vals).to_numpy(), index=adcodes.to_numpy())
    classes = sym.classify(pd.to_numeric(aligned, errors="coerce"), scheme, k, breaks,
                           decimals)
    if classes.k == 0:  # nothing to classify: every area is no data
        return classes, np.full(n, -1)
    return classes, classes.index.to_numpy()


def _default_title(metric_label: str, lang: str) -> str:
    base = t("figure.title", lang)
    if not metric_label:
        return base
    return f"{base}{t('colon', lang)}{metric_label}"


def build_figure(
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
    data_date: str | None = None,
    source_note: str | None = None,
    data_version: str | None = None,
    sample_rows: int | None = None,
) -> Figure:
    """Build the briefing figure as a :class:`~matplotlib.figure.Figure` (no file written).

    Takes the same arguments as :func:`render_figure` except ``fmt``. Call it inside
    ``matplotlib.rc_context(figure_rc())`` (as :func:`render_figure` does) so text uses the
    CJK font; a figure is drawn with the fonts current when it was built.
    """
    _check_common(lang, width_px, aspect, "png")
    areas, cities, district_level = _areas_and_cities(areas, regions)
    classes, cls_index = _area_classes(areas, values, scheme, k, breaks, decimals)
    if classes is not None:
        layout = False  # a choropleth: zone outlines and names only
    nodata = cls_index < 0 if classes is not None else np.zeros(len(areas), dtype=bool)
    colors = (_zone_fills(areas, cities) if layout and "zone" in cities.columns
              else _fill_colors(len(areas), classes, cls_index))
    city_only = _city_precision(enterprises)
    firms = enterprises
    if firms is not None and len(city_only):  # drawn as rings at the city, not as dots
        firms = firms[firms["coord_precision"].astype(str) != "city"]
    points = _prepare_enterprises(firms) if firms is not None else None
    site_set = _prepare_sites(sites, lang) if sites is not None and len(sites) else None
    numbered = layout and site_set is not None and 0 < len(site_set) <= MAX_NUMBERED_SITES
    styles = _line_styles(classes, district_level)
    title = title if title is not None else _default_title(metric_label, lang)
    notes = figure_notes(lang, data_version, sample_rows, enterprises)
    has_zones = zones and "zone" in cities.columns

    page = _page(int(width_px), aspect)
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=page.dpi)
    canvas = FigureCanvasAgg(fig)  # a renderer to measure labels and the legend with
    fig.set_label(title)
    extent = _main_extent()
    ratio = (extent[1] - extent[0]) / (extent[3] - extent[2])

    # 16:9: map full height at the right, title and legend in the left column.
    # 4:3: title across the top; legend column and map below it.
    top_in = page.height_in - _MARGIN
    if aspect == "16:9":
        rect = _map_rect(page, ratio, top_in, _MARGIN + _MIN_COLUMN_IN)
        column_in = rect[0] * page.width_in - _MARGIN - _GAP_IN
        legend_top = _draw_header(fig, page, title, subtitle, column_in) - 0.14
    else:
        legend_top = _draw_header(fig, page, title, subtitle,
                                  page.width_in - 2 * _MARGIN) - 0.2
    blocks = []
    if classes is not None:
        blocks.append(_class_block(classes, metric_label, unit, lang))
    if layout:
        blocks.append(_layout_block(lang))
    if points is not None and points.counts:
        blocks.append(_firm_block(points.counts, lang))
    if len(city_only):
        blocks.append(_block(t("figure.firms_city", lang), [_row(
            _marker_handle("o", CITY_PRECISION_COLOR, 40, face="none"),
            t("figure.firms_city_row", lang).format(n=f"{int(city_only.sum()):,}"))]))
    if site_set is not None:
        blocks.append(_site_block(site_set, lang))
    blocks.append(_line_block(styles, has_zones and not layout, lang))
    legend = _fit_legend(fig, page, blocks, legend_top)
    legend_w = legend.get_window_extent(canvas.get_renderer()).width / page.dpi
    if aspect == "16:9" and _MARGIN + legend_w + _GAP_IN > rect[0] * page.width_in:
        # a wide legend: the map gives way, centred in the height left over
        rect = _map_rect(page, ratio, top_in, _MARGIN + legend_w + _GAP_IN)
        slack = rect[1] - page.fy(_MARGIN + _FOOTER_IN)
        rect = (rect[0], rect[1] - slack / 2, rect[2], rect[3])
    if aspect != "16:9":
        left_in = _MARGIN + max(legend_w, _MIN_COLUMN_IN - 0.4) + _GAP_IN
        rect = _map_rect(page, ratio, legend_top, left_in)
        # Centre the map in the height left over; the legend starts level with its top.
        slack = rect[1] - page.fy(_MARGIN + _FOOTER_IN)
        rect = (rect[0], rect[1] - slack / 2, rect[2], rect[3])
        # matplotlib documents an (x, y) tuple here; its stub only says BboxBase
        legend.set_bbox_to_anchor((page.fx(_MARGIN), rect[1] + rect[3]),  # type: ignore[arg-type]
                                  transform=fig.transFigure)

    ax = fig.add_axes(rect)
    _style_map_axes(ax, extent)
    m_per_pt = (extent[1] - extent[0]) / (rect[2] * page.width_in * 72)
    _draw_graticule(ax, extent)
    island, city_main = _draw_areas(ax, areas, cities, colors, nodata, styles, has_zones)
    if layout:
        _draw_carriers(ax, cities, city_main)
    obstacles: list[Any] = []
    first: list[_Label] = []
    spine = _corridor_xy(cities) if layout else None
    if spine is not None:
        first.append(_draw_corridor(ax, spine, lang, m_per_pt))
    if points is not None:  # under the corridor and sites in the layout figure
        _draw_enterprises(ax, points, scale=0.6 if layout else 1.0,
                          zorder=3.5 if layout else 5)
    obstacles += _draw_city_precision(fig, ax, cities, city_only)
    site_labels: list[_Label] = []
    symbols: list[Any] = []
    if site_set is not None:
        sx, sy, symbols = _draw_sites(fig, ax, site_set, m_per_pt)
        if numbered:
            site_labels = [_Label(str(i + 1), float(a), float(b), 6.0, INK, "bold",
                                  gap=NUMBER_GAP_PT)
                           for i, (a, b) in enumerate(zip(sx, sy, strict=True))]
        if layout:  # a park on its own (深圳激光谷) is named on the map; co-located
            # sites are told apart by their numbers and the list
            alone = (sx == site_set.x) & (sy == site_set.y)
            site_labels += [_Label(site_set.name[i], float(sx[i]), float(sy[i]), 6.5,
                                   SITE_COLORS["park"], "bold")
                            for i in np.flatnonzero((site_set.kind == "park") & alone)]
    zone_labels = _zone_label_items(cities, lang) if has_zones else []
    if layout:  # the plan's picture: zone names first, then the corridor's long name (it
        # finds no room once the PRD is full), cities, sites
        ordered = [*zone_labels, *first,
                   *_city_label_items(cities, lang, pick(lang, 7.5, 6.5)), *site_labels]
    else:  # a choropleth: the cities first; zone names where room is left
        ordered = [*_city_label_items(cities, lang), *site_labels,
                   *[dataclasses.replace(z, size=7.0, style="italic", color=INK, weight="normal",
                                         optional=True) for z in zone_labels]]
    # the key boxes on the map first: no label may sit under them
    _draw_map_furniture(ax, extent, lang)
    inset = _draw_inset(fig, ax, island, colors, nodata, lang, upper_left=numbered)
    if inset is not None:
        obstacles.append(inset.get_window_extent(canvas.get_renderer()))
    if numbered and site_set is not None:  # in the sea south of the Delta and east
        obstacles.append(_draw_site_callout(fig, ax, site_set, lang, 0.99))
    _place_labels(fig, ax, ordered, obstacles, symbols=symbols)
    _draw_footer(fig, page, source_note, data_date, notes, lang)
    report_missing(t.get_text() for t in fig.findobj(Text))  # logged once, never silent tofu
    return fig


def _areas_and_cities(areas: gpd.GeoDataFrame, regions: gpd.GeoDataFrame | None
                      ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, bool]:
    """Validate the areas; return (areas, cities for outlines/labels, district level?)."""
    areas = _to_wgs84(areas, "areas")
    for col in ("adcode", "name_zh"):
        if col not in areas.columns:
            raise ValueError(f"areas lack the column {col!r} (expected cities or districts)")
    if len(areas) == 0:
        raise ValueError("areas is empty: nothing to draw")
    if regions is None:
        return areas, areas, False
    cities = _to_wgs84(regions, "regions")
    district_level = not areas["adcode"].astype(str).isin(cities["adcode"].astype(str)).all()
    return areas, cities, district_level
