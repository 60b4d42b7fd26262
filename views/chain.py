"""产业链 Chain: the chain part by part (强链补链), a part's producers, a city's gaps."""

from ui import chainview, data, shell

ctx = shell.page("page_chain")
chainview.take_map_click()
if not shell.empty_notice(ctx) and chainview.has_tags(ctx):
    health = data.chain_health(ctx.frame, ctx.dataset.key, ctx.params)
    chainview.diagram(ctx, health)
    part = chainview.part_picker(ctx)
    chainview.part_map(ctx, health, part)
    chainview.part_detail(ctx, health, part)
    chainview.city_gaps(ctx)
    chainview.heat_table(ctx, health)
shell.footer(ctx)
