"""The workspace list and a workspace's settings (rename, delete); its overview page is
hub.overview, above every app it reads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from workspaces import selectors, services
from workspaces.forms import WorkspaceDeleteForm, WorkspaceNameForm
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    """Every workspace the user belongs to, and a form that makes a new one (owned by them)."""
    user = request.user
    assert isinstance(user, User)  # login_required
    form = WorkspaceNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = services.workspace_create(name=form.cleaned_data["name"], owner=user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, f"Workspace “{workspace.name}” created. You are its owner.")
            return redirect("workspace-overview", workspace_slug=workspace.slug)
    memberships = selectors.membership_list_for_user(user=user)
    return render(
        request,
        "workspaces/list.html",
        {"form": form, "memberships": memberships, "nav": "workspaces"},
    )


class SettingsView(WorkspacePageView):
    """Every member sees the settings; only owners rename (and delete, on its own page)."""

    nav = "settings"
    template_name = "workspaces/settings.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.MANAGE_WORKSPACE}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = WorkspaceNameForm(initial={"name": self.actor.workspace.name})
        return self.render_page(self.context(form))

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = WorkspaceNameForm(request.POST)
        if form.is_valid():
            try:
                services.workspace_rename(actor=self.actor, name=form.cleaned_data["name"])
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Workspace renamed.")
                return redirect("workspace-settings", workspace_slug=workspace_slug)
        return self.render_page(self.context(form), status=400)

    def context(self, form: WorkspaceNameForm) -> dict[str, Any]:
        own = selectors.membership_list(workspace=self.actor.workspace).get(
            user_id=self.actor.user.pk
        )
        return {"form": form, "own_membership": own}


class DeleteView(WorkspacePageView):
    nav = "settings"
    template_name = "workspaces/delete.html"
    permissions = {"GET": Permission.MANAGE_WORKSPACE, "POST": Permission.MANAGE_WORKSPACE}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": WorkspaceDeleteForm(slug=workspace_slug)})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = WorkspaceDeleteForm(request.POST, slug=workspace_slug)
        if not form.is_valid():
            return self.render_page({"form": form}, status=400)
        name = self.actor.workspace.name
        services.workspace_delete(actor=self.actor)
        messages.success(request, f"Workspace “{name}” and everything in it were deleted.")
        return redirect("workspace-list")
