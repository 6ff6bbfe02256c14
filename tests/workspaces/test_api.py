"""Workspaces, members, invitations and keys over REST, per role of the role matrix."""

from __future__ import annotations

import pytest

from tests import factories
from tests.clients import assert_openai_error
from workspaces.models import ApiKey, Invitation, Membership, Workspace

pytestmark = pytest.mark.django_db

ROLES = ["owner", "admin", "member", "viewer"]


def test_session_lists_only_the_users_workspaces(session_client, owner, workspace, other_workspace):
    response = session_client(owner).get("/api/workspaces/")
    assert [w["slug"] for w in response.json()["results"]] == [workspace.slug]


def test_creating_a_workspace_makes_the_caller_its_owner(session_client):
    user = factories.make_user()
    response = session_client(user).post("/api/workspaces/", {"name": "Initech"}, format="json")
    assert response.status_code == 201
    workspace = Workspace.objects.get(slug=response.json()["slug"])
    assert Membership.objects.get(workspace=workspace, user=user).role == "owner"


def test_blank_workspace_name_is_a_400_on_name(session_client):
    response = session_client(factories.make_user()).post(
        "/api/workspaces/", {"name": "  "}, format="json"
    )
    assert_openai_error(response, 400, param="name")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_renames_and_deletes_the_workspace(
    role, member_of, session_client, workspace
):
    client = session_client(member_of(role))
    url = f"/api/workspaces/{workspace.slug}/"
    assert client.get(url).json()["name"] == "Acme"
    renamed = client.patch(url, {"name": "Acme Corp"}, format="json")
    if role != "owner":
        assert_openai_error(renamed, 403)
        assert_openai_error(client.delete(url), 403)
        assert Workspace.objects.filter(pk=workspace.pk).exists()
        return
    assert renamed.status_code == 200 and renamed.json()["name"] == "Acme Corp"
    assert client.delete(url).status_code == 204
    assert not Workspace.objects.filter(pk=workspace.pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_role_lists_members(role, member_of, session_client, workspace):
    response = session_client(member_of(role)).get(f"/api/workspaces/{workspace.slug}/members/")
    assert response.status_code == 200
    assert {m["role"] for m in response.json()["results"]} >= {"owner"}


@pytest.mark.parametrize(
    ("role", "target_role", "new_role", "status"),
    [
        ("owner", "member", "admin", 200),
        ("admin", "member", "viewer", 200),
        ("admin", "member", "admin", 403),
        ("admin", "owner", "member", 403),
        ("member", "viewer", "member", 403),
        ("viewer", "member", "viewer", 403),
    ],
)
def test_changing_roles_follows_the_matrix(
    role, target_role, new_role, status, member_of, session_client, workspace
):
    client = session_client(member_of(role))
    target = member_of(target_role)
    membership = Membership.objects.get(user=target, workspace=workspace)
    response = client.patch(
        f"/api/workspaces/{workspace.slug}/members/{membership.pk}/",
        {"role": new_role},
        format="json",
    )
    assert response.status_code == status, response.content
    if status != 200:
        assert_openai_error(response, status)
    membership.refresh_from_db()
    assert membership.role == (new_role if status == 200 else target_role)


def test_unknown_role_is_a_400_on_role(session_client, owner, workspace):
    membership = Membership.objects.get(user=factories.add_member(workspace), workspace=workspace)
    response = session_client(owner).patch(
        f"/api/workspaces/{workspace.slug}/members/{membership.pk}/",
        {"role": "emperor"},
        format="json",
    )
    assert_openai_error(response, 400, param="role")


def test_admin_removes_a_member_and_a_viewer_may_leave(member_of, session_client, workspace):
    admin, member, viewer = member_of("admin"), member_of("member"), member_of("viewer")
    url = f"/api/workspaces/{workspace.slug}/members/"
    member_row = Membership.objects.get(user=member, workspace=workspace)
    viewer_row = Membership.objects.get(user=viewer, workspace=workspace)
    assert_openai_error(session_client(viewer).delete(f"{url}{member_row.pk}/"), 403)
    assert session_client(admin).delete(f"{url}{member_row.pk}/").status_code == 204
    assert session_client(viewer).delete(f"{url}{viewer_row.pk}/").status_code == 204
    assert set(Membership.objects.filter(workspace=workspace).values_list("role", flat=True)) == {
        "owner",
        "admin",
    }


@pytest.mark.parametrize("role", ROLES)
def test_invitations_are_for_member_managers(role, member_of, session_client, workspace):
    client = session_client(member_of(role))
    url = f"/api/workspaces/{workspace.slug}/invitations/"
    created = client.post(url, {"role": "member", "email": "new@example.com"}, format="json")
    if role in ("member", "viewer"):
        assert_openai_error(created, 403)
        assert_openai_error(client.get(url), 403)
        return
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["token"] and body["url"].endswith(f"/invite/{body['token']}/")
    listed = client.get(url)
    assert body["token"] not in listed.content.decode()
    assert body["token"] not in client.get(f"{url}{body['id']}/").content.decode()
    assert client.delete(f"{url}{body['id']}/").status_code == 204
    assert Invitation.objects.get(pk=body["id"]).status == "revoked"


def test_accepting_an_invitation_makes_the_signed_in_user_a_member(
    session_client, owner, workspace
):
    created = session_client(owner).post(
        f"/api/workspaces/{workspace.slug}/invitations/", {"role": "viewer"}, format="json"
    )
    newcomer = factories.make_user()
    client = session_client(newcomer)
    accepted = client.post(
        "/api/invitations/accept/", {"token": created.json()["token"]}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["role"] == "viewer" and accepted.json()["workspace"] == workspace.slug
    again = client.post(
        "/api/invitations/accept/", {"token": created.json()["token"]}, format="json"
    )
    assert_openai_error(again, 400)


def test_members_see_only_their_own_keys_and_admins_see_all(member_of, session_client, workspace):
    admin, member = member_of("admin"), member_of("member")
    url = f"/api/workspaces/{workspace.slug}/keys/"
    admin_key = (
        session_client(admin).post(url, {"name": "a", "scopes": ["read"]}, format="json").json()
    )
    member_key = (
        session_client(member).post(url, {"name": "m", "scopes": ["read"]}, format="json").json()
    )
    member_view = session_client(member).get(url).json()["results"]
    assert [k["id"] for k in member_view] == [member_key["id"]]
    assert_openai_error(session_client(member).get(f"{url}{admin_key['id']}/"), 404)
    assert_openai_error(session_client(member).delete(f"{url}{admin_key['id']}/"), 404)
    assert {k["id"] for k in session_client(admin).get(url).json()["results"]} == {
        admin_key["id"],
        member_key["id"],
    }
    revoked = session_client(admin).delete(f"{url}{member_key['id']}/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert ApiKey.objects.get(pk=member_key["id"]).revoked_at is not None


def test_viewer_cannot_create_keys_and_members_cannot_create_manage_keys(
    member_of, session_client, workspace
):
    url = f"/api/workspaces/{workspace.slug}/keys/"
    assert_openai_error(
        session_client(member_of("viewer")).post(
            url, {"name": "v", "scopes": ["read"]}, format="json"
        ),
        403,
    )
    response = session_client(member_of("member")).post(
        url, {"name": "m", "scopes": ["manage"]}, format="json"
    )
    assert_openai_error(response, 403)


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"name": "k", "scopes": ["root"]}, "scopes"),
        ({"name": "k", "scopes": []}, "scopes"),
        ({"name": "k", "scopes": "read"}, "scopes"),
        ({"name": "k", "scopes": ["read"], "expires_at": "yesterday"}, "expires_at"),
        ({"name": "k", "scopes": ["read"], "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"scopes": ["read"]}, "name"),
    ],
)
def test_bad_key_input_is_a_400_naming_the_field(payload, param, session_client, owner, workspace):
    response = session_client(owner).post(
        f"/api/workspaces/{workspace.slug}/keys/", payload, format="json"
    )
    assert_openai_error(response, 400, param=param)
