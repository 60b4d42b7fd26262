"""城市 Cities: choropleth of a metric, ranking, district drill-down and side-by-side comparison.

The prefecture filter does not blank the other cities: the map and the ranking compare every
city (``ctx.compare_filters``) and the chosen ones are outlined and their rank stated.
"""

from geo.metrics import get_metric
from ui import data, mapview, rankings, shell, state, summary

ctx = shell.page("page_cities")
spec = get_metric(str(state.view("metric")))
drill = mapview.metric_controls(ctx)
city_result = data.metrics_for(ctx.dataset, ctx.compare_filters)
rankings.rank_note(ctx, city_result.table, spec)
if drill:
    result = data.metrics_for(ctx.dataset, ctx.compare_filters, level="district")
    areas = data.areas_with_metrics(result.table, "district", drill)
else:
    result, areas = city_result, data.areas_with_metrics(city_result.table, "city", ())
level = "district" if drill else "city"
mapview.show(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec, level)),
             key="cities", table=rankings.metric_table(result.table, spec, ctx.lang))
if not ctx.present:
    if drill:
        rankings.district_ranking(ctx, areas, spec)
    rankings.ranking(ctx, city_result.table, spec)
    rankings.comparison(ctx, city_result.table)
    summary.coverage_note(ctx, result.coverage)  # the drilled districts' when drilling
shell.footer(ctx)
