"""Reads of providers and credentials, scoped to a workspace."""

from __future__ import annotations

from django.db.models import QuerySet

from providers.models import Credential, Provider, ProviderModel
from workspaces.models import Workspace


def provider_list(*, workspace: Workspace) -> QuerySet[Provider]:
    return Provider.objects.for_workspace(workspace).select_related("credential")


def credential_list(*, workspace: Workspace) -> QuerySet[Credential]:
    return Credential.objects.for_workspace(workspace)


def provider_model_list(*, workspace: Workspace) -> QuerySet[ProviderModel]:
    return ProviderModel.objects.for_workspace(workspace).select_related("provider")
