"""Per-area metrics of the cluster (city, district, zone, province) and plan progress.

Everything a planner compares or a presenter quotes is computed here, from the canonical
enterprise GeoDataFrame of :mod:`geo.registry` and the boundaries of :mod:`geo.regions`:
counts by size tier, sector and chain segment; revenue in 亿元 and its share; density;
specialisation (location quotients); chain completeness; concentration (largest-firm share,
Herfindahl index); innovation coupling (distance to platforms); and the 2025 targets of the
action plan.

Conventions
-----------
- Units are in column names: ``revenue_100m_cny`` is 亿元 (= ``revenue_10k_cny`` / 10,000),
  ``land_area_km2`` km², ``density_per_1000km2`` firms per 1,000 km² of land,
  ``revenue_100m_cny_per_km2`` 亿元 per km², ``median_km_to_platform`` km.
- Land area (the density denominator) is each city's *official* land area
  (:mod:`geo.areas`, ``data/city_areas.csv``); zones and the province sum their cities;
  county-level units use their official land area where one is sourced
  (``data/district_areas.csv``), their polygon's otherwise. ``area_basis`` says which.
- Shares (``revenue_share``, ``enterprise_share``, ``top_firm_share``, ``hhi``,
  ``share_near_platform``) are fractions in 0..1, not percentages.
- Counts are 0 for an area without firms; a ratio with nothing to rest on is NaN (never inf).
- Revenue sums and revenue-based ratios use *known* revenues only; firms without revenue are
  counted in ``revenue_missing``, never added as zero silently.
- "Province" means the firms assigned to some area in this computation: shares sum to 1
  over the rows of a table.

Assignment is point-in-polygon on the area polygons (``shapely.intersects_xy`` on prepared
polygons after a bounding-box filter: faster than ``sjoin`` for a few dozen polygons). A point
on a shared border belongs to the area with the lowest adcode; a point in no area but within
:data:`COAST_TOLERANCE_DEG` (~1 km) of one goes to the nearest (the polygons are simplified).
Firms in no area (at sea, outside the province) and firms without coordinates are listed in
:attr:`MetricsResult.unassigned` and counted in :attr:`MetricsResult.coverage`.

The modules, in the order they build on each other:

- :mod:`~geo.metrics.catalogue`: the metrics by code (label, unit, decimals, column);
- :mod:`~geo.metrics.base_areas`: the areas firms are assigned to, their land-area
  denominators, and :func:`assign`;
- :mod:`~geo.metrics.aggregate`: firms read into arrays, then the per-area columns;
- :mod:`~geo.metrics.compute`: :func:`compute` (the table, coverage, unassigned rows),
  :func:`rank`, and :func:`areas_with_metrics` (a table joined to its areas' geometries).
"""

from geo.metrics.aggregate import PLATFORM_KINDS, REQUIRED_FIRM_COLUMNS
from geo.metrics.base_areas import (
    CITIES_WITHOUT_DISTRICTS,
    COAST_TOLERANCE_DEG,
    PROVINCE,
    REQUIRED_AREA_COLUMNS,
    assign,
)
from geo.metrics.catalogue import HEADLINE_COLUMNS, METRICS, MetricSpec, get_metric
from geo.metrics.compute import LEVELS, MetricsResult, areas_with_metrics, compute, rank

__all__ = [
    "CITIES_WITHOUT_DISTRICTS",
    "COAST_TOLERANCE_DEG",
    "HEADLINE_COLUMNS",
    "LEVELS",
    "METRICS",
    "PLATFORM_KINDS",
    "PROVINCE",
    "REQUIRED_AREA_COLUMNS",
    "REQUIRED_FIRM_COLUMNS",
    "MetricSpec",
    "MetricsResult",
    "areas_with_metrics",
    "assign",
    "compute",
    "get_metric",
    "rank",
]
