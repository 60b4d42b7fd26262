"""The plan's layout on the Overview figure: zone fills and names, the 广深科技创新走廊
band, carrier cities outlined dashed."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from geo import symbology as sym
from geo.figures.geometry import _TO_PROJ, _WGS84, _rings, _split_dongsha
from geo.figures.labels import _Label
from geo.figures.style import NEUTRAL_FILL, _blend, _darken
from geo.layout import (
    CITY_BY_ADCODE,
    CORRIDOR,
    CORRIDOR_LABEL,
    ZONES,
)
from geo.regions import zones_frame
from geo.text import pick


def _zone_fills(areas: gpd.GeoDataFrame, cities: gpd.GeoDataFrame) -> list[str]:
    """Each area in its zone's colour, as on the web map (districts take their city's)."""
    zone_of = dict(zip(cities["adcode"].astype(str), cities["zone"], strict=True))
    city = (areas["city_adcode"] if "city_adcode" in areas.columns else areas["adcode"])
    return [_blend(sym.ZONE_COLORS.get(zone_of.get(str(c), ""), NEUTRAL_FILL),
                   sym.ZONE_FILL_OPACITY) for c in city.astype(str)]


def _draw_carriers(ax: Axes, cities: gpd.GeoDataFrame, city_main: gpd.GeoSeries) -> None:
    carrier = np.array([bool(CITY_BY_ADCODE.get(str(a)) and CITY_BY_ADCODE[str(a)].carrier)
                        for a in cities["adcode"]])
    rings = [r for g in city_main.to_numpy()[carrier] for r in _rings(g)]
    if rings:
        ax.add_collection(LineCollection(rings, colors=sym.CARRIER_COLOR, linewidths=0.9,
                                         linestyles=(0, (3.0, 2.0)), zorder=3.2),
                          autolim=False)


def _corridor_xy(cities: gpd.GeoDataFrame) -> np.ndarray | None:
    """The corridor's spine through the label points of 广州 – 东莞 – 深圳 (projected)."""
    by_code = cities.set_index(cities["adcode"].astype(str))
    if not all(c in by_code.index for c in CORRIDOR):
        return None
    lon, lat = sym.label_anchors(by_code.loc[list(CORRIDOR)].geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    return np.column_stack([x, y])


def _draw_corridor(ax: Axes, spine: np.ndarray, lang: str, m_per_pt: float) -> _Label:
    """A translucent band with a dashed centre line; return its name's label (placed beside
    the band's middle, east of it)."""
    ax.plot(spine[:, 0], spine[:, 1], color=sym.CORRIDOR_COLOR, alpha=0.25, linewidth=11,
            solid_capstyle="round", solid_joinstyle="round", zorder=4)
    ax.plot(spine[:, 0], spine[:, 1], color=sym.CORRIDOR_COLOR, linewidth=1.4,
            linestyle=(0, (4, 2.5)), zorder=4.1)
    mid = spine.mean(axis=0)
    return _Label(CORRIDOR_LABEL.label(lang), float(mid[0] + 34 * m_per_pt),
                  float(mid[1] + 16 * m_per_pt), 7.5, _darken(sym.CORRIDOR_COLOR, 0.85),
                  "bold")


def _zone_label_items(cities: gpd.GeoDataFrame, lang: str) -> list[_Label]:
    """Zone names at each zone's label anchor, in the zone's colour.

    The anchor leaves out the corridor and carrier cities, whose small, crowded Delta holds
    the city names, the corridor and most sites: the core's name goes to its open west.
    """
    crowded = cities["adcode"].astype(str).map(
        lambda a: bool(CITY_BY_ADCODE.get(a) and (CITY_BY_ADCODE[a].corridor
                                                  or CITY_BY_ADCODE[a].carrier)))
    keep = ~crowded | ~cities["zone"].isin(cities.loc[~crowded, "zone"])
    frame = cities[keep.to_numpy()].assign(land_area_km2=0.0, area_km2=0.0)
    frame = frame.set_geometry(list(_split_dongsha(frame.geometry)[0]), crs=_WGS84)
    zones = zones_frame(frame)
    lon, lat = sym.label_anchors(zones.geometry.to_numpy())
    x, y = _TO_PROJ.transform(lon, lat)
    return [_Label(ZONES[z].label(lang), float(a), float(b), pick(lang, 8.5, 7.5),
                   _darken(sym.ZONE_COLORS[z]), "bold")
            for z, a, b in zip(zones["zone"], x, y, strict=True)]
