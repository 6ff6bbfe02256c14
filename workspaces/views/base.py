"""The base of every page inside a workspace: resolve the member, the object, then the right.

Resolution happens in ``dispatch()`` before any handler runs, in this order: signed in
(else the login page), member of the workspace in the URL (else 404), the object named by
the URL found through a query scoped to that workspace (else 404), and only then the
role's permission for the method (else 403). So an id of another workspace is a 404 for
every method, and nothing about it is ever loaded.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.views import View

from workspaces.access import Actor
from workspaces.roles import Permission
from workspaces.selectors import actor_for_session

WORKSPACE_KWARG = "workspace_slug"
LAST_WORKSPACE_SESSION_KEY = "hub_last_workspace"


class WorkspacePageView(View):
    """Subclasses set ``permissions`` per method and, for object pages, ``object_kwarg``
    and ``scoped_queryset()``. ``nav`` names the left-nav entry to highlight."""

    permissions: ClassVar[dict[str, Permission]] = {"GET": Permission.VIEW}
    object_kwarg: ClassVar[str | None] = None
    nav: ClassVar[str] = ""
    template_name: ClassVar[str] = ""
    fragment: ClassVar[bool] = False  # a piece of another page (htmx), not a page of its own

    actor: Actor
    object: Any = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.actor = actor_for_session(user=request.user, workspace_slug=kwargs[WORKSPACE_KWARG])
        request.actor = self.actor  # type: ignore[attr-defined]  # read by the context processor
        if request.session.get(LAST_WORKSPACE_SESSION_KEY) != self.actor.workspace.slug:
            request.session[LAST_WORKSPACE_SESSION_KEY] = self.actor.workspace.slug
        if self.object_kwarg is not None:
            self.object = get_object_or_404(self.scoped_queryset(), pk=kwargs[self.object_kwarg])
        permission = self.permissions.get(request.method or "GET", Permission.VIEW)
        if not self.actor.can(permission):
            raise PermissionDenied("Your role in this workspace does not allow this.")
        return super().dispatch(request, *args, **kwargs)

    def scoped_queryset(self) -> QuerySet[Any]:
        """The rows of ``self.actor.workspace`` the object may be taken from."""
        raise NotImplementedError

    def can(self, permission: Permission) -> bool:
        return self.actor.can(permission)

    def render_page(self, context: dict[str, Any] | None = None, **kwargs: Any) -> HttpResponse:
        return render(
            self.request,
            kwargs.pop("template_name", self.template_name),
            {"nav": self.nav, "workspace": self.actor.workspace, **(context or {})},
            **kwargs,
        )


def form_add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names when the form has
    that field, else at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
