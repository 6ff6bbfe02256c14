"""Signing in and out, and the front door that sends each user to their workspace."""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from workspaces.selectors import workspace_list
from workspaces.views.base import LAST_WORKSPACE_SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    redirect_authenticated_user = True


def lockout(request: HttpRequest, response: HttpResponse | None, credentials: dict) -> HttpResponse:
    """What django-axes answers once a username or an address failed too often (429)."""
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    page = render(
        request,
        "auth/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
    page["Retry-After"] = str(minutes * 60)
    return page


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
