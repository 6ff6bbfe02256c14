"""A workspace's front page: today's numbers beside their last seven days, recent errors, and a
checklist that ticks itself off. It reads every app, so it sits on top, here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from analytics.selectors import usage_list
from analytics.trends import DayTotals, daily_totals, recent_errors
from providers.selectors import provider_list
from workspaces.access import Actor
from workspaces.models import Workspace
from workspaces.roles import Permission
from workspaces.selectors import api_key_list, membership_list
from workspaces.views.base import WorkspacePageView

TREND_DAYS = 7


@dataclass(frozen=True)
class ChecklistStep:
    title: str
    text: str
    done: bool
    url: str
    action: str


class OverviewView(WorkspacePageView):
    nav = "overview"
    template_name = "hub/overview.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        workspace = self.actor.workspace
        days = daily_totals(workspace=workspace, days=TREND_DAYS)
        steps = checklist(actor=self.actor)
        return self.render_page(
            {
                "today": days[-1],
                "trend": trend_series(days),
                "errors": recent_errors(workspace=workspace),
                "steps": steps,
                "steps_done": sum(step.done for step in steps),
            }
        )


def trend_series(days: list[DayTotals]) -> dict[str, list[object]]:
    """One list a sparkline per measure, oldest day first."""
    return {
        "cost": [day.cost_usd for day in days],
        "calls": [day.calls for day in days],
        "error_rate": [day.error_rate for day in days],
        "p50": [day.p50_latency_ms for day in days],
    }


def checklist(*, actor: Actor) -> list[ChecklistStep]:
    """The first steps of a workspace, each done once the workspace shows it."""
    workspace: Workspace = actor.workspace
    slug = workspace.slug

    def url_if(permission: Permission | None, name: str) -> str:
        """Where to take the step, or "" for someone who may not take it."""
        return reverse(name, args=[slug]) if permission is None or actor.can(permission) else ""

    return [
        ChecklistStep(
            "Connect a provider",
            "OpenAI, Anthropic, Ollama or any OpenAI-compatible server, with its API key.",
            provider_list(workspace=workspace).exists(),
            url_if(Permission.MANAGE_PROVIDERS, "provider-create"),
            "Add provider",
        ),
        ChecklistStep(
            "Create an API key",
            "For your code and SDKs to call /v1 as this workspace.",
            api_key_list(actor=actor).filter(revoked_at__isnull=True).exists(),
            url_if(None, "key-list"),
            "Create a key",
        ),
        ChecklistStep(
            "Make a first call",
            "From the chat here, the playground, or your code with the key.",
            usage_list(workspace=workspace).exists(),
            url_if(None, "workbench-chat"),
            "Open chat",
        ),
        ChecklistStep(
            "Invite your team",
            "Members call and compare models; admins manage providers and keys.",
            membership_list(workspace=workspace).count() > 1,
            url_if(Permission.MANAGE_MEMBERS, "member-list"),
            "Invite",
        ),
    ]
