"""Guessing passwords and keys is throttled: after HUB_LOGIN_FAILURE_LIMIT wrong passwords a
username, and an address, is locked out (the right password included) until the lockout
ends or an admin clears it; an address that sends too many unknown API keys in a minute is
refused for the rest of it. Before, 20 wrong passwords and then the right one logged in."""

from __future__ import annotations

import time

import httpx
import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.clients import make_key
from workspaces.models import ApiKeyScope

LIMIT = 5  # the default HUB_LOGIN_FAILURE_LIMIT
ATTACKER = "203.0.113.7"


def log_in(client: Client, username: str, password: str, address: str = ATTACKER):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_wrong_passwords_lock_the_username_out_even_for_the_right_one(client, owner):
    for _ in range(LIMIT - 1):
        assert log_in(client, owner.username, "wrong").status_code == 200  # the form again
    locked = log_in(client, owner.username, "wrong")
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    page = locked.content.decode()
    assert "Sign-in paused" in page and "15 minutes" in page and "administrator" in page
    right = log_in(client, owner.username, factories.PASSWORD, address="198.51.100.1")
    assert right.status_code == 429 and not logged_in(client)  # another address: same user


@pytest.mark.django_db
def test_wrong_passwords_from_one_address_lock_it_out_for_every_username(client, owner):
    for n in range(LIMIT):
        log_in(client, f"someone{n}", "guess")  # a different username each time
    assert log_in(client, owner.username, factories.PASSWORD).status_code == 429
    assert not logged_in(client)
    other = Client()
    log_in(other, owner.username, factories.PASSWORD, address="198.51.100.1")
    assert logged_in(other)  # the user, from elsewhere, is not locked out


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client):
    admin = factories.make_user("root", is_staff=True, is_superuser=True)
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "root", "password": "x"}, REMOTE_ADDR=ATTACKER)
    response = client.post(
        "/admin/login/",
        {"username": admin.username, "password": factories.PASSWORD},
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 429 and not logged_in(client)


@pytest.mark.django_db
def test_an_admin_clears_a_lockout_in_the_admin(client, owner):
    for _ in range(LIMIT):
        log_in(client, owner.username, "wrong")
    admin = Client()
    admin.force_login(factories.make_user("root", is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and owner.username in listing.content.decode()
    [attempt] = AccessAttempt.objects.filter(username=owner.username)
    deleted = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    log_in(client, owner.username, factories.PASSWORD)
    assert logged_in(client)


@pytest.mark.django_db
def test_the_reset_command_clears_a_username(client, owner):
    for _ in range(LIMIT):
        log_in(client, owner.username, "wrong")
    call_command("axes_reset_username", owner.username)
    log_in(client, owner.username, factories.PASSWORD)
    assert logged_in(client)


@pytest.mark.django_db
def test_a_limit_of_zero_turns_the_lockout_off(client, owner, settings):
    settings.AXES_ENABLED = False
    for _ in range(LIMIT * 2):
        log_in(client, owner.username, "wrong")
    log_in(client, owner.username, factories.PASSWORD)
    assert logged_in(client)


# API keys: the counter is per clock minute, so a test that starts near a minute's end waits
# for the next one instead of straddling the two.
KEY_LIMIT = 4


@pytest.fixture
def key_limit(settings):
    settings.HUB_API_KEY_FAILURES_PER_MINUTE = KEY_LIMIT
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)


def test_unknown_keys_from_one_address_are_refused_for_the_rest_of_the_minute(gateway, key_limit):
    body = {"model": "sim/echo", "messages": [{"role": "user", "content": "Hi"}]}
    with httpx.Client(base_url=gateway.url, timeout=10) as http:

        def call(key: str) -> httpx.Response:
            return http.post(
                "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
            )

        for n in range(KEY_LIMIT):
            assert call(f"hub-guess-{n:040d}").status_code == 401
        refused = call("hub-guess-" + "9" * 40)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_failed_keys"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "invalid API keys from this address" in refused.json()["error"]["message"]
        # REST refuses the address too, in the /api/ error shape.
        rest = http.get("/api/workspaces/", headers={"Authorization": "Bearer hub-" + "8" * 40})
        assert rest.status_code == 429 and rest.headers["Retry-After"]
        assert "invalid API keys" in rest.json()["error"]["message"]


@pytest.mark.django_db
def test_an_address_under_the_limit_and_other_addresses_are_not_refused(
    api_client, workspace, owner, key_limit
):
    key = make_key(owner, workspace, [ApiKeyScope.READ])
    for n in range(KEY_LIMIT):
        api_client.get("/api/workspaces/", HTTP_AUTHORIZATION=f"Bearer hub-x{n:040d}")
    elsewhere = api_client.get(
        "/api/workspaces/", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="198.51.100.1"
    )
    assert elsewhere.status_code == 200
