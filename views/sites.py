"""园区与平台 Parks & platforms: sites with status, firms within a radius, coverage gaps."""

import streamlit as st

from geo.text import t
from ui import data, mapview, shell, state, tables

ctx = shell.page("page_sites")
sites = data.load_sites()
radius = st.slider(t("radius_km", ctx.lang), 1, 50, key="radius_km") if not ctx.present \
    else state.view("radius_km")
site_id = tables.site_picker(ctx, sites)
near = tables.firms_near_site(ctx, sites, site_id, radius)
mapview.show(ctx, mapview.MapSpec(sites=sites, enterprises=near if site_id else ctx.frame,
                                  circle=tables.site_circle(sites, site_id, radius)),
             key="sites", table=tables.site_table(sites, ctx.lang))
tables.plan_items(ctx, sites)
if not ctx.present:
    result = data.metrics_for(ctx.dataset, ctx.filters, radius_km=float(radius))
    tables.coverage_gaps(ctx, result.table, radius)
shell.footer(ctx)
