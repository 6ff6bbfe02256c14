"""/api/workspaces/<slug>/providers/ and /credentials/: thin views over the provider services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from providers import selectors, services
from providers.adapters.base import UpstreamError
from providers.models import Credential, Provider
from providers.serializers import (
    CredentialCreateSerializer,
    CredentialSerializer,
    CredentialUpdateSerializer,
    ProviderSerializer,
    ProviderWriteSerializer,
)
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission

MANAGE = {
    "GET": Permission.VIEW,
    "POST": Permission.MANAGE_PROVIDERS,
    "PATCH": Permission.MANAGE_PROVIDERS,
    "DELETE": Permission.MANAGE_PROVIDERS,
}


class _ProviderView(WorkspaceScopedView[Provider]):
    queryset = Provider.objects.none()
    serializer_class = ProviderSerializer
    required_permissions = MANAGE

    def scoped_queryset(self) -> QuerySet[Provider]:
        return selectors.provider_list(workspace=self.actor.workspace)

    def provider_fields(self, *, partial: bool) -> dict[str, Any]:
        """The parsed body, with the credential id swapped for this workspace's credential."""
        fields = self.parsed(ProviderWriteSerializer, partial=partial)
        if fields.get("credential") is not None:
            credential = (
                selectors.credential_list(workspace=self.actor.workspace)
                .filter(pk=fields["credential"])
                .first()
            )
            if credential is None:
                raise ValidationError({"credential": "Unknown credential."})
            fields["credential"] = credential
        return fields


class ProviderListView(WorkspaceScopedListView[Provider], _ProviderView):
    @extend_schema(request=ProviderWriteSerializer, responses={201: ProviderSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        provider = services.provider_create(actor=self.actor, **self.provider_fields(partial=False))
        return self.render(provider, status=status.HTTP_201_CREATED)


class ProviderDetailView(_ProviderView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=ProviderWriteSerializer, responses=ProviderSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        fields = self.provider_fields(partial=True)
        return self.render(
            services.provider_update(actor=self.actor, provider=self.url_object, **fields)
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.provider_delete(actor=self.actor, provider=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProviderSyncModelsView(_ProviderView):
    """POST: list the provider's models now and merge them into the catalog."""

    required_permissions = {"POST": Permission.MANAGE_PROVIDERS}

    @extend_schema(request=None, responses={200: dict})
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:

        try:
            result = services.provider_sync_models(actor=self.actor, provider=self.url_object)
        except UpstreamError as error:
            return Response(
                {"error": {"message": f"Provider {self.url_object.slug!r}: {error.message}",
                           "type": "upstream_error", "code": "sync_failed", "param": None}},
                status=status.HTTP_502_BAD_GATEWAY,
            )  # fmt: skip
        return Response({"listed": result.listed, "added": result.added, "updated": result.updated})


class _CredentialView(WorkspaceScopedView[Credential]):
    queryset = Credential.objects.none()
    serializer_class = CredentialSerializer
    required_permissions = MANAGE

    def scoped_queryset(self) -> QuerySet[Credential]:
        return selectors.credential_list(workspace=self.actor.workspace)


class CredentialListView(WorkspaceScopedListView[Credential], _CredentialView):
    @extend_schema(request=CredentialCreateSerializer, responses={201: CredentialSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        credential = services.credential_create(
            actor=self.actor, **self.parsed(CredentialCreateSerializer)
        )
        return self.render(credential, status=status.HTTP_201_CREATED)


class CredentialDetailView(_CredentialView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=CredentialUpdateSerializer, responses=CredentialSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        fields = self.parsed(CredentialUpdateSerializer, partial=True)
        credential = services.credential_update(
            actor=self.actor, credential=self.url_object, **fields
        )
        return self.render(credential)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.credential_delete(actor=self.actor, credential=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)
