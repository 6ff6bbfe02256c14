"""Delivery over real servers on loopback: SMTP to owners and admins, a webhook receiver."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analytics.alerts.delivery import notification_deliver
from analytics.alerts.models import AlertSettings
from analytics.alerts.services import alert_raise, alert_settings_update
from tests import factories
from tests.loopback import HttpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def raise_now(django_capture_on_commit_callbacks):
    def raise_alert(workspace, state: str = "down") -> None:
        with django_capture_on_commit_callbacks(execute=True):
            alert_raise(
                workspace=workspace, key="provider:3:status", state=state,
                title="Work OpenAI is down", text="Its last health checks failed.", level="error",
            )  # fmt: skip

    return raise_alert


def test_email_goes_to_owners_and_admins_only_one_message_each(workspace, smtp_server, raise_now):
    owner = workspace.memberships.get(role="owner").user
    admin = factories.add_member(workspace, "admin")
    factories.add_member(workspace, "member")
    factories.add_member(workspace, "viewer")
    factories.add_member(workspace, "admin", user=factories.make_user(is_active=False))
    no_email = factories.make_user()
    no_email.email = ""
    no_email.save()
    factories.add_member(workspace, "admin", user=no_email)
    factories.make_credential(workspace)  # its secret must appear nowhere
    raise_now(workspace)
    assert smtp_server.recipients == sorted([owner.email, admin.email])
    for message in smtp_server.messages:
        assert message["To"] in (owner.email, admin.email)  # nobody sees the other addresses
        assert message["Subject"] == "[Provider Hub] Acme: Work OpenAI is down"
        body = message.get_payload(decode=True).decode()
        assert "Its last health checks failed." in body and "sk-test" not in body


def test_email_can_be_turned_off(workspace, smtp_server, raise_now):
    AlertSettings.objects.create(workspace=workspace, email_enabled=False)
    raise_now(workspace)
    assert smtp_server.messages == []


def test_webhook_gets_slack_text_and_structured_fields(workspace, webhook_receiver, raise_now):
    AlertSettings.objects.create(workspace=workspace, webhook_url=webhook_receiver.url + "/hook")
    raise_now(workspace)
    (request,) = webhook_receiver.requests
    assert request["method"] == "POST" and request["path"] == "/hook"
    assert request["headers"]["content-type"] == "application/json"
    (body,) = webhook_receiver.json_bodies()
    assert body["text"] == "*Work OpenAI is down*\nIts last health checks failed."
    assert body["level"] == "error" and body["state"] == "down" and body["workspace"] == "acme"
    assert body["key"] == "provider:3:status" and body["kind"] == "provider"


def test_unreachable_smtp_and_webhook_are_logged_not_raised(workspace, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    AlertSettings.objects.create(workspace=workspace, webhook_url="http://127.0.0.1:9/hook")
    alert_raise(workspace=workspace, key="budget:1", state="80", title="Budget", text="")
    notification = workspace.notifications.get()
    with caplog.at_level(logging.WARNING, logger="analytics.alerts.delivery"):
        assert notification_deliver(notification.pk) == {"email": False, "webhook": False}
    assert "alert email" in caplog.text and "alert webhook failed" in caplog.text


def test_a_webhook_answering_an_error_is_logged(workspace, caplog):
    receiver = HttpServer(lambda *_: (404, {"error": "no such hook"}))
    try:
        AlertSettings.objects.create(
            workspace=workspace, webhook_url=receiver.url, email_enabled=False
        )
        alert_raise(workspace=workspace, key="budget:1", state="80", title="Budget", text="")
        with caplog.at_level(logging.WARNING, logger="analytics.alerts.delivery"):
            assert notification_deliver(workspace.notifications.get().pk) == {"webhook": False}
    finally:
        receiver.stop()
    assert "answered 404" in caplog.text


def test_webhook_url_must_be_http_and_public_unless_a_site_admin_sets_it(workspace):
    owner = factories.owner_actor(workspace)
    for bad in (
        "ftp://example.com/x",
        "not a url",
        "http://127.0.0.1:8080/hook",
        "http://10.0.0.5/",
    ):
        with pytest.raises(ValidationError) as error:
            alert_settings_update(actor=owner, webhook_url=bad)
        assert "webhook_url" in error.value.error_dict
    saved = alert_settings_update(actor=owner, webhook_url="https://93.184.215.14/hook")
    assert saved.webhook_url == "https://93.184.215.14/hook"
    staff = factories.make_user(is_staff=True)
    factories.add_member(workspace, "admin", user=staff)
    saved = alert_settings_update(
        actor=factories.actor_for(staff, workspace), webhook_url="http://127.0.0.1:8080/hook"
    )
    assert saved.webhook_url == "http://127.0.0.1:8080/hook"


def test_members_cannot_change_alert_settings(workspace):
    member = factories.add_member(workspace, "member")
    with pytest.raises(PermissionDenied):
        alert_settings_update(actor=factories.actor_for(member, workspace), cooldown_minutes=1)
