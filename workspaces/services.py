"""Writes and business rules for workspaces, members, invitations and API keys."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from workspaces import api_keys
from workspaces.access import Actor, scopes_allowed_for_role
from workspaces.models import ApiKey, ApiKeyScope, Invitation, Membership, Role, Workspace
from workspaces.roles import PRIVILEGED_ROLES, Permission

INVITATION_LIFETIME = timedelta(days=7)


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(f"Your role does not allow this ({permission.value}).")


def _may_assign(actor: Actor, role: str) -> bool:
    """Admins hand out member and viewer; only owners hand out (or take away) admin and owner."""
    if role in PRIVILEGED_ROLES:
        return actor.can(Permission.MANAGE_OWNERS)
    return actor.can(Permission.MANAGE_MEMBERS)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def workspace_create(*, name: str, owner: User) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A workspace needs a name."})
    workspace = Workspace.objects.create(name=name, slug=_unique_slug(name))
    Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    return workspace


def workspace_rename(*, actor: Actor, name: str) -> Workspace:
    _require(actor, Permission.MANAGE_WORKSPACE)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A workspace needs a name."})
    workspace = actor.workspace
    workspace.name = name
    workspace.save(update_fields=["name"])
    return workspace


def workspace_delete(*, actor: Actor) -> None:
    _require(actor, Permission.MANAGE_WORKSPACE)
    _forget_keys(ApiKey.objects.for_workspace(actor.workspace))
    actor.workspace.delete()


def _owner_count(workspace: Workspace) -> int:
    return Membership.objects.for_workspace(workspace).filter(role=Role.OWNER).count()


@transaction.atomic
def membership_set_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    _require(actor, Permission.MANAGE_MEMBERS)
    if not (_may_assign(actor, role) and _may_assign(actor, membership.role)):
        raise PermissionDenied("Only owners may grant or change the owner and admin roles.")
    if (
        membership.role == Role.OWNER
        and role != Role.OWNER
        and _owner_count(membership.workspace) == 1
    ):
        raise ValidationError({"role": "A workspace needs at least one owner."})
    membership.role = role
    membership.save(update_fields=["role"])
    _forget_keys(
        ApiKey.objects.for_workspace(membership.workspace).filter(created_by=membership.user)
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    leaving_self = membership.user_id == actor.user.pk
    if not leaving_self:
        _require(actor, Permission.MANAGE_MEMBERS)
        if not _may_assign(actor, membership.role):
            raise PermissionDenied("Only owners may remove owners and admins.")
    if membership.role == Role.OWNER and _owner_count(membership.workspace) == 1:
        raise ValidationError("A workspace needs at least one owner.")
    _forget_keys(
        ApiKey.objects.for_workspace(membership.workspace).filter(created_by=membership.user)
    )
    membership.delete()


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    actor: Actor,
    role: str = Role.MEMBER,
    email: str = "",
    lifetime: timedelta = INVITATION_LIFETIME,
) -> tuple[Invitation, str]:
    """A new invitation and its token; the token is shown once and only its hash is kept."""
    _require(actor, Permission.MANAGE_MEMBERS)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if not _may_assign(actor, role):
        raise PermissionDenied("Only owners may invite owners and admins.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=actor.workspace,
        role=role,
        email=email,
        token_hash=_hash_token(token),
        created_by=actor.user,
        expires_at=timezone.now() + lifetime,
    )
    return invitation, token


def invitation_find(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("workspace").filter(token_hash=_hash_token(token)).first()
    )


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=_hash_token(token)).first()
    )
    if invitation is None or invitation.status != "pending":
        state = invitation.status if invitation else "unknown"
        raise ValidationError(f"This invitation link is {state}; ask for a new one.")
    membership, _created = Membership.objects.get_or_create(
        user=user, workspace=invitation.workspace, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_revoke(*, actor: Actor, invitation: Invitation) -> None:
    _require(actor, Permission.MANAGE_MEMBERS)
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def api_key_create(
    *, actor: Actor, name: str, scopes: list[str], expires_at: datetime | None = None
) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is shown once and never stored."""
    _require(actor, Permission.CREATE_OWN_KEYS)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A key needs a name."})
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    unknown = set(scopes) - set(ApiKeyScope.values)
    if unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(sorted(unknown))}."})
    allowed = set(scopes_allowed_for_role(actor.role))
    if actor.scopes is not None:
        allowed &= set(actor.scopes)
    if not set(scopes) <= allowed:
        raise PermissionDenied(
            f"Your role may create keys with these scopes only: {', '.join(sorted(allowed))}."
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    raw_key = api_keys.generate_key()
    api_key = ApiKey.objects.create(
        workspace=actor.workspace,
        name=name,
        prefix=raw_key[:12],
        key_hash=api_keys.hash_key(raw_key),
        scopes=scopes,
        created_by=actor.user,
        expires_at=expires_at,
    )
    return api_key, raw_key


def api_key_revoke(*, actor: Actor, api_key: ApiKey) -> ApiKey:
    if api_key.created_by_id != actor.user.pk:
        _require(actor, Permission.MANAGE_KEYS)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    api_keys.key_record_forget(api_key.key_hash)
    return api_key


def _forget_keys(queryset) -> None:
    for key_hash in queryset.values_list("key_hash", flat=True):
        api_keys.key_record_forget(key_hash)
