"""Catalog rows and keys for the routing, budget and usage page tests."""

from __future__ import annotations

from providers.models import Provider, ProviderModel
from tests import factories
from workspaces import services
from workspaces.models import ApiKey, ApiKeyScope, Workspace


def make_catalog(workspace: Workspace) -> Provider:
    """A simulated provider ``sim`` serving echo and slow, and a disabled ``off`` one."""
    sim = factories.make_provider(workspace, kind="simulated", name="Sim", slug="sim")
    for name in ("echo", "slow"):
        ProviderModel.objects.create(workspace=workspace, provider=sim, name=name)
    off = factories.make_provider(workspace, kind="simulated", name="Off", slug="off")
    Provider.objects.filter(pk=off.pk).update(enabled=False)
    ProviderModel.objects.create(workspace=workspace, provider=off, name="gone")
    return sim


def make_key(workspace: Workspace, name: str = "script") -> ApiKey:
    key, _raw = services.api_key_create(
        actor=factories.owner_actor(workspace), name=name, scopes=[ApiKeyScope.INFERENCE]
    )
    return key
