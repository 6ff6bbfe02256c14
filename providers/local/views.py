"""The local inference system page: hardware, loaded models, queues; load/unload/pin for admins."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from providers.kinds import ProviderKind
from providers.local.client import ACTIONS, WorkerUnavailable, worker_control, worker_status
from providers.models import Provider
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView


class LocalSystemView(WorkspacePageView):
    object_kwarg = "provider_id"
    nav = "providers"
    template_name = "providers/local_system.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.MANAGE_PROVIDERS}

    def scoped_queryset(self) -> QuerySet[Provider]:
        return Provider.objects.for_workspace(self.actor.workspace)

    def get(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        if self.object.kind != ProviderKind.LOCAL:
            reason = f"{self.object.name} is not a local inference worker: it has no system page."
            return self.render_page({"provider": self.object, "status": None, "error": reason})
        try:
            status, error = worker_status(self.object), None
        except WorkerUnavailable as unavailable:
            status, error = None, str(unavailable)
        return self.render_page({"provider": self.object, "status": status, "error": error})

    def post(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        action, model = request.POST.get("action", ""), request.POST.get("model", "")
        if self.object.kind != ProviderKind.LOCAL:
            messages.error(request, "Only local inference workers take these commands.")
        elif action not in ACTIONS or not model:
            messages.error(request, "Choose a model and an action.")
        else:
            try:
                worker_control(self.object, action, model)
                messages.success(request, f"{model}: {action} done.")
            except WorkerUnavailable as unavailable:
                messages.error(request, str(unavailable))
        return redirect("local-system", workspace_slug, provider_id)
