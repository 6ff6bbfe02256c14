"""Signing in and out, and the front door that sends each user to their workspace."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from workspaces.selectors import workspace_list
from workspaces.views.base import LAST_WORKSPACE_SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image tag must not sign anyone out."""


def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors go to the login page; members to the workspace they used last."""
    if not request.user.is_authenticated:
        return redirect("login")
    workspaces = workspace_list(user=request.user)
    last = request.session.get(LAST_WORKSPACE_SESSION_KEY)
    workspace = (last and workspaces.filter(slug=last).first()) or workspaces.first()
    if workspace is None:
        return redirect("workspace-list")
    return redirect("workspace-overview", workspace_slug=workspace.slug)
