"""园区与平台 Parks & platforms: sites with status, firms within a radius, coverage gaps."""

import streamlit as st

from geo.text import t
from ui import data, mapview, shell, siteview, state

ctx = shell.page("page_sites")
sites = data.load_sites()
radius = st.slider(t("radius_km", ctx.lang), 1, 50, key="radius_km") if not ctx.present \
    else state.view("radius_km")
site_id = siteview.site_picker(ctx, sites)
near = siteview.firms_near_site(ctx, sites, site_id, radius)
mapview.show(ctx, mapview.MapSpec(sites=sites, enterprises=near if site_id else ctx.frame,
                                  circle=siteview.site_circle(sites, site_id, radius)),
             key="sites", table=siteview.site_table(sites, ctx.lang))
siteview.plan_items(ctx, sites)
if not ctx.present:
    result = data.metrics_for(ctx.dataset, ctx.filters, radius_km=float(radius))
    siteview.coverage_gaps(ctx, result.table, radius)
shell.footer(ctx)
