"""企业 Enterprises: filterable map and table; a row focuses the map; CSV/XLSX download."""

from ui import firmview, mapview, shell

ctx = shell.page("page_enterprises")
if not shell.empty_notice(ctx):
    mapview.show(ctx, mapview.MapSpec(enterprises=ctx.frame, focus=firmview.picked_firm(ctx)),
                 key="enterprises", table=firmview.enterprise_export(ctx.frame, ctx.lang))
    firmview.enterprise_table(ctx)
shell.footer(ctx)
