"""API keys: shown once, stored as a hash, expire, revoke, and authenticate quickly."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories
from workspaces import api_keys
from workspaces.models import ApiKey, Role
from workspaces.services import (
    api_key_create,
    api_key_revoke,
    membership_remove,
    membership_set_role,
)


def test_key_is_returned_once_and_only_its_sha256_is_stored(workspace):
    actor = factories.owner_actor(workspace)
    api_key, raw = api_key_create(actor=actor, name="CI", scopes=["inference"])
    assert raw.startswith("hub-") and len(raw) >= 40
    stored = ApiKey.objects.get(pk=api_key.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in repr(stored.__dict__)
    assert stored.prefix == raw[:12]


def test_two_keys_never_collide(workspace):
    actor = factories.owner_actor(workspace)
    raws = {api_key_create(actor=actor, name=f"k{n}", scopes=["read"])[1] for n in range(20)}
    assert len(raws) == 20


def test_valid_key_authenticates_to_its_workspace_and_scopes(workspace):
    actor = factories.owner_actor(workspace)
    _api_key, raw = api_key_create(actor=actor, name="CI", scopes=["inference", "read"])
    record = api_keys.key_record_lookup(raw)
    assert record is not None
    assert record.workspace_id == workspace.pk
    assert record.scopes == {"inference", "read"}


@pytest.mark.parametrize("raw", ["", "sk-foo", "hub-short", "hub-" + "x" * 40])
def test_unknown_or_malformed_keys_do_not_authenticate(db, raw):
    assert api_keys.key_record_lookup(raw) is None


def test_revoked_key_stops_working_at_once_even_when_cached(workspace):
    actor = factories.owner_actor(workspace)
    api_key, raw = api_key_create(actor=actor, name="CI", scopes=["inference"])
    assert api_keys.key_record_lookup(raw) is not None  # now cached
    api_key_revoke(actor=actor, api_key=api_key)
    assert api_keys.key_record_lookup(raw) is None
    assert ApiKey.objects.get(pk=api_key.pk).status == "revoked"


def test_expired_key_stops_working(workspace):
    actor = factories.owner_actor(workspace)
    api_key, raw = api_key_create(
        actor=actor, name="CI", scopes=["inference"], expires_at=timezone.now() + timedelta(hours=1)
    )
    assert api_keys.key_record_lookup(raw) is not None
    ApiKey.objects.filter(pk=api_key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_keys.key_record_forget(api_key.key_hash)
    assert api_keys.key_record_lookup(raw) is None


def test_expiry_in_the_past_is_refused(workspace):
    with pytest.raises(ValidationError):
        api_key_create(
            actor=factories.owner_actor(workspace),
            name="CI",
            scopes=["read"],
            expires_at=timezone.now() - timedelta(days=1),
        )


def test_key_dies_with_its_creators_membership(workspace):
    member = factories.add_member(workspace, Role.MEMBER)
    _, raw = api_key_create(
        actor=factories.actor_for(member, workspace), name="mine", scopes=["inference"]
    )
    assert api_keys.key_record_lookup(raw) is not None
    membership = workspace.memberships.get(user=member)
    membership_remove(actor=factories.owner_actor(workspace), membership=membership)
    assert api_keys.key_record_lookup(raw) is None


def test_role_change_takes_effect_on_cached_keys(workspace):
    admin = factories.add_member(workspace, Role.ADMIN)
    _, raw = api_key_create(
        actor=factories.actor_for(admin, workspace), name="ops", scopes=["manage"]
    )
    assert api_keys.key_record_lookup(raw).role == Role.ADMIN
    membership_set_role(
        actor=factories.owner_actor(workspace),
        membership=workspace.memberships.get(user=admin),
        role=Role.VIEWER,
    )
    assert api_keys.key_record_lookup(raw).role == Role.VIEWER


def test_members_cannot_mint_manage_keys_and_viewers_no_keys(workspace):
    member = factories.add_member(workspace, Role.MEMBER)
    viewer = factories.add_member(workspace, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        api_key_create(actor=factories.actor_for(member, workspace), name="x", scopes=["manage"])
    with pytest.raises(PermissionDenied):
        api_key_create(actor=factories.actor_for(viewer, workspace), name="x", scopes=["read"])


def test_member_cannot_revoke_someone_elses_key(workspace):
    member = factories.add_member(workspace, Role.MEMBER)
    owner_key, _ = api_key_create(actor=factories.owner_actor(workspace), name="o", scopes=["read"])
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=factories.actor_for(member, workspace), api_key=owner_key)


def test_last_used_is_written_at_most_once_a_minute(workspace, django_assert_num_queries):
    _, raw = api_key_create(actor=factories.owner_actor(workspace), name="CI", scopes=["read"])
    record = api_keys.key_record_lookup(raw)
    api_keys.key_mark_used(record)
    assert ApiKey.objects.get(pk=record.api_key_id).last_used_at is not None
    with django_assert_num_queries(0):
        for _ in range(50):
            api_keys.key_record_lookup(raw)
            api_keys.key_mark_used(record)
