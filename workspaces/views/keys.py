"""Workspace API keys: list, create (the plaintext is shown once), revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from workspaces import selectors, services
from workspaces.forms import ApiKeyForm
from workspaces.models import ApiKey
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors


class KeysView(WorkspacePageView):
    """Admins see every key of the workspace, others their own (the selector decides)."""

    nav = "keys"
    template_name = "workspaces/keys.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.CREATE_OWN_KEYS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page(self.context(ApiKeyForm(actor=self.actor)))

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        """Create a key; its plaintext is in this response only (the hub keeps a digest)."""
        form = ApiKeyForm(request.POST, actor=self.actor)
        if form.is_valid():
            try:
                api_key, raw_key = services.api_key_create(
                    actor=self.actor,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                context = self.context(ApiKeyForm(actor=self.actor))
                return self.render_page({**context, "new_key": api_key, "raw_key": raw_key})
        return self.render_page(self.context(form), status=400)

    def context(self, form: ApiKeyForm) -> dict[str, Any]:
        return {
            "keys": selectors.api_key_list(actor=self.actor),
            "form": form,
            "sees_all_keys": self.can(Permission.MANAGE_KEYS),
        }


class KeyRevokeView(WorkspacePageView):
    """Anyone may revoke their own key; revoking others' needs the key-managing right, and
    members do not even find others' keys (404)."""

    object_kwarg = "key_id"
    nav = "keys"
    permissions = {"POST": Permission.VIEW}

    def scoped_queryset(self) -> QuerySet[ApiKey]:
        return selectors.api_key_list(actor=self.actor)

    def post(self, request: HttpRequest, workspace_slug: str, key_id: int) -> HttpResponse:
        api_key = services.api_key_revoke(actor=self.actor, api_key=self.object)
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
            context = {
                "key": api_key,
                "workspace": self.actor.workspace,
                "sees_all_keys": self.can(Permission.MANAGE_KEYS),
            }
            return render(request, "workspaces/_key_row.html", context)
        messages.success(request, f"Key “{api_key.name}” revoked; it stops working at once.")
        return redirect("key-list", workspace_slug=workspace_slug)
