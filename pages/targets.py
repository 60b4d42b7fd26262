"""2025 目标 Targets: each plan target with current value, gap, growth needed and path."""

from geo.metrics import get_metric
from ui import data, mapview, shell, tables

ctx = shell.page("page_targets")
progress = data.plan_progress(ctx.frame, ctx.dataset.key, ctx.params)
tables.targets(ctx, progress)
result = data.metrics_for(ctx.dataset, ctx.filters)
spec = get_metric("revenue_share")
areas = tables.areas_with_metrics(result.table, "city", ())
mapview.show(ctx, mapview.MapSpec(choropleth=mapview.Choropleth(areas, spec, "city")),
             key="targets", table=tables.metric_table(result.table, spec, ctx.lang))
tables.city_contribution(ctx, result.table)
shell.footer(ctx)
