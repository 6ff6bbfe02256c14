"""``{% budget_strip %}``: the enabled budgets' state, for the workspace overview.

A tag rather than view context, so the overview view needs no change to show it.
"""

from __future__ import annotations

from typing import Any

from django import template

from routing.budget_spend import budget_spend_list

register = template.Library()


@register.inclusion_tag("routing/_budget_strip.html", takes_context=True)
def budget_strip(context: template.Context) -> dict[str, Any]:
    workspace = context.get("workspace")
    if workspace is None:
        return {"statuses": []}
    return {
        "workspace": workspace,
        "statuses": budget_spend_list(workspace=workspace, enabled_only=True),
    }
