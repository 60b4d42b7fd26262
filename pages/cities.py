"""城市 Cities: choropleth of a metric, ranking, district drill-down and side-by-side comparison."""

import streamlit as st

from geo.metrics import get_metric
from ui import data, mapview, shell, tables

ctx = shell.page("page_cities")
spec = get_metric(st.session_state["metric"])
drill = mapview.metric_controls(ctx)
level = "district" if drill else "city"
result = data.metrics_for(ctx.dataset, ctx.filters, level=level)
areas = tables.areas_with_metrics(result.table, level, drill)
mapview.show(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec, level)),
             key="cities", table=tables.metric_table(result.table, spec, ctx.lang))
city_result = data.metrics_for(ctx.dataset, ctx.filters) if drill else result
if not ctx.present:
    tables.ranking(ctx, city_result.table, spec)
    tables.comparison(ctx, city_result.table)
    tables.coverage_note(ctx, result.coverage)
shell.footer(ctx)
