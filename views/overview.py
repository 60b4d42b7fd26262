"""总览 Overview: the 一核一带一区 layout with firms and sites; the registry's headline
figures and where each plan target stands (its status from geo.plan, not the registry sum)."""

import streamlit as st

from ui import data, mapview, shell, summary, targets

ctx = shell.page("page_overview")
summary.headline(ctx)
targets.status_line(ctx)
result = data.metrics_for(ctx.dataset, ctx.filters)
mapview.show(ctx, mapview.MapSpec(layout=True, enterprises=ctx.frame, sites=data.load_sites()),
             key="overview", table=result.table)
if not ctx.present:
    left, right = st.columns(2)
    with left:
        summary.group_shares(ctx, result.groups)
    with right:
        summary.coverage_note(ctx, result.coverage)
shell.footer(ctx)
