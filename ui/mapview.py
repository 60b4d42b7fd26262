"""The map panel every page shares: controls, the folium map in ``st_folium``, downloads.

The base map (boundaries, city names, the plan's layout, furniture) only changes with the
language and the basemap; everything that follows the filters or the metric (title block,
choropleth and its legend, enterprises, sites, the radius circle) is an overlay sent as
``feature_group_to_add``, so a change redraws the overlays in the same Leaflet map and keeps
the user's view. Each map is rendered once per server (:func:`ui.data.rendered_map`, see
``ui.stfolium``) and shared by reruns and sessions.

The selection (prefecture filter, drilled districts, a site's radius, a picked firm) is
outlined and the view fitted to it by overlays (``geo.maps.focus``); clearing it goes back
to the province. Clicking a city selects it (a double-click only zooms), and a chip above
the map says what is selected and clears it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import export, maps, offline, provenance, symbology
from geo.layout import NAME_COLUMNS, city_name
from geo.maps.points import COLOR_BY as POINT_COLOR_BY
from geo.maps.points import MODES as POINT_MODES
from geo.metrics import METRICS, MetricSpec
from geo.regions import city_at
from geo.text import colon, pick, t
from ui import data, state, stfolium
from ui.shell import PageContext
from ui.text import error_text, plain

MAP_HEIGHT = 620
#: Presentation mode: the map fills a 1920×1080 screen (the page has no chrome then).
PRESENT_HEIGHT = 1072
#: The vocabularies with their labels live in the library (one list each).
SCHEME_LABELS = {code: (term.zh, term.en) for code, term in symbology.SCHEMES.items()}
BASEMAP_LABELS = {code: (b.zh, b.en) for code, b in maps.BASEMAPS.items()}


@dataclass(frozen=True)
class Choropleth:
    """Areas (with the metric's column) to colour."""

    areas: gpd.GeoDataFrame
    spec: MetricSpec
    level: str = "city"


@dataclass(frozen=True)
class FirmFocus:
    """The picked firm: its id and point; ``city`` is its adcode when it is located only to
    its city (its point is a stand-in: the map fits the city and rings the city's symbol)."""

    firm: str
    lon: float
    lat: float
    city: str = ""


@dataclass(frozen=True)
class MapSpec:
    """What a page puts on its map."""

    layout: bool = False
    choropleth: Choropleth | None = None
    enterprises: pd.DataFrame | None = None
    sites: pd.DataFrame | None = None
    focus: FirmFocus | None = None  # the picked firm
    circle: tuple[float, float, float] | None = None  # (lon, lat, radius_km) around a site
    click_target: str = "f_cities"


def _fit(ctx: PageContext, spec: MapSpec) -> tuple[tuple[float, float, float, float] | None,
                                                   str, float]:
    """What to fit the view to: (bounds or None for the province, a key naming it, max zoom).

    A picked firm first, then a site's radius, drilled districts, the prefecture filter.
    """
    focus = spec.focus
    if focus is not None and focus.city:  # never zoom to a stand-in point
        regions = data.load_regions()
        city = regions[regions["adcode"] == focus.city]
        return maps.bounds_of(city), f"firm:{focus.firm}:city:{focus.city}", 11
    if focus is not None:
        return (maps.point_bounds(focus.lon, focus.lat, 3.0),
                f"firm:{focus.firm}:{focus.lon:.5f},{focus.lat:.5f}", 13)
    if spec.circle is not None:
        lon, lat, radius = spec.circle
        return maps.point_bounds(lon, lat, radius), f"circle:{lon:.5f},{lat:.5f},{radius:g}", 14
    choro = spec.choropleth
    if choro is not None and choro.level == "district" and len(choro.areas):
        codes = ",".join(sorted(choro.areas["city_adcode"].astype(str).unique()))
        return maps.bounds_of(choro.areas), f"district:{codes}", 11
    if ctx.filters.cities:
        regions = data.load_regions()
        picked = regions[regions["adcode"].isin(ctx.filters.cities)]
        return maps.bounds_of(picked), "city:" + ",".join(sorted(ctx.filters.cities)), 11
    return None, "province", 12


def _pick(labels: dict[str, tuple[str, str]], lang: str) -> Callable[[str], str]:
    return lambda code: pick(lang, *labels[code])


def metric_controls(ctx: PageContext) -> tuple[str, ...]:
    """Metric, scheme, classes, breaks and district drill-down (Cities page)."""
    lang = ctx.lang
    if ctx.present:
        return tuple(state.view("drill"))
    specs = {code: spec.title(lang) for code, spec in METRICS.items()}
    c1, c2, c3, c4 = st.columns([3, 2, 1, 3])
    c1.selectbox(t("metric", lang), list(specs), key="metric", format_func=specs.__getitem__)
    c2.selectbox(t("scheme", lang), list(SCHEME_LABELS), key="scheme",
                 format_func=_pick(SCHEME_LABELS, lang))
    c3.number_input(t("classes", lang), min_value=2, max_value=9, step=1, key="k")
    if state.view("scheme") == "user_defined":
        c4.text_input(t("breaks", lang), key="breaks", placeholder="10, 50, 100")
    regions = data.load_regions()
    names = dict(zip(regions.adcode, regions[pick(lang, *NAME_COLUMNS)],
                     strict=True))
    drill = st.multiselect(t("drill", lang), list(names), key="drill",
                           format_func=names.__getitem__, placeholder=t("pick_cities", lang))
    return tuple(drill)


def parse_breaks(raw: str) -> list[float] | None:
    """User-typed class breaks ("10, 50，100") as sorted distinct finite numbers; ``None``
    if a part is not a finite number or nothing is given."""
    try:
        values = {float(x) for x in raw.replace("，", ",").split(",") if x.strip()}
    except ValueError:
        return None
    if not values or not all(math.isfinite(v) for v in values):
        return None
    return sorted(values)


def _breaks(lang: str) -> list[float] | None:
    """The typed breaks when the scheme is user-defined; a note when they are unusable
    (the map then falls back to quantiles)."""
    if state.view("scheme") != "user_defined":
        return None
    raw = str(state.view("breaks")).strip()
    values = parse_breaks(raw)
    if values is None:
        st.info(t("breaks_bad", lang, raw=plain(raw)) if raw else t("breaks_missing", lang))
    return values


@dataclass(frozen=True)
class MapOptions:
    """The view settings a map is built with, besides the page's :class:`MapSpec`."""

    basemap: str = "none"
    mode: str = "auto"
    color_by: str = "tier"
    tianditu_key: str | None = None
    scheme: str = "quantiles"
    k: int = 5
    breaks: tuple[float, ...] | None = None
    static_url: str = offline.DEFAULT_BASE_URL
    present: bool = False  # a slide: legends open


def _ask_basemap(lang: str) -> None:
    """An online basemap requested by a link is loaded only once the viewer agrees."""
    asked = state.basemap_asked()
    if asked not in BASEMAP_LABELS:
        return
    st.info(t("basemap_ask", lang, name=_pick(BASEMAP_LABELS, lang)(asked)),
            icon=":material/public:")
    c1, c2, _ = st.columns([2, 2, 6])
    c1.button(t("basemap_load", lang), key="basemap_yes", on_click=state.answer_basemap,
              args=(asked,))
    c2.button(t("basemap_keep", lang), key="basemap_no", on_click=state.answer_basemap,
              args=(None,))


def _map_controls(ctx: PageContext, spec: MapSpec) -> MapOptions:
    """Basemap, point mode and colouring (in a folded section) and the class settings."""
    lang = ctx.lang
    _ask_basemap(lang)
    section = None if ctx.present else st.expander(
        t("map_options", lang), key="map_options", on_change="rerun")
    if section is not None and section.open:  # folded: drawn only while open
        with section:
            c1, c2, c3 = st.columns(3)
            c1.selectbox(t("basemap", lang), list(BASEMAP_LABELS), key="basemap",
                         format_func=_pick(BASEMAP_LABELS, lang))
            if state.view("basemap") == "tianditu":
                c1.text_input(t("tianditu_key", lang), key="tianditu_key", type="password")
            if spec.enterprises is not None:
                c2.radio("●", list(POINT_MODES), key="point_mode", horizontal=True,
                         format_func=lambda m: t(f"map.mode.{m}", lang),
                         label_visibility="collapsed")
                c3.radio("◐", list(POINT_COLOR_BY), key="point_color", horizontal=True,
                         format_func=lambda c: t(f"map.color_by.{c}", lang),
                         label_visibility="collapsed")
    basemap = str(state.view("basemap"))
    key = state.text("tianditu_key") if basemap == "tianditu" else None
    breaks = _breaks(lang) if spec.choropleth is not None else None
    scheme = str(state.view("scheme"))
    if scheme == "user_defined" and not breaks:
        scheme = "quantiles"  # until usable breaks are typed (the note above says so)
    return MapOptions(
        basemap=basemap, mode=state.view("point_mode"),
        color_by=state.view("point_color"), tianditu_key=key or None,
        scheme=scheme, k=int(state.view("k")),
        breaks=tuple(breaks) if breaks else None,
        static_url=offline.static_base_url(st.get_option("server.baseUrlPath")),
        present=ctx.present)


def _title(ctx: PageContext, spec: MapSpec) -> tuple[str, str]:
    base = t("app_title", ctx.lang)
    if spec.choropleth is not None:
        base = f"{base}{colon(ctx.lang)}{spec.choropleth.spec.label(ctx.lang)}"
    if ctx.dataset.year is not None:  # the firm figures are that year's (ui.years)
        year = ctx.dataset.year
        base = t("with_year", ctx.lang, text=base, year=year)
    return base, ctx.filters.describe(ctx.lang)


def build(ctx: PageContext, spec: MapSpec, opts: MapOptions
          ) -> tuple[folium.Map, list[folium.FeatureGroup]]:
    """The base map and the filtered overlays for ``spec``.

    Reads nothing but its arguments and the bundled boundaries, so :func:`_fingerprint`
    of the same arguments identifies the result.
    """
    lang, basemap, static = ctx.lang, opts.basemap, opts.static_url
    regions = data.load_regions()
    title, subtitle = _title(ctx, spec)
    choro = spec.choropleth
    # everything that follows the filters or the metric is an overlay: the base map (and
    # so the component) stays the same across those changes and keeps the user's view
    m = maps.base_map(regions, lang=lang, basemap=basemap, tianditu_key=opts.tianditu_key,
                      data_date=ctx.dataset.date,
                      labels=choro is None or choro.level != "city", layer_control=False,
                      fold_legends=not opts.present, static_url=static)
    if spec.layout:
        maps.layout_layer(regions, lang, basemap=basemap, static_url=static).add_to(m)
    overlays: list[folium.FeatureGroup] = [maps.title_layer(
        title, subtitle, notes=_notes(ctx), static_url=static)]
    if choro is not None:
        c = choro.spec
        areas = choro.areas.assign(**{c.column: c.shown(choro.areas[c.column])})
        overlays.append(maps.choropleth_layer(
            areas, c.column, scheme=opts.scheme, k=opts.k,
            breaks=list(opts.breaks) if opts.breaks else None, lang=lang,
            legend_title=c.label(lang), unit=c.unit(lang), decimals=c.decimals,
            basemap=basemap, static_url=static))
        values = areas.set_index("adcode")[c.column]
        fmt = f"{{:,.{c.decimals}f}}"
        if choro.level == "city":
            overlays.append(maps.city_labels(regions, lang, values=values, fmt=fmt,
                                             basemap=basemap, static_url=static))
        elif len(areas):  # the drilled districts, named (the city labels stay on the base)
            overlays.append(maps.city_labels(
                areas, lang, values=values, fmt=fmt, basemap=basemap, offsets={},
                name=t("district_labels", lang), static_url=static))
    if spec.enterprises is not None and len(spec.enterprises):
        frame = spec.enterprises
        encoded = data.encoded_firms(frame, ctx.dataset.key, ctx.params, _digest(frame), lang,
                                 basemap)
        overlays.append(maps.enterprise_layer(
            frame, lang, mode=opts.mode, color_by=opts.color_by, basemap=basemap,
            static_url=static, encoded=encoded))
    if spec.sites is not None and len(spec.sites):
        overlays.append(maps.site_layer(spec.sites, lang, basemap=basemap, static_url=static))
    if spec.circle is not None:
        lon, lat, radius_km = spec.circle
        group = folium.FeatureGroup(name=t("radius_km", lang))
        folium.Circle([lat, lon], radius=radius_km * 1000, color="#0b5ea8", weight=2,
                      fill=False, dash_array="6 4").add_to(group)
        overlays.append(offline.localize(group, static))
    if ctx.filters.cities:
        picked = regions[regions["adcode"].isin(ctx.filters.cities)]
        overlays.append(maps.highlight_layer(picked, lang, basemap=basemap, static_url=static))
    if spec.focus is not None:
        overlays.extend(_focus_layers(spec.focus, regions, lang, basemap, static))
    bounds, fit_key, max_zoom = _fit(ctx, spec)
    overlays.append(maps.fit_layer(bounds, fit_key, basemap=basemap, max_zoom=max_zoom,
                                   static_url=static))
    return m, overlays


def _focus_layers(focus: FirmFocus, regions: gpd.GeoDataFrame, lang: str, basemap: str,
                  static: str | None) -> list[folium.FeatureGroup]:
    """The picked firm's halo; for a city-precision firm, its city outlined and the halo
    round the city's ring (at the city's label anchor)."""
    if not focus.city:
        return [maps.firm_focus_layer(focus.lon, focus.lat, lang, basemap=basemap,
                                      static_url=static)]
    city = regions[regions["adcode"] == focus.city]
    lon, lat = symbology.label_anchors(city.geometry.to_numpy())
    return [maps.highlight_layer(city, lang, basemap=basemap, static_url=static),
            maps.firm_focus_layer(float(lon[0]), float(lat[0]), lang, city_ring=focus.city,
                                  basemap=basemap, static_url=static)]


def _notes(ctx: PageContext) -> list[str]:
    """The sample-data line (when sample rows are in view) and the data version."""
    return provenance.export_notes(ctx.lang, ctx.dataset.label,
                                   provenance.sample_rows(ctx.frame))


def _view_name(spec: MapSpec) -> str:
    """What the map shows, for file names: ``layout``, ``<metric>-<level>`` or ``map``."""
    if spec.choropleth is not None:
        return f"{spec.choropleth.spec.code}-{spec.choropleth.level}"
    return "layout" if spec.layout else "map"


def _digest(frame: pd.DataFrame | None, columns: tuple[str, ...] = ()) -> str | None:
    """A content digest of ``frame``'s index (which rows) or of some of its columns."""
    if frame is None:
        return None
    hashed = pd.util.hash_pandas_object(frame[list(columns)] if columns else frame.index,
                                        index=False)
    return hashlib.blake2b(hashed.to_numpy().tobytes(), digest_size=16).hexdigest()


def _fingerprint(ctx: PageContext, spec: MapSpec, opts: MapOptions) -> tuple:
    """Everything :func:`build` reads, as a small hashable value (a cache key).

    The firms are identified by the dataset, the filters and which rows are shown; areas by
    their codes and metric values.
    """
    choro = spec.choropleth
    areas = None if choro is None else (
        choro.level, choro.spec.column, _digest(choro.areas, ("adcode", choro.spec.column)))
    return (ctx.lang, _title(ctx, spec), ctx.dataset.key,
            ctx.params, spec.layout, areas, _digest(spec.enterprises), _digest(spec.sites),
            spec.circle, spec.focus, dataclasses.astuple(opts))


def _on_click(key: str, target: str) -> None:
    """Select the clicked city in ``target`` (runs before the rerun, so widgets may change).

    A click selects; it never toggles (a repeated click keeps the selection). The chip
    above the map clears it.
    """
    clicked = state.returned(key).get("last_clicked")
    if not clicked:
        return
    adcode = city_at(data.load_regions(), clicked["lng"], clicked["lat"],
                     datum=maps.basemap_datum(str(state.view("basemap"))))
    if adcode is None:
        return
    state.put(target, [adcode])


def _clear(target: str) -> None:
    state.put(target, [])


def selection_bar(ctx: PageContext, spec: MapSpec, key: str) -> None:
    """A hint on how to select by click, and a chip naming the selection that clears it.

    Always the same two columns, so the map below keeps its place in the page (a map that
    moves would be rebuilt by the browser and lose its view).
    """
    lang = ctx.lang
    hint, chip = st.columns([3, 2], vertical_alignment="center")
    hint.caption(t("click_hint", lang))
    picked = state.codes(spec.click_target)
    if picked:
        names = t("list_sep", lang).join(city_name(a, lang).removesuffix("市") for a in picked)
        chip.button(f"{t('selected', lang)}{colon(lang)}{names}  ×", key=f"clear_{key}",
                    on_click=_clear, args=(spec.click_target,), help=t("clear_selection", lang),
                    icon=":material/location_on:")


def show(ctx: PageContext, spec: MapSpec, *, key: str, table: pd.DataFrame | None = None) -> None:
    """Draw the map panel: controls, map, download row."""
    opts = _map_controls(ctx, spec)
    map_key = f"map_{key}"

    def rendered_for(o: MapOptions) -> stfolium.Rendered:
        return data.rendered_map(_fingerprint(ctx, spec, o), map_key,
                         lambda: (*build(ctx, spec, o), maps.layer_control(ctx.lang)))

    try:
        rendered = rendered_for(opts)
    except ValueError as exc:  # Tianditu without a key, breaks the classifier refuses …
        st.warning(error_text(exc, ctx.lang))
        opts = dataclasses.replace(opts, basemap="none", tianditu_key=None,
                                   scheme="quantiles", breaks=None)
        try:
            rendered = rendered_for(opts)
        except ValueError as again:
            st.error(error_text(again, ctx.lang))
            return
    if not ctx.present:
        selection_bar(ctx, spec, key)
    stfolium.send(rendered, key=map_key, height=PRESENT_HEIGHT if ctx.present else MAP_HEIGHT,
                  on_change=lambda: _on_click(map_key, spec.click_target))
    if not ctx.present:
        downloads(ctx, spec, opts, key=key, table=table)


def figure_format(container: Any, lang: str, *, key: str) -> str:
    """The figure-format choice every page shows: PNG / SVG / PDF, one radio row."""
    return str(container.radio(t("figure_format", lang), ["png", "svg", "pdf"],
                               horizontal=True, key=key, format_func=str.upper))


def downloads(ctx: PageContext, spec: MapSpec, opts: MapOptions, *, key: str,
              table: pd.DataFrame | None) -> None:
    """Figure (PNG/SVG/PDF), offline interactive HTML, and the table (CSV/XLSX).

    File names say page, view, language and date (:func:`geo.provenance.export_name`).
    """
    lang = ctx.lang
    view = _view_name(spec)

    def name(ext: str, what: str = view) -> str:
        return provenance.export_name(key, what, lang, ext)

    cols = st.columns([2, 1.3, 2.4, 1.1, 1.1])
    fmt = figure_format(cols[0], lang, key=f"fig_fmt_{key}")
    cols[1].download_button(
        t("download_figure", lang), lambda: _figure(ctx, spec, opts, fmt), name(fmt),
        mime=export.MIME_TYPES[fmt], on_click="ignore", key=f"dl_fig_{key}")
    cols[2].download_button(
        t("download_html", lang), lambda: _interactive_html(ctx, spec, opts), name("html"),
        "text/html", on_click="ignore", key=f"dl_html_{key}")
    if table is not None:
        cols[3].download_button(t("download_csv", lang), lambda: export.to_csv_bytes(table),
                                name("csv", f"{view}-table"), "text/csv",
                                on_click="ignore", key=f"dl_csv_{key}")
        cols[4].download_button(t("download_xlsx", lang), lambda: export.to_xlsx_bytes(table),
                                name("xlsx", f"{view}-table"),
                                on_click="ignore", key=f"dl_xlsx_{key}")


def _interactive_html(ctx: PageContext, spec: MapSpec, opts: MapOptions) -> bytes:
    """The same map with its overlays as one self-contained offline HTML file."""
    m, overlays = build(ctx, spec, opts)
    for group in overlays:
        group.add_to(m)
    maps.layer_control(ctx.lang).add_to(m)
    return offline.inline_html(m).encode("utf-8")


def _figure(ctx: PageContext, spec: MapSpec, opts: MapOptions, fmt: str) -> bytes:
    """The briefing figure of the current view (same filters, metric, scheme, language)."""
    from geo import figures  # matplotlib: imported on the first download, not on page load

    regions = data.load_regions()
    title, subtitle = _title(ctx, spec)
    kwargs: dict = {}
    areas = regions
    if spec.choropleth is not None:
        c = spec.choropleth
        areas = c.areas
        kwargs = {"values": c.spec.shown(c.areas.set_index("adcode")[c.spec.column]),
                      "metric_label": c.spec.label(ctx.lang), "unit": c.spec.unit(ctx.lang),
                      "scheme": opts.scheme, "k": opts.k,
                      "breaks": list(opts.breaks) if opts.breaks else None,
                      "decimals": c.spec.decimals}
    return figures.render_figure(
        areas, regions=regions, enterprises=spec.enterprises, sites=spec.sites,
        layout=spec.layout, title=title, subtitle=subtitle, lang=ctx.lang, fmt=fmt,
        data_date=ctx.dataset.date, data_version=ctx.dataset.label,
        sample_rows=provenance.sample_rows(ctx.frame), **kwargs)
