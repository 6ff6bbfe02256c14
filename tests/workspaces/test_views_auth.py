"""Signing in and out, and where the front door sends each visitor."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("login")


def test_workspace_page_asks_anonymous_visitor_to_log_in_and_come_back(client, workspace):
    url = reverse("workspace-overview", args=[workspace.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_login_page_renders_with_the_site_stylesheet(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Log in to Provider Hub" in response.content
    assert b"/static/css/hub.css" in response.content


def test_login_lands_in_the_users_workspace(client, workspace, owner):
    response = client.post(
        reverse("login"), {"username": owner.username, "password": factories.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("workspace-overview", args=[workspace.slug])
    assert response.context["user"] == owner


def test_wrong_password_shows_an_error_and_signs_nobody_in(client, owner):
    response = client.post(reverse("login"), {"username": owner.username, "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert "_auth_user_id" not in client.session


def test_login_honours_next(client, workspace, owner):
    target = reverse("member-list", args=[workspace.slug])
    response = client.post(
        reverse("login"),
        {"username": owner.username, "password": factories.PASSWORD, "next": target},
    )
    assert response.url == target


def test_logout_needs_post_and_ends_the_session(owner):
    client = Client()
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert client.get("/").url == reverse("login")


def test_home_goes_to_the_workspace_used_last(client, owner, workspace):
    second = factories.make_workspace("Zeta", owner=owner)
    client.force_login(owner)
    client.get(reverse("workspace-overview", args=[second.slug]))
    assert client.get("/").url == reverse("workspace-overview", args=[second.slug])


def test_home_without_a_workspace_goes_to_the_workspace_list(client):
    client.force_login(factories.make_user())
    assert client.get("/").url == reverse("workspace-list")


def test_home_forgets_a_workspace_the_user_left(client, workspace):
    user = factories.add_member(workspace, "member")
    client.force_login(user)
    client.get(reverse("workspace-overview", args=[workspace.slug]))
    workspace.memberships.filter(user=user).delete()
    assert client.get("/").url == reverse("workspace-list")
