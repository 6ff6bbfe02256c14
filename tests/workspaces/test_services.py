"""Workspace, membership and invitation rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests import factories
from workspaces.models import Membership, Role
from workspaces.services import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_set_role,
    workspace_create,
    workspace_delete,
)


def test_creator_becomes_owner_and_slugs_stay_unique(db):
    user = factories.make_user()
    first = workspace_create(name="Research Lab", owner=user)
    second = workspace_create(name="Research Lab", owner=user)
    assert first.slug == "research-lab" and second.slug == "research-lab-2"
    assert Membership.objects.get(user=user, workspace=first).role == Role.OWNER


def test_invitation_link_makes_the_user_a_member_once(workspace):
    invitation, token = invitation_create(actor=factories.owner_actor(workspace), role=Role.MEMBER)
    assert token not in invitation.token_hash
    newcomer = factories.make_user()
    membership = invitation_accept(token=token, user=newcomer)
    assert membership.role == Role.MEMBER and membership.workspace == workspace
    with pytest.raises(ValidationError, match="accepted"):
        invitation_accept(token=token, user=factories.make_user())


def test_expired_and_revoked_invitations_are_refused(workspace):
    actor = factories.owner_actor(workspace)
    _, expired = invitation_create(actor=actor, lifetime=timedelta(seconds=-1))
    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(token=expired, user=factories.make_user())
    invitation, revoked = invitation_create(actor=actor)
    invitation_revoke(actor=actor, invitation=invitation)
    with pytest.raises(ValidationError, match="revoked"):
        invitation_accept(token=revoked, user=factories.make_user())


def test_admins_invite_members_but_not_admins_or_owners(workspace):
    admin = factories.add_member(workspace, Role.ADMIN)
    actor = factories.actor_for(admin, workspace)
    invitation_create(actor=actor, role=Role.MEMBER)
    for role in (Role.ADMIN, Role.OWNER):
        with pytest.raises(PermissionDenied):
            invitation_create(actor=actor, role=role)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_invite_or_change_roles(workspace, role):
    user = factories.add_member(workspace, role)
    other = factories.add_member(workspace, Role.VIEWER)
    actor = factories.actor_for(user, workspace)
    with pytest.raises(PermissionDenied):
        invitation_create(actor=actor)
    with pytest.raises(PermissionDenied):
        membership_set_role(
            actor=actor, membership=workspace.memberships.get(user=other), role=Role.MEMBER
        )


def test_admin_cannot_demote_or_remove_an_owner(workspace, owner):
    admin = factories.add_member(workspace, Role.ADMIN)
    owner_membership = workspace.memberships.get(user=owner)
    with pytest.raises(PermissionDenied):
        membership_set_role(
            actor=factories.actor_for(admin, workspace),
            membership=owner_membership,
            role=Role.MEMBER,
        )
    with pytest.raises(PermissionDenied):
        membership_remove(actor=factories.actor_for(admin, workspace), membership=owner_membership)


def test_the_last_owner_cannot_leave_or_be_demoted(workspace, owner):
    actor = factories.owner_actor(workspace)
    membership = workspace.memberships.get(user=owner)
    with pytest.raises(ValidationError):
        membership_set_role(actor=actor, membership=membership, role=Role.ADMIN)
    with pytest.raises(ValidationError):
        membership_remove(actor=actor, membership=membership)


def test_anyone_may_leave_a_workspace(workspace):
    viewer = factories.add_member(workspace, Role.VIEWER)
    membership_remove(
        actor=factories.actor_for(viewer, workspace),
        membership=workspace.memberships.get(user=viewer),
    )
    assert not workspace.memberships.filter(user=viewer).exists()


def test_only_owners_delete_a_workspace(workspace):
    admin = factories.add_member(workspace, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        workspace_delete(actor=factories.actor_for(admin, workspace))
    workspace_delete(actor=factories.owner_actor(workspace))
    assert not type(workspace).objects.filter(pk=workspace.pk).exists()
