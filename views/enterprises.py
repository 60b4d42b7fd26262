"""企业 Enterprises: filterable map and table; a row focuses the map; CSV/XLSX download."""

from ui import mapview, shell, tables

ctx = shell.page("page_enterprises")
if not shell.empty_notice(ctx):
    mapview.show(ctx, mapview.MapSpec(enterprises=ctx.frame, focus=tables.picked_firm(ctx)),
                 key="enterprises", table=tables.enterprise_export(ctx.frame, ctx.lang))
    tables.enterprise_table(ctx)
shell.footer(ctx)
