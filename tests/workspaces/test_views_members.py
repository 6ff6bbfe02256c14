"""The members page, role rules, and the invitation flow from link to membership."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.clients import htmx
from workspaces import services
from workspaces.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db

INVITE_LINK = re.compile(r"http://testserver/invite/([\w-]+)/")


def members_url(workspace) -> str:
    return reverse("member-list", args=[workspace.slug])


def membership(user, workspace) -> Membership:
    return Membership.objects.get(user=user, workspace=workspace)


def test_viewer_sees_members_but_no_controls(member_of, signed_in, workspace):
    factories.add_member(workspace, "member")
    response = signed_in(member_of("viewer")).get(members_url(workspace))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Invite someone" not in body and "<select" not in body and "Remove</button>" not in body
    assert "Pending invitations" not in body


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_non_managers_get_403_on_every_member_action(role, member_of, signed_in, workspace):
    other = factories.add_member(workspace, "viewer")
    target = membership(other, workspace)
    invitation, _token = services.invitation_create(actor=factories.owner_actor(workspace))
    client = signed_in(member_of(role))
    slug = workspace.slug
    assert client.post(members_url(workspace), {"role": "viewer"}).status_code == 403
    assert (
        client.post(reverse("member-role", args=[slug, target.pk]), {"role": "member"}).status_code
        == 403
    )
    assert client.post(reverse("member-remove", args=[slug, target.pk])).status_code == 403
    assert client.post(reverse("invitation-revoke", args=[slug, invitation.pk])).status_code == 403
    target.refresh_from_db()
    invitation.refresh_from_db()
    assert target.role == Role.VIEWER and invitation.revoked_at is None
    assert Invitation.objects.count() == 1


def test_admin_may_invite_members_and_viewers_only(member_of, signed_in, workspace):
    client = signed_in(member_of("admin"))
    body = client.get(members_url(workspace)).content.decode()
    assert '<option value="member"' in body and '<option value="admin"' not in body
    response = client.post(members_url(workspace), {"role": "admin"})
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_admin_cannot_change_or_remove_an_owner(member_of, signed_in, workspace, owner):
    client = signed_in(member_of("admin"))
    body = client.get(members_url(workspace)).content.decode()
    assert f'id="role-{membership(owner, workspace).pk}"' not in body
    target = membership(owner, workspace)
    role_url = reverse("member-role", args=[workspace.slug, target.pk])
    assert client.post(role_url, {"role": "viewer"}).status_code == 403
    remove_url = reverse("member-remove", args=[workspace.slug, target.pk])
    assert client.post(remove_url).status_code == 403
    assert membership(owner, workspace).role == Role.OWNER


def test_owner_changes_a_role_inline_with_htmx(owner_client, workspace):
    user = factories.add_member(workspace, "member")
    target = membership(user, workspace)
    response = htmx(
        owner_client, reverse("member-role", args=[workspace.slug, target.pk]), {"role": "admin"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="member-{target.pk}"')
    assert '<option value="admin" selected>' in body
    assert membership(user, workspace).role == Role.ADMIN


def test_owner_changes_a_role_without_javascript(owner_client, workspace):
    user = factories.add_member(workspace, "member")
    target = membership(user, workspace)
    url = reverse("member-role", args=[workspace.slug, target.pk])
    response = owner_client.post(url, {"role": "viewer"}, follow=True)
    assert response.redirect_chain[-1][0] == members_url(workspace)
    assert f"{user.username} is now Viewer." in response.content.decode()


def test_demoting_the_last_owner_is_refused_in_the_row(owner_client, workspace, owner):
    target = membership(owner, workspace)
    url = reverse("member-role", args=[workspace.slug, target.pk])
    response = htmx(owner_client, url, {"role": "admin"})
    assert response.status_code == 200
    assert "at least one owner" in response.content.decode()
    assert membership(owner, workspace).role == Role.OWNER


def test_owner_removes_a_member_inline(owner_client, workspace):
    user = factories.add_member(workspace, "member")
    target = membership(user, workspace)
    response = htmx(owner_client, reverse("member-remove", args=[workspace.slug, target.pk]))
    assert response.status_code == 200 and response.content == b""
    assert not Membership.objects.filter(pk=target.pk).exists()


def test_invitation_link_is_shown_once_and_only_its_hash_is_stored(owner_client, workspace):
    response = owner_client.post(
        members_url(workspace), {"role": "member", "email": "new@example.com"}
    )
    assert response.status_code == 200
    token = INVITE_LINK.search(response.content.decode())[1]
    invitation = Invitation.objects.get()
    assert token not in invitation.token_hash and invitation.email == "new@example.com"
    again = owner_client.get(members_url(workspace)).content.decode()
    assert token not in again
    assert "new@example.com" in again  # listed as pending, without its link


def test_revoking_an_invitation_kills_its_link(owner_client, workspace, client):
    invitation, token = services.invitation_create(actor=factories.owner_actor(workspace))
    response = htmx(
        owner_client, reverse("invitation-revoke", args=[workspace.slug, invitation.pk])
    )
    assert response.status_code == 200 and response.content == b""
    page = client.get(reverse("invitation-accept", args=[token]))
    assert page.status_code == 410 and b"revoked" in page.content


def test_invite_end_to_end_new_user_signs_up_and_joins(owner_client, workspace):
    created = owner_client.post(members_url(workspace), {"role": "viewer"})
    link = INVITE_LINK.search(created.content.decode())[0]
    path = link.removeprefix("http://testserver")

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Join “Acme”" in body and "Sign up and join" in body
    assert f'href="{reverse("login")}?next={path}"' in body.replace("%2F", "/")

    response = visitor.post(
        path,
        {
            "username": "newcomer",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace-overview", args=[workspace.slug])
    joined = Membership.objects.get(user__username="newcomer", workspace=workspace)
    assert joined.role == Role.VIEWER
    assert response.context["user"].username == "newcomer"
    assert Invitation.objects.get().accepted_by == joined.user

    used = Client().get(path)
    assert used.status_code == 410 and b"already used" in used.content


def test_a_bad_signup_keeps_the_invitation_and_creates_nobody(workspace):
    _invitation, token = services.invitation_create(actor=factories.owner_actor(workspace))
    path = reverse("invitation-accept", args=[token])
    response = Client().post(path, {"username": "x", "password1": "short", "password2": "other"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user__username="x").exists()
    assert Invitation.objects.get().status == "pending"


def test_a_signed_in_user_joins_with_one_click(signed_in, workspace):
    _invitation, token = services.invitation_create(
        actor=factories.owner_actor(workspace), role=Role.MEMBER
    )
    user = factories.make_user()
    client = signed_in(user)
    path = reverse("invitation-accept", args=[token])
    assert f"Join as {user.username}" in client.get(path).content.decode()
    response = client.post(path)
    assert response.url == reverse("workspace-overview", args=[workspace.slug])
    assert membership(user, workspace).role == Role.MEMBER


def test_expired_invitation_gives_a_clear_page(workspace, client):
    _invitation, token = services.invitation_create(actor=factories.owner_actor(workspace))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    path = reverse("invitation-accept", args=[token])
    for response in (client.get(path), client.post(path, {"username": "late"})):
        assert response.status_code == 410
        assert b"This invitation has expired" in response.content
    assert not Membership.objects.filter(user__username="late").exists()


def test_unknown_invitation_token_is_404_without_details(client):
    response = client.get(reverse("invitation-accept", args=["not-a-token"]))
    assert response.status_code == 404
    assert b"This invitation link is not valid" in response.content
