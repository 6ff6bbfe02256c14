"""Adding a provider with its API key on the same form, its first sync, and Test connection:
over real HTTP on loopback (the simulated provider, or a server checking the key)."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.urls import reverse

from providers import services
from providers.models import Credential, Provider, ProviderModel
from tests import factories
from tests.clients import htmx
from tests.loopback import HttpServer, SilentServer

pytestmark = pytest.mark.django_db

# The pages' clients (tests/conftest.py) fail any response containing this marker.
SECRET = "sk-SECRET-MARKER-abcd1234wxyz"
WRONG = "sk-SECRET-MARKER-wrong-0000"
CLOSED_PORT_URL = "http://127.0.0.1:9/v1"
SIM_MODELS = {"echo", "echo-large", "embed", "rerank-mini"}


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


@pytest.fixture
def staff_client(owner, signed_in):
    """The owner as a site administrator: only they may point a provider at loopback."""
    owner.is_staff = True
    owner.save()
    return signed_in(owner)


@pytest.fixture
def keyed_server():
    """An OpenAI-style model list that answers only the key SECRET, quoting a refused key
    back the way some providers do."""

    def answer(method, path, headers, body):
        given = headers.get("authorization", "").removeprefix("Bearer ")
        if given != SECRET:
            return 401, {"error": {"message": f"Incorrect API key provided: {given}"}}
        return 200, {"object": "list", "data": [{"id": "keyed-model", "object": "model"}]}

    server = HttpServer(answer)
    yield server
    server.stop()


def add_provider(client, workspace, **data):
    form = {"kind": "openai_compatible", "name": "Sim", "priority": 10, "enabled": "on", **data}
    return client.post(url("provider-create", workspace), form, follow=True)


def stored_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return repr(cursor.fetchall())


def test_the_add_form_takes_a_write_only_key_and_offers_test_connection(owner_client, workspace):
    body = owner_client.get(url("provider-create", workspace)).content.decode()
    assert 'name="api_key"' in body and 'type="password"' in body
    assert (
        'autocomplete="new-password"' in body
        and '<form method="post" class="form" autocomplete="off">' in body
    )
    assert f'hx-post="{url("provider-test-connection", workspace)}"' in body
    provider = factories.make_provider(workspace, name="OpenAI")
    edit = owner_client.get(url("provider-edit", workspace, provider.pk)).content.decode()
    assert 'name="api_key"' not in edit and "Test connection" in edit


def test_a_typed_key_becomes_an_encrypted_credential_and_the_models_sync_at_once(
    staff_client, workspace, simulator
):
    response = add_provider(staff_client, workspace, base_url=f"{simulator.url}/v1", api_key=SECRET)
    provider = Provider.objects.get()
    assert response.redirect_chain[-1][0] == url("provider-detail", workspace, provider.pk)
    credential = provider.credential
    assert (credential.name, credential.provider_kind) == ("Sim", "openai_compatible")
    assert credential.reveal_secret() == SECRET and credential.secret_hint.endswith("wxyz")
    assert SECRET not in stored_rows(Credential._meta.db_table)
    assert set(ProviderModel.objects.filter(provider=provider).values_list("name", flat=True)) == (
        SIM_MODELS
    )
    html = response.content.decode()  # the page client also fails on the secret in it
    assert "Provider “Sim” added." in html and "4 models synced." in html and "echo-large" in html


def test_the_typed_key_is_the_one_the_first_sync_sends(staff_client, workspace, keyed_server):
    response = add_provider(staff_client, workspace, base_url=keyed_server.url, api_key=SECRET)
    assert "1 model synced." in response.content.decode()
    assert ProviderModel.objects.get().name == "keyed-model"
    assert keyed_server.requests[-1]["headers"]["authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    ("base_url", "why"),
    [
        (CLOSED_PORT_URL, "could not connect"),
        ("keyed", "HTTP 401: Incorrect API key provided: [key]"),
    ],
)
def test_a_failed_first_sync_keeps_the_provider_and_says_why(
    staff_client, workspace, keyed_server, base_url, why
):
    base_url = keyed_server.url if base_url == "keyed" else base_url
    response = add_provider(staff_client, workspace, base_url=base_url, api_key=WRONG)
    provider = Provider.objects.get()
    assert response.redirect_chain[-1][0] == url("provider-detail", workspace, provider.pk)
    assert provider.credential.reveal_secret() == WRONG and not provider.models.exists()
    html = response.content.decode()
    assert "Provider “Sim” added." in html and "Its models could not be listed: " in html
    assert why in html and "Sync models" in html and "flash-warning" in html


def test_a_saved_credential_and_a_typed_key_together_are_a_form_error(owner_client, workspace):
    credential = factories.make_credential(workspace, name="Work OpenAI")
    response = owner_client.post(
        url("provider-create", workspace),
        {"kind": "openai", "name": "OpenAI", "credential": credential.pk, "api_key": SECRET,
         "priority": 1},
    )  # fmt: skip
    assert response.status_code == 400
    assert (
        "not both" in response.content.decode() and 'type="password"' in response.content.decode()
    )
    assert not Provider.objects.exists() and Credential.objects.count() == 1


def test_the_service_refuses_a_credential_and_a_key_too(workspace):
    from django.core.exceptions import ValidationError

    credential = factories.make_credential(workspace)
    with pytest.raises(ValidationError, match="not both"):
        services.provider_create(
            actor=factories.owner_actor(workspace), kind="openai", name="X",
            credential=credential, api_key=SECRET,
        )  # fmt: skip


def test_keyless_kinds_need_no_key(owner_client, workspace):
    add_provider(owner_client, workspace, kind="ollama", name="Ollama")
    provider = Provider.objects.get()
    assert provider.credential is None and provider.base_url == "http://127.0.0.1:11434/v1"
    assert not Credential.objects.exists()


def test_a_credential_name_taken_gets_a_number(staff_client, workspace, simulator):
    factories.make_credential(workspace, name="Sim")
    add_provider(staff_client, workspace, base_url=f"{simulator.url}/v1", api_key=SECRET)
    assert Provider.objects.get().credential.name == "Sim 2"


def test_a_failed_save_leaves_no_stray_credential(owner_client, workspace):
    factories.make_provider(workspace, name="Taken", slug="sim")
    response = owner_client.post(
        url("provider-create", workspace),
        {"kind": "openai", "name": "Sim", "slug": "sim", "api_key": SECRET, "priority": 1},
    )
    assert response.status_code == 400 and b"already exists" in response.content
    assert not Credential.objects.exists()


# Test connection -----------------------------------------------------------------------


def connection_test(client, workspace, **data):
    """Press Test connection as htmx does, with the form's fields."""
    return htmx(client, url("provider-test-connection", workspace), data)


def test_connection_lists_the_models_and_saves_nothing(staff_client, workspace, simulator):
    for kind, base_url in (
        ("simulated", simulator.url),
        ("openai_compatible", f"{simulator.url}/v1"),
    ):
        response = connection_test(
            staff_client, workspace, kind=kind, base_url=base_url, api_key=SECRET
        )
        assert response.status_code == 200
        assert "Connected: 4 models" in response.content.decode()
        assert "<html" not in response.content.decode()  # a fragment for htmx
    assert not Provider.objects.exists() and not Credential.objects.exists()


def test_connection_sends_the_typed_key_and_reports_a_refused_one_without_echoing_it(
    staff_client, workspace, keyed_server
):
    ok = connection_test(
        staff_client, workspace, kind="openai_compatible", base_url=keyed_server.url,
        api_key=SECRET,
    )  # fmt: skip
    assert "Connected: 1 model<" in ok.content.decode()
    refused = connection_test(
        staff_client, workspace, kind="openai_compatible", base_url=keyed_server.url, api_key=WRONG
    )
    html = refused.content.decode()  # the page client fails if WRONG came back
    assert (
        'data-connection="failed"' in html and "HTTP 401: Incorrect API key provided: [key]" in html
    )


def test_connection_uses_a_saved_credential(staff_client, workspace, keyed_server):
    credential = factories.make_credential(workspace, kind="openai_compatible", secret=SECRET)
    response = connection_test(
        staff_client, workspace, kind="openai_compatible", base_url=keyed_server.url,
        credential=credential.pk,
    )  # fmt: skip
    assert "Connected: 1 model<" in response.content.decode()


def test_connection_to_a_closed_port_says_it_could_not_connect(staff_client, workspace):
    response = connection_test(
        staff_client, workspace, kind="openai_compatible", base_url=CLOSED_PORT_URL
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Not connected" in html and "could not connect" in html


def test_connection_to_a_silent_server_gives_up_in_time(staff_client, workspace, monkeypatch):
    monkeypatch.setattr(services, "CONNECTION_TEST_TIME_LIMIT_S", 0.5)
    server = SilentServer()
    try:
        started = time.monotonic()
        response = connection_test(
            staff_client, workspace, kind="openai_compatible", base_url=server.url
        )
        assert time.monotonic() - started < 5
    finally:
        server.stop()
    assert "no answer in time" in response.content.decode()


def test_connection_refuses_a_private_address_for_non_staff_without_calling_it(
    owner_client, workspace, keyed_server
):
    for base_url in (keyed_server.url, "http://10.0.0.5/v1"):
        response = connection_test(
            owner_client, workspace, kind="openai_compatible", base_url=base_url, api_key=SECRET
        )
        html = response.content.decode()
        assert 'data-connection="not-tested"' in html and "Only site administrators" in html
    assert keyed_server.requests == []


def test_connection_with_a_credential_and_a_key_is_not_tested(owner_client, workspace):
    credential = factories.make_credential(workspace)
    response = connection_test(
        owner_client, workspace, kind="openai", credential=credential.pk, api_key=SECRET
    )
    assert "Not tested" in response.content.decode() and "not both" in response.content.decode()


def test_connection_without_javascript_answers_a_whole_page(staff_client, workspace, simulator):
    response = staff_client.post(
        url("provider-test-connection", workspace), {"kind": "simulated", "base_url": simulator.url}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "Connected: 4 models" in html


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_test_a_connection(role, member_of, signed_in, workspace):
    client = signed_in(member_of(role))
    response = connection_test(client, workspace, kind="openai", api_key=SECRET)
    assert response.status_code == 403


def test_another_workspaces_member_gets_404(workspace, other_workspace, signed_in):
    outsider = signed_in(other_workspace.memberships.get(role="owner").user)
    assert connection_test(outsider, workspace, kind="simulated").status_code == 404


def test_the_detail_page_tests_the_saved_provider_at_the_url_it_already_calls(
    owner_client, workspace, simulator, member_of, signed_in
):
    """A site administrator pointed it at loopback; its workspace's owner may test (and
    sync) that URL, but not another private one."""
    provider = factories.make_provider(workspace, kind="simulated", name="Sim")
    Provider.objects.filter(pk=provider.pk).update(base_url=simulator.url)
    detail = owner_client.get(url("provider-detail", workspace, provider.pk)).content.decode()
    assert f'<input type="hidden" name="base_url" value="{simulator.url}">' in detail
    assert f'<input type="hidden" name="provider" value="{provider.pk}">' in detail
    viewer = signed_in(member_of("viewer"))
    viewer_page = viewer.get(url("provider-detail", workspace, provider.pk)).content.decode()
    assert "Test connection" not in viewer_page
    saved = {"kind": "simulated", "base_url": simulator.url, "credential": ""}
    response = connection_test(owner_client, workspace, provider=provider.pk, **saved)
    assert "Connected: 4 models" in response.content.decode()
    for moved in (
        {"provider": "", **saved},
        {"provider": provider.pk, "base_url": "http://127.0.0.1:9"},
    ):
        refused = connection_test(owner_client, workspace, **{"kind": "simulated", **moved})
        assert "Only site administrators" in refused.content.decode()


def test_an_unchanged_approved_url_survives_an_edit_by_a_workspace_owner(
    owner_client, workspace, simulator
):
    provider = factories.make_provider(workspace, kind="simulated", name="Sim")
    Provider.objects.filter(pk=provider.pk).update(base_url=simulator.url)
    edit = url("provider-edit", workspace, provider.pk)
    form = {"kind": "simulated", "name": "Renamed", "base_url": simulator.url, "priority": 1}
    assert owner_client.post(edit, form).status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Renamed" and provider.base_url == simulator.url
    moved = owner_client.post(edit, {**form, "base_url": "http://127.0.0.1:9"})
    assert moved.status_code == 400 and b"Only site administrators" in moved.content
