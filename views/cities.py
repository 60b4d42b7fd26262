"""城市 Cities: choropleth of a metric, ranking, district drill-down and side-by-side comparison.

The prefecture filter does not blank the other cities: the map and the ranking compare every
city (``ctx.compare_filters``) and the chosen ones are outlined and their rank stated.
"""

from geo.metrics import get_metric
from ui import data, mapview, shell, state, tables

ctx = shell.page("page_cities")
spec = get_metric(str(state.view("metric")))
drill = mapview.metric_controls(ctx)
city_result = data.metrics_for(ctx.dataset, ctx.compare_filters)
tables.rank_note(ctx, city_result.table, spec)
if drill:
    result = data.metrics_for(ctx.dataset, ctx.compare_filters, level="district")
    areas = tables.areas_with_metrics(result.table, "district", drill)
else:
    result, areas = city_result, tables.areas_with_metrics(city_result.table, "city", ())
level = "district" if drill else "city"
mapview.show(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec, level)),
             key="cities", table=tables.metric_table(result.table, spec, ctx.lang))
if not ctx.present:
    if drill:
        tables.district_ranking(ctx, areas, spec)
    tables.ranking(ctx, city_result.table, spec)
    tables.comparison(ctx, city_result.table)
    tables.coverage_note(ctx, result.coverage)  # the drilled districts' when drilling
shell.footer(ctx)
