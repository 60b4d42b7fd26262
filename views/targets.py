"""目标 Targets: every target of the plan file, its trajectory, and the plan-period assessment."""

from ui import shell, targets

ctx = shell.page("page_targets")
targets.show(ctx)
shell.footer(ctx)
