"""数据 Data: upload a registry, see its validation report, use it; provenance of bundled data."""

import streamlit as st

from ui import mapview, panel_upload, shell, upload

ctx = shell.page("page_data")
with st.container():  # the report grows in here: the map below keeps its place (and view)
    upload.panel(ctx)
panel_upload.section(ctx)
panel_upload.projects_section(ctx)
mapview.show(ctx, mapview.MapSpec(enterprises=ctx.frame), key="data",
             table=upload.provenance_table(ctx))
upload.provenance(ctx)
shell.footer(ctx)
