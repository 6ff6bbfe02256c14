"""/api/workspaces/<slug>/keys/: workspace API keys; the plaintext is returned once."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from workspaces import selectors, services
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.models import ApiKey
from workspaces.roles import Permission
from workspaces.serializers import ApiKeyCreatedSerializer, ApiKeyCreateSerializer, ApiKeySerializer


class _ApiKeyView(WorkspaceScopedView[ApiKey]):
    """Admins see every key of the workspace, others only their own (others' are 404)."""

    queryset = ApiKey.objects.none()
    serializer_class = ApiKeySerializer
    required_permissions = {
        "GET": Permission.VIEW,
        "POST": Permission.CREATE_OWN_KEYS,
        "DELETE": Permission.CREATE_OWN_KEYS,
    }

    def scoped_queryset(self) -> QuerySet[ApiKey]:
        return selectors.api_key_list(actor=self.actor)


class ApiKeyListView(WorkspaceScopedListView[ApiKey], _ApiKeyView):
    @extend_schema(request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = self.parsed(ApiKeyCreateSerializer)
        api_key, raw_key = services.api_key_create(
            actor=self.actor,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
        )
        return self.render(
            api_key,
            status=status.HTTP_201_CREATED,
            serializer_class=ApiKeyCreatedSerializer,
            key=raw_key,
        )


class ApiKeyDetailView(_ApiKeyView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(responses={200: ApiKeySerializer})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Revoke: the row stays, marked revoked, so its history remains visible."""
        return self.render(services.api_key_revoke(actor=self.actor, api_key=self.url_object))
