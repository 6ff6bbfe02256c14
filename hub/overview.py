"""A workspace's front page: what it holds at a glance, from every app, with the next step
for an empty one. It reads providers, keys, members and budgets, so it sits on top, here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from providers.selectors import credential_list, provider_list, provider_model_list
from workspaces.selectors import api_key_list, membership_list
from workspaces.views.base import WorkspacePageView


class OverviewView(WorkspacePageView):
    nav = "overview"
    template_name = "hub/overview.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        workspace = self.actor.workspace
        providers = provider_list(workspace=workspace)
        keys = api_key_list(actor=self.actor).filter(revoked_at__isnull=True)
        counts = {
            "providers": providers.count(),
            "enabled_providers": providers.filter(enabled=True).count(),
            "models": provider_model_list(workspace=workspace).count(),
            "credentials": credential_list(workspace=workspace).count(),
            "keys": keys.count(),
            "members": membership_list(workspace=workspace).count(),
        }
        return self.render_page({"counts": counts, "providers": providers[:5]})
