"""Which adapter serves which provider kind, and the Target a provider's model is called at."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from providers.adapters.base import ProviderAdapter, Target
from providers.adapters.openai_compatible import OpenAICompatibleAdapter
from providers.adapters.translated import ROUTES, TranslatedAdapter
from providers.kinds import DEFAULT_BASE_URLS, ProviderKind

if TYPE_CHECKING:
    from providers.models import Provider, ProviderModel

# The simulator serves several wire formats under one address; its OpenAI API lives at /v1.
API_ROOT_SUFFIX: dict[str, str] = {ProviderKind.SIMULATED: "/v1"}


@functools.cache
def _fast_path() -> OpenAICompatibleAdapter:
    return OpenAICompatibleAdapter()  # one pooled client set shared by every OpenAI-style kind


@functools.cache
def _translated(kind: str) -> TranslatedAdapter:
    return TranslatedAdapter(kind)


def adapter_for(kind: str) -> ProviderAdapter:
    """Long-lived, shared adapter instances: their connection pools survive across calls."""
    if kind in ROUTES:
        return _translated(kind)
    return _fast_path()


def api_root(provider: Provider) -> str:
    base = (provider.base_url or DEFAULT_BASE_URLS.get(provider.kind, "")).rstrip("/")
    return base + API_ROOT_SUFFIX.get(provider.kind, "")


def target_for(provider: Provider, entry: ProviderModel | None = None) -> Target:
    """Where and how to call ``entry`` (or just the provider, for listing and health checks).

    Decrypts the credential: the Target lives in process memory only, never in a shared cache.
    """
    credential = provider.credential
    return Target(
        provider_id=provider.pk,
        provider_slug=provider.slug,
        kind=provider.kind,
        base_url=api_root(provider),
        model=entry.name if entry is not None else "",
        api_key=credential.reveal_secret() if credential is not None else "",
        organization=credential.organization if credential is not None else "",
        options=dict(provider.options or {}),
    )
