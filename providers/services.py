"""Writes for providers and credentials; every one checks the actor's role."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from providers.adapters.base import UpstreamError
from providers.adapters.registry import target_for
from providers.catalog import SyncResult, models_list, sync_models
from providers.kinds import DEFAULT_BASE_URLS, ProviderKind
from providers.models import Credential, Provider
from providers.secrets import SecretUnreadable
from providers.url_guard import base_url_validate
from providers.warm_up import warm_up_for
from workspaces.access import Actor
from workspaces.roles import Permission

PROVIDER_FIELDS = (
    "kind",
    "name",
    "slug",
    "base_url",
    "credential",
    "enabled",
    "priority",
    "options",
)


def _require_manage(actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_PROVIDERS):
        raise PermissionDenied("Your role does not allow managing providers.")


def _clean_provider(actor: Actor, provider: Provider, *, approved_url: str = "") -> None:
    """Normalise and check ``provider``; ``approved_url`` is the URL it already calls, which
    passed the private-address guard when it was saved (perhaps by a site administrator)."""
    if provider.kind not in ProviderKind.values:
        raise ValidationError({"kind": f"Unknown provider kind {provider.kind!r}."})
    provider.name = provider.name.strip()
    if not provider.name:
        raise ValidationError({"name": "A provider needs a name."})
    provider.slug = slugify(provider.slug or provider.name)[:64]
    if not provider.slug:
        raise ValidationError({"slug": "Enter a slug of letters, digits and dashes."})
    default_url = DEFAULT_BASE_URLS.get(provider.kind, "")
    if not provider.base_url or provider.base_url.rstrip("/") == default_url:
        provider.base_url = default_url
        allow_internal = True  # the kind's own default, chosen by the hub
    elif approved_url and provider.base_url.strip().rstrip("/") == approved_url:
        allow_internal = True  # unchanged: sync and calls already go there
    else:
        allow_internal = bool(actor.user.is_staff)
    if not provider.base_url:
        raise ValidationError({"base_url": "This kind of provider needs a base URL."})
    provider.base_url = base_url_validate(provider.base_url, allow_internal=allow_internal)
    if provider.credential is not None:
        if provider.credential.workspace_id != actor.workspace.pk:
            raise ValidationError({"credential": "Unknown credential."})
        if provider.credential.provider_kind != provider.kind:
            raise ValidationError(
                {"credential": "That credential is for another kind of provider."}
            )
    if not isinstance(provider.options, dict):
        raise ValidationError({"options": "Options must be a JSON object."})


def _save_provider(provider: Provider) -> Provider:
    try:
        with transaction.atomic():
            provider.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": f"A provider with slug {provider.slug!r} already exists."}
        ) from None
    warm_up_for(provider)
    return provider


KEY_AND_CREDENTIAL = "Choose a saved credential or type a new API key, not both."


def provider_create(*, actor: Actor, api_key: str = "", **fields: Any) -> Provider:
    """A new provider; a typed ``api_key`` becomes its own encrypted credential, named after
    the provider, in the same transaction (a failed save leaves no stray credential)."""
    _require_manage(actor)
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"unknown provider fields: {sorted(unknown)}")
    api_key = api_key.strip()
    if api_key and fields.get("credential") is not None:
        raise ValidationError({"api_key": KEY_AND_CREDENTIAL})
    provider = Provider(workspace=actor.workspace, **fields)
    _clean_provider(actor, provider)
    with transaction.atomic():
        if api_key:
            provider.credential = credential_create(
                actor=actor,
                provider_kind=provider.kind,
                name=_free_credential_name(actor, provider.name),
                secret=api_key,
            )
        return _save_provider(provider)


def _free_credential_name(actor: Actor, wanted: str) -> str:
    """``wanted``, or ``wanted 2``, ``wanted 3``… when the workspace already has that name."""
    wanted = wanted[:110]
    taken = set(
        Credential.objects.for_workspace(actor.workspace)
        .filter(name__startswith=wanted)
        .values_list("name", flat=True)
    )
    name, number = wanted, 1
    while name in taken:
        number += 1
        name = f"{wanted} {number}"
    return name


def provider_update(*, actor: Actor, provider: Provider, **fields: Any) -> Provider:
    _require_manage(actor)
    approved_url = provider.base_url
    for name, value in fields.items():
        if name not in PROVIDER_FIELDS:
            raise TypeError(f"unknown provider field: {name}")
        setattr(provider, name, value)
    _clean_provider(actor, provider, approved_url=approved_url)
    return _save_provider(provider)


def provider_delete(*, actor: Actor, provider: Provider) -> None:
    _require_manage(actor)
    provider.delete()


def credential_create(
    *, actor: Actor, provider_kind: str, name: str, secret: str, organization: str = ""
) -> Credential:
    _require_manage(actor)
    if provider_kind not in ProviderKind.values:
        raise ValidationError({"provider_kind": f"Unknown provider kind {provider_kind!r}."})
    name, secret = name.strip(), secret.strip()
    if not name:
        raise ValidationError({"name": "A credential needs a name."})
    if not secret:
        raise ValidationError({"secret": "Enter the secret."})
    if Credential.objects.for_workspace(actor.workspace).filter(name=name).exists():
        raise ValidationError({"name": f"A credential named {name!r} already exists."})
    credential = Credential(
        workspace=actor.workspace,
        provider_kind=provider_kind,
        name=name,
        organization=organization.strip(),
    )
    credential.set_secret(secret)
    credential.save()
    return credential


def credential_update(
    *,
    actor: Actor,
    credential: Credential,
    name: str | None = None,
    organization: str | None = None,
    secret: str | None = None,
) -> Credential:
    """Rename, change the organisation or rotate the secret (a blank secret keeps the old one)."""
    _require_manage(actor)
    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": "A credential needs a name."})
        clash = Credential.objects.for_workspace(actor.workspace).filter(name=name)
        if clash.exclude(pk=credential.pk).exists():
            raise ValidationError({"name": f"A credential named {name!r} already exists."})
        credential.name = name
    if organization is not None:
        credential.organization = organization.strip()
    if secret is not None and secret.strip():
        credential.set_secret(secret.strip())
        credential.rotated_at = timezone.now()
    credential.save()
    return credential


def credential_delete(*, actor: Actor, credential: Credential) -> None:
    _require_manage(actor)
    credential.delete()


def provider_sync_models(
    *, actor: Actor, provider: Provider, time_limit_s: float | None = None
) -> SyncResult:
    """Refresh the provider's catalog now; raises UpstreamError when the provider fails."""

    _require_manage(actor)
    return sync_models(provider, time_limit_s=time_limit_s)


CONNECTION_TEST_TIME_LIMIT_S = 6.0
REASON_LIMIT = 200


@dataclass(frozen=True)
class ConnectionReport:
    """What Test connection found: the models listed, or the failure's status and reason."""

    ok: bool
    model_count: int = 0
    status: int | None = None
    reason: str = ""


def provider_connection_test(
    *,
    actor: Actor,
    kind: str,
    base_url: str = "",
    credential: Credential | None = None,
    api_key: str = "",
    provider: Provider | None = None,
) -> ConnectionReport:
    """Ask an unsaved provider's endpoint for its model list, with the typed key or the chosen
    credential. The endpoint passes the same checks as a save (of ``provider``, when the
    test is of one being edited), the private-address guard included; raises ValidationError
    when it does not. The key is used for this one request."""
    _require_manage(actor)
    api_key = api_key.strip()
    if api_key and credential is not None:
        raise ValidationError({"api_key": KEY_AND_CREDENTIAL})
    draft = Provider(
        workspace=actor.workspace,
        kind=kind,
        name=kind,
        slug="connection-test",
        base_url=base_url,
        credential=credential,
    )
    approved_url = ""
    if provider is not None and provider.workspace_id == actor.workspace.pk:
        approved_url = provider.base_url
    _clean_provider(actor, draft, approved_url=approved_url)
    try:
        target = target_for(draft)
    except SecretUnreadable:
        return ConnectionReport(ok=False, reason="The credential cannot be decrypted.")
    if api_key:
        target = replace(target, api_key=api_key)
    try:
        listed = async_to_sync(models_list)(target, time_limit_s=CONNECTION_TEST_TIME_LIMIT_S)
    except UpstreamError as error:
        return ConnectionReport(ok=False, status=error.status, reason=error.message[:REASON_LIMIT])
    return ConnectionReport(ok=True, model_count=len(listed))


CREDENTIAL_USE_RESOLUTION = timedelta(minutes=1)


def credentials_mark_used(*, provider_ids: Collection[int]) -> None:
    """Stamp ``last_used_at`` on the credentials of providers that just served calls; a
    credential stamped within the last minute is left alone, so under load this is one
    cheap UPDATE per usage batch (the usage writer calls it, off the request path)."""
    if not provider_ids:
        return
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - CREDENTIAL_USE_RESOLUTION)
    Credential.objects.filter(stale, providers__in=provider_ids).update(last_used_at=now)
