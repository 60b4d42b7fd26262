"""总览 Overview: the 一核一带一区 layout with firms and sites; headline figures vs 2025 targets."""

import streamlit as st

from ui import data, mapview, shell, tables

ctx = shell.page("page_overview")
progress = data.plan_progress(ctx.frame, ctx.dataset.key, ctx.params)
tables.headline(ctx, progress)
result = data.metrics_for(ctx.dataset, ctx.filters)
mapview.show(ctx, mapview.MapSpec(layout=True, enterprises=ctx.frame, sites=data.load_sites()),
             key="overview", table=result.table)
if not ctx.present:
    left, right = st.columns(2)
    with left:
        tables.group_shares(ctx, result.groups)
    with right:
        tables.coverage_note(ctx, result.coverage)
shell.footer(ctx)
