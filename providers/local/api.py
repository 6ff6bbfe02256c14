"""/api/workspaces/<slug>/providers/<id>/system/: the worker's status (GET) and
load/unload/pin/unpin (POST {"action", "model"}), for providers of kind ``local``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from providers.kinds import ProviderKind
from providers.local.client import ACTIONS, WorkerUnavailable, worker_control, worker_status
from providers.models import Provider
from providers.serializers import ProviderSerializer
from workspaces.api.base import WorkspaceScopedView
from workspaces.roles import Permission


def _unavailable(error: WorkerUnavailable) -> Response:
    body = {
        "error": {
            "message": str(error),
            "type": "upstream_error",
            "code": "worker_unavailable",
            "param": None,
        }
    }
    return Response(body, status=status.HTTP_502_BAD_GATEWAY)


class LocalSystemApiView(WorkspaceScopedView[Provider]):
    queryset = Provider.objects.none()
    serializer_class = ProviderSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": Permission.MANAGE_PROVIDERS}

    def scoped_queryset(self) -> QuerySet[Provider]:
        return Provider.objects.for_workspace(self.actor.workspace).filter(kind=ProviderKind.LOCAL)

    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        try:
            return Response(worker_status(self.url_object))
        except WorkerUnavailable as error:
            return _unavailable(error)

    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        action, model = request.data.get("action"), request.data.get("model")
        if action not in ACTIONS:
            raise ValidationError({"action": f"One of {', '.join(ACTIONS)}."})
        if not isinstance(model, str) or not model:
            raise ValidationError({"model": "Name a model id."})
        try:
            return Response(worker_control(self.url_object, action, model))
        except WorkerUnavailable as error:
            return _unavailable(error)
