"""Reads of agents and runs for pages and the live timeline, scoped to a workspace."""

from __future__ import annotations

import json
from typing import Any

from agents.models import Run, Step


def step_rows(run: Run, *, after: int = 0) -> list[Step]:
    """The run's steps past number ``after``, in order, with delegated runs' agents and
    each tool call's arguments as indented JSON for the timeline."""
    steps = list(
        Step.objects.filter(workspace_id=run.workspace_id, run=run, number__gt=after)
        .select_related("child_run__agent")
        .order_by("number")
    )
    for step in steps:
        step.arguments_json = json.dumps(step.arguments, indent=2, ensure_ascii=False)  # type: ignore[attr-defined]
    return steps


def run_tree(run: Run) -> list[Run]:
    """The runs this one delegated to, for links from the timeline."""
    return list(
        Run.objects.filter(workspace_id=run.workspace_id, parent=run).select_related("agent")
    )


def run_state(run: Run) -> dict[str, Any]:
    return {
        "status": run.status, "status_label": run.get_status_display(),
        "finished": run.finished, "stop_reason": run.stop_reason, "output": run.output,
        "error": run.error, "steps": run.steps, "tokens": run.input_tokens + run.output_tokens,
        "cost_usd": f"{run.cost_usd:.6f}",
    }  # fmt: skip
