"""Provider and credential rules: roles, base URLs, credential ownership."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from providers.services import credential_update, provider_create
from providers.url_guard import is_internal_host
from tests import factories
from workspaces.access import Actor
from workspaces.models import Role


def admin_actor(workspace, *, is_staff=False) -> Actor:
    user = factories.add_member(workspace, Role.ADMIN, user=factories.make_user(is_staff=is_staff))
    return factories.actor_for(user, workspace)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:11434/v1",
        "http://localhost:8000",
        "http://10.0.0.5/v1",
        "http://192.168.1.2",
        "http://169.254.169.254/latest",
        "http://[::1]:8080",
        "http://0.0.0.0:80",
        "http://172.16.0.1",
    ],
)
def test_workspace_admins_cannot_point_a_provider_at_internal_addresses(workspace, url):
    with pytest.raises(ValidationError) as error:
        provider_create(
            actor=admin_actor(workspace), kind="openai_compatible", name="Box", base_url=url
        )
    assert "base_url" in error.value.message_dict


def test_site_admins_may_point_a_provider_at_loopback(workspace):
    provider = provider_create(
        actor=admin_actor(workspace, is_staff=True),
        kind="ollama",
        name="Ollama",
        base_url="http://127.0.0.1:11434/v1/",
    )
    assert provider.base_url == "http://127.0.0.1:11434/v1"


def test_public_urls_are_accepted_and_blank_takes_the_kind_default(workspace):
    actor = admin_actor(workspace)
    provider = provider_create(
        actor=actor, kind="openai_compatible", name="Vendor", base_url="https://93.184.215.14/v1"
    )
    assert provider.base_url == "https://93.184.215.14/v1"
    default = provider_create(actor=actor, kind="openai", name="OpenAI")
    assert default.base_url == "https://api.openai.com/v1" and default.slug == "openai"


def test_urls_with_credentials_or_odd_schemes_are_refused(workspace):
    actor = admin_actor(workspace, is_staff=True)
    for url in ("ftp://example.com", "https://user:pw@example.com/v1", "not a url"):
        with pytest.raises(ValidationError):
            provider_create(actor=actor, kind="openai_compatible", name="X", base_url=url)


def test_provider_cannot_use_a_credential_of_another_workspace(workspace, other_workspace):
    foreign = factories.make_credential(other_workspace, kind="openai")
    with pytest.raises(ValidationError) as error:
        provider_create(
            actor=factories.owner_actor(workspace), kind="openai", name="OpenAI", credential=foreign
        )
    assert "credential" in error.value.message_dict


def test_provider_slugs_are_unique_per_workspace(workspace, other_workspace):
    factories.make_provider(workspace, kind="openai", name="OpenAI")
    factories.make_provider(other_workspace, kind="openai", name="OpenAI")
    with pytest.raises(ValidationError) as error:
        factories.make_provider(workspace, kind="openai", name="OpenAI")
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_manage_providers(workspace, role):
    user = factories.add_member(workspace, role)
    with pytest.raises(PermissionDenied):
        provider_create(actor=factories.actor_for(user, workspace), kind="openai", name="X")


def test_rotating_a_credential_replaces_the_secret_and_stamps_the_time(workspace):
    credential = factories.make_credential(workspace, secret="sk-old-000000000000")
    credential_update(
        actor=factories.owner_actor(workspace), credential=credential, secret="sk-new-111111111111"
    )
    credential.refresh_from_db()
    assert credential.reveal_secret() == "sk-new-111111111111"
    assert credential.rotated_at is not None and credential.secret_hint == "sk-…1111"
    credential_update(actor=factories.owner_actor(workspace), credential=credential, secret="")
    credential.refresh_from_db()
    assert credential.reveal_secret() == "sk-new-111111111111"


def test_loopback_names_count_as_internal():
    assert is_internal_host("localhost") and is_internal_host("api.localhost")
    assert not is_internal_host("93.184.215.14")
