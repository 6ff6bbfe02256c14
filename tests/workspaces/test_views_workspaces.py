"""The workspace list, switcher, overview and settings pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db


def test_workspace_list_shows_only_my_workspaces(owner_client, workspace, other_workspace):
    response = owner_client.get(reverse("workspace-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert workspace.name in body and other_workspace.name not in body


def test_creating_a_workspace_makes_me_its_owner(owner_client, owner):
    response = owner_client.post(reverse("workspace-list"), {"name": "Research Lab"}, follow=True)
    created = Workspace.objects.get(name="Research Lab")
    assert response.redirect_chain[-1][0] == reverse("workspace-overview", args=[created.slug])
    assert Membership.objects.get(workspace=created, user=owner).role == Role.OWNER
    assert "You are its owner" in response.content.decode()


def test_a_blank_workspace_name_is_refused(owner_client):
    response = owner_client.post(reverse("workspace-list"), {"name": "  "})
    assert response.status_code == 200
    assert b"This field is required" in response.content


def test_switcher_lists_my_workspaces_and_marks_the_current_one(
    owner_client, owner, workspace, other_workspace
):
    second = factories.make_workspace("Zeta", owner=owner)
    body = owner_client.get(reverse("workspace-overview", args=[workspace.slug])).content.decode()
    switch_to_second = f'href="{reverse("workspace-overview", args=[second.slug])}"'
    assert switch_to_second in body
    assert other_workspace.name not in body
    assert 'class="is-current" aria-current="true">Acme<' in body


def test_owner_renames_the_workspace(owner_client, workspace):
    url = reverse("workspace-settings", args=[workspace.slug])
    response = owner_client.post(url, {"name": "Acme Research"}, follow=True)
    workspace.refresh_from_db()
    assert workspace.name == "Acme Research" and workspace.slug == "acme"
    assert b"Workspace renamed." in response.content


@pytest.mark.parametrize("role", ["admin", "member", "viewer"])
def test_only_owners_rename_or_delete(role, member_of, signed_in, workspace):
    client = signed_in(member_of(role))
    settings_url = reverse("workspace-settings", args=[workspace.slug])
    page = client.get(settings_url)
    assert page.status_code == 200
    assert b"Rename" not in page.content and b"Delete workspace" not in page.content
    forbidden = client.post(settings_url, {"name": "Taken over"})
    assert forbidden.status_code == 403
    assert b"You can't do that here" in forbidden.content
    delete_url = reverse("workspace-delete", args=[workspace.slug])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"confirm": workspace.slug}).status_code == 403
    workspace.refresh_from_db()
    assert workspace.name == "Acme"


def test_delete_needs_the_slug_typed(owner_client, workspace):
    url = reverse("workspace-delete", args=[workspace.slug])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url, {"confirm": "nope"})
    assert response.status_code == 400 and Workspace.objects.filter(pk=workspace.pk).exists()
    response = owner_client.post(url, {"confirm": workspace.slug}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workspace-list")
    assert not Workspace.objects.filter(pk=workspace.pk).exists()


def test_a_member_leaves_from_settings(signed_in, workspace):
    user = factories.add_member(workspace, "member")
    client = signed_in(user)
    own = Membership.objects.get(user=user, workspace=workspace)
    response = client.post(reverse("member-remove", args=[workspace.slug, own.pk]), follow=True)
    assert not Membership.objects.filter(pk=own.pk).exists()
    assert b"You left Acme." in response.content


def test_the_last_owner_cannot_leave(owner_client, owner, workspace):
    own = Membership.objects.get(user=owner, workspace=workspace)
    response = owner_client.post(
        reverse("member-remove", args=[workspace.slug, own.pk]), follow=True
    )
    assert Membership.objects.filter(pk=own.pk).exists()
    assert b"at least one owner" in response.content


def test_error_pages_share_the_site_look(owner_client):
    response = owner_client.get("/w/no-such-workspace/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"/static/css/hub.css" in response.content
