"""/api/workspaces/<slug>/alert-settings/ and /notifications/: roles, validation, isolation."""

from __future__ import annotations

import pytest

from analytics.alerts.models import AlertSettings, Notification
from analytics.alerts.services import alert_raise
from tests import factories
from tests.clients import ApiClient, make_key
from workspaces.models import ApiKeyScope

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/api/workspaces/acme/alert-settings/"
NOTIFICATIONS_URL = "/api/workspaces/acme/notifications/"


def client_as(workspace, role: str) -> ApiClient:
    user = (
        workspace.memberships.get(role="owner").user
        if role == "owner"
        else factories.add_member(workspace, role)
    )
    client = ApiClient()
    client.force_login(user)
    return client


def test_everyone_reads_the_defaults(workspace):
    body = client_as(workspace, "viewer").get(SETTINGS_URL).json()
    assert body["email_enabled"] is True and body["webhook_url_hint"] == ""
    assert body["latency_threshold_ms"] == 10000 and body["error_rate_threshold"] == 0.1
    assert body["cooldown_minutes"] == 30


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("admin", 200), ("member", 403), ("viewer", 403)]
)
def test_only_owners_and_admins_change_settings(workspace, role, status):
    response = client_as(workspace, role).patch(
        SETTINGS_URL, {"cooldown_minutes": 5, "email_enabled": False}, format="json"
    )
    assert response.status_code == status, response.content
    saved = AlertSettings.objects.filter(workspace=workspace).first()
    assert (saved is not None and saved.cooldown_minutes == 5) == (status == 200)


def test_the_webhook_url_is_write_only(workspace):
    client = client_as(workspace, "owner")
    secret_hook = "https://hooks.example.com/services/T000/B000/SECRET-MARKER"
    response = client.patch(SETTINGS_URL, {"webhook_url": secret_hook}, format="json")
    assert response.status_code == 200  # the scanning client fails on the marker in any body
    assert response.json()["webhook_url_hint"] == "https://hooks.example.com/…"
    assert AlertSettings.objects.get(workspace=workspace).webhook_url == secret_hook
    client.patch(SETTINGS_URL, {"webhook_url": ""}, format="json")
    assert AlertSettings.objects.get(workspace=workspace).webhook_url == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("webhook_url", "ftp://example.com/hook"),
        ("webhook_url", "http://127.0.0.1:9000/hook"),
        ("error_rate_threshold", 1.5),
        ("latency_threshold_ms", 0),
        ("cooldown_minutes", -1),
    ],
)
def test_bad_values_answer_400_naming_the_field(workspace, field, value):
    response = client_as(workspace, "admin").patch(SETTINGS_URL, {field: value}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == field


def test_notifications_list_newest_first_and_mark_read(workspace):
    for state in ("50", "80"):
        alert_raise(
            workspace=workspace, key="budget:1", state=state, title=f"At {state} %", text=""
        )
    client = client_as(workspace, "viewer")
    body = client.get(NOTIFICATIONS_URL).json()
    assert [n["title"] for n in body["results"]] == ["At 80 %", "At 50 %"]
    newest = body["results"][0]
    response = client.post(f"{NOTIFICATIONS_URL}{newest['id']}/read/")
    assert response.status_code == 200 and response.json()["read_at"]
    unread = client.get(NOTIFICATIONS_URL + "?unread=true").json()["results"]
    assert [n["title"] for n in unread] == ["At 50 %"]
    assert client.post(f"{NOTIFICATIONS_URL}read/").json() == {"marked": 1}
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_a_read_key_lists_notifications(workspace):
    owner = workspace.memberships.get(role="owner").user
    client = ApiClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {make_key(owner, workspace, [ApiKeyScope.READ])}"
    )
    assert client.get(NOTIFICATIONS_URL).status_code == 200


def test_notifications_and_settings_of_another_workspace_are_404(workspace, other_workspace):
    alert_raise(workspace=other_workspace, key="budget:9", state="100", title="Theirs", text="")
    theirs = other_workspace.notifications.get()
    client = client_as(workspace, "owner")
    assert client.post(f"{NOTIFICATIONS_URL}{theirs.pk}/read/").status_code == 404
    assert client.get("/api/workspaces/globex/notifications/").status_code == 404
    assert (
        client.patch(
            "/api/workspaces/globex/alert-settings/", {"cooldown_minutes": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.get(NOTIFICATIONS_URL).json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.read_at is None
