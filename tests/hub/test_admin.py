"""Every admin page renders, and a credential's secret never appears in one."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from providers.models import Credential
from tests import factories

SECRET = "sk-admin-visible-NEVER-1234"


@pytest.fixture
def staff_client(client, workspace):
    superuser = factories.make_user("root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    factories.make_credential(workspace, secret=SECRET)
    factories.make_provider(workspace, kind="openai", name="OpenAI")
    return client


PROJECT_PACKAGES = {"hub", "workspaces", "providers", "routing", "analytics", "rag", "agents"}


def is_project_model(model: type) -> bool:
    """Apps of the project, nested ones (``hub.workbench``) included; not Django's own."""
    return model.__module__.split(".")[0] in PROJECT_PACKAGES


def admin_models():
    return [model for model in admin.site._registry if is_project_model(model)]


def test_every_project_model_is_in_the_admin():
    project = {m._meta.label for m in apps.get_models() if is_project_model(m)}
    assert project - {m._meta.label for m in admin_models()} == set()


def test_changelists_add_and_change_pages_render(staff_client):
    for model in admin_models():
        info = (model._meta.app_label, model._meta.model_name)
        response = staff_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
        assert response.status_code == 200, model
        assert SECRET not in response.content.decode()
        obj = model._default_manager.first()
        if obj is not None:
            response = staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            assert response.status_code == 200, model
            assert SECRET not in response.content.decode()
        add_page = staff_client.get(reverse("admin:{}_{}_add".format(*info)))
        # Keys and invitations are minted from the workspace pages, where the secret is shown once.
        # Usage records are an audit trail, stored responses what a model said: read-only.
        # Documents are added and read on the collection page, chunks made by ingestion.
        read_only = {"ApiKey", "Invitation", "UsageRecord", "StoredResponse", "Document", "Chunk"}
        assert add_page.status_code == (403 if model.__name__ in read_only else 200)


def test_admin_credential_form_keeps_the_secret_when_left_blank(staff_client, workspace):
    credential = Credential.objects.get(workspace=workspace)
    url = reverse("admin:providers_credential_change", args=[credential.pk])
    response = staff_client.post(
        url,
        {
            "workspace": workspace.pk,
            "provider_kind": "openai",
            "name": "Renamed",
            "organization": "",
            "secret": "",
        },
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.name == "Renamed" and credential.reveal_secret() == SECRET
    staff_client.post(
        url,
        {
            "workspace": workspace.pk,
            "provider_kind": "openai",
            "name": "Renamed",
            "organization": "",
            "secret": "sk-rotated-99999999",
        },
    )
    credential.refresh_from_db()
    assert credential.reveal_secret() == "sk-rotated-99999999" and credential.rotated_at is not None


def test_every_admin_name_reads_right():
    """Django adds an "s": "alert settings" once read "Alert settingss"."""
    plurals = {m._meta.label: str(m._meta.verbose_name_plural) for m in admin_models()}
    assert not [label for label, plural in plurals.items() if plural.endswith("ss")], plurals
