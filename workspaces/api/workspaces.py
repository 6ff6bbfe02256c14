"""/api/workspaces/ and /api/workspaces/<slug>/."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from workspaces import selectors, services
from workspaces.api.base import WorkspaceScopedView
from workspaces.api_permissions import key_actor, require_permission, require_session
from workspaces.models import Workspace
from workspaces.roles import Permission
from workspaces.serializers import WorkspaceSerializer, WorkspaceWriteSerializer


class WorkspaceListView(mixins.ListModelMixin, generics.GenericAPIView):
    """A session lists the user's workspaces; a key sees only the workspace it is bound to."""

    queryset = Workspace.objects.none()
    serializer_class = WorkspaceSerializer

    def get_queryset(self) -> QuerySet[Workspace]:
        actor = key_actor(self.request)
        if actor is not None:
            require_permission(actor, Permission.VIEW)
            return Workspace.objects.filter(pk=actor.workspace.pk)
        return selectors.workspace_list(user=self.request.user)

    def get(self, request: Request) -> Response:
        return self.list(request)

    @extend_schema(request=WorkspaceWriteSerializer, responses={201: WorkspaceSerializer})
    def post(self, request: Request) -> Response:
        require_session(request)
        serializer = WorkspaceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workspace = services.workspace_create(
            name=serializer.validated_data["name"], owner=request.user
        )
        return Response(WorkspaceSerializer(workspace).data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(WorkspaceScopedView[Workspace]):
    queryset = Workspace.objects.none()
    serializer_class = WorkspaceSerializer
    required_permissions = {
        "GET": Permission.VIEW,
        "PATCH": Permission.MANAGE_WORKSPACE,
        "DELETE": Permission.MANAGE_WORKSPACE,
    }

    def get(self, request: Request, workspace_slug: str) -> Response:
        return self.render(self.actor.workspace)

    @extend_schema(request=WorkspaceWriteSerializer, responses=WorkspaceSerializer)
    def patch(self, request: Request, workspace_slug: str) -> Response:
        data = self.parsed(WorkspaceWriteSerializer)
        return self.render(services.workspace_rename(actor=self.actor, name=data["name"]))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str) -> Response:
        services.workspace_delete(actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
