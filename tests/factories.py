"""Small factories for test data; they go through the services, as users do."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from providers.models import Credential, Provider, ProviderModel
from providers.services import credential_create, provider_create
from workspaces.access import Actor
from workspaces.models import ApiKey, ApiKeyScope, Membership, Role, Workspace
from workspaces.services import api_key_create, workspace_create

_counter = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username: str | None = None, *, is_staff: bool = False, **extra):
    username = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        is_staff=is_staff,
        **extra,
    )


def make_workspace(name: str | None = None, *, owner=None) -> Workspace:
    return workspace_create(name=name or f"Workspace {next(_counter)}", owner=owner or make_user())


def add_member(workspace: Workspace, role: str = Role.MEMBER, user=None):
    user = user or make_user()
    Membership.objects.update_or_create(user=user, workspace=workspace, defaults={"role": role})
    return user


def actor_for(user, workspace: Workspace) -> Actor:
    role = Membership.objects.get(user=user, workspace=workspace).role
    return Actor(user=user, workspace=workspace, role=role)


def owner_of(workspace: Workspace):
    """The workspace's (first) owner."""
    return owner_actor(workspace).user


def owner_actor(workspace: Workspace) -> Actor:
    membership = (
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .select_related("user")
        .first()
    )
    assert membership is not None, f"{workspace} has no owner"
    return Actor(user=membership.user, workspace=workspace, role=Role.OWNER)


def make_credential(
    workspace: Workspace,
    *,
    kind: str = "openai",
    secret: str = "sk-test-0123456789abcdef",
    name: str | None = None,
) -> Credential:
    return credential_create(
        actor=owner_actor(workspace),
        provider_kind=kind,
        name=name or f"Key {next(_counter)}",
        secret=secret,
    )


def make_provider(
    workspace: Workspace, *, kind: str = "openai", name: str | None = None, **fields
) -> Provider:
    return provider_create(
        actor=owner_actor(workspace), kind=kind, name=name or f"Provider {next(_counter)}", **fields
    )


def make_catalog(workspace: Workspace) -> Provider:
    """A simulated provider ``sim`` serving echo and slow, and a disabled ``off`` one."""
    sim = make_provider(workspace, kind="simulated", name="Sim", slug="sim")
    for name in ("echo", "slow"):
        ProviderModel.objects.create(workspace=workspace, provider=sim, name=name)
    off = make_provider(workspace, kind="simulated", name="Off", slug="off")
    Provider.objects.filter(pk=off.pk).update(enabled=False)
    ProviderModel.objects.create(workspace=workspace, provider=off, name="gone")
    return sim


def make_api_key(workspace: Workspace, name: str = "script") -> ApiKey:
    """An inference key row of the workspace's owner (the plaintext is not kept)."""
    key, _raw = api_key_create(
        actor=owner_actor(workspace), name=name, scopes=[ApiKeyScope.INFERENCE]
    )
    return key
