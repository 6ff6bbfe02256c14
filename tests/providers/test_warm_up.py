"""The first call to an Anthropic or Gemini provider after a web process starts is as quick
as the next ones: litellm and what it loads lazily are loaded at start-up (a first call took
4-5 s before, enough for a client with a short timeout to give up)."""

from __future__ import annotations

import time

import httpx
import pytest

from providers.models import Provider
from providers.warm_up import translated_adapters_in_use
from tests import factories
from tests.hub_processes import HubProcess, installation

FIRST_CALL_BUDGET_S = 1.5  # ~0.05 s warm; 4-5 s when litellm is imported on the first call
TRANSLATED = """
from providers.models import Provider, ProviderModel
from tests import factories
from tests.live_hub import PRICES
from workspaces.models import Workspace

workspace = Workspace.objects.get(slug={slug!r})
for kind in ("anthropic", "gemini"):
    provider = factories.make_provider(workspace, kind=kind, slug=kind)
    Provider.objects.filter(pk=provider.pk).update(base_url={url!r})
    ProviderModel.objects.create(workspace=workspace, provider=provider, name="echo", **PRICES)
"""


@pytest.mark.live_server
@pytest.mark.parametrize("kind", ["anthropic", "gemini"])
def test_the_first_translated_call_of_a_new_process_is_quick(tmp_path, simulator, kind):
    with installation(tmp_path, simulator.url) as site:
        site.manage("shell", "-c", TRANSLATED.format(slug=site.slug, url=simulator.url))
        hub = HubProcess(site.env).wait_started()
        try:
            with httpx.Client(base_url=hub.url, timeout=30) as client:
                body = {"model": f"{kind}/echo", "messages": [{"role": "user", "content": "Hi"}]}
                headers = {"Authorization": f"Bearer {site.key}"}
                # What every first call pays (a connection, the workspace's routing) is paid
                # here, through the fast path, so the one timed is the translated adapter's.
                warm = {**body, "model": "sim/echo"}
                assert client.post("/v1/chat/completions", json=warm, headers=headers).is_success
                started = time.perf_counter()
                response = client.post("/v1/chat/completions", json=body, headers=headers)
                first = time.perf_counter() - started
        finally:
            hub.stop()
    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "You said: Hi"
    assert first < FIRST_CALL_BUDGET_S, f"the first {kind} call took {first:.2f} s"


@pytest.mark.django_db
def test_only_an_installation_with_an_enabled_translated_provider_loads_them(workspace):
    """The others do not pay the 140 MiB and the seconds at every start."""
    factories.make_provider(workspace, kind="openai", slug="openai")
    assert not translated_adapters_in_use()
    anthropic = factories.make_provider(workspace, kind="anthropic", slug="anthropic")
    assert translated_adapters_in_use()
    Provider.objects.filter(pk=anthropic.pk).update(enabled=False)
    assert not translated_adapters_in_use()
