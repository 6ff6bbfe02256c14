"""The inference worker as a real process, called through the hub's /v1 with the openai SDK."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from providers.models import Provider, ProviderModel
from tests import factories
from tests.live_hub import recorded_usage

USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello world"}]


@pytest.fixture
def local(gateway, worker):
    provider = factories.make_provider(gateway.workspace, kind="local", slug="local")
    Provider.objects.filter(pk=provider.pk).update(base_url=worker.url)
    for name, embedding in (("tiny-F16", False), ("other-F16", False)):
        ProviderModel.objects.create(
            workspace=gateway.workspace, provider=provider, name=name, is_embedding=embedding
        )
    return gateway


def sdk(gateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.v1, api_key=gateway.key, max_retries=0, timeout=60)


def test_streaming_chat_through_the_hub(local):
    chunks = list(
        sdk(local).chat.completions.create(
            model="local/tiny-F16", messages=USER, max_tokens=8, stream=True,
            stream_options={"include_usage": True},
        )
    )  # fmt: skip
    assert any(c.choices and c.choices[0].delta.content for c in chunks)
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0
    [record] = recorded_usage(model="local/tiny-F16")
    assert record.status == "success" and not record.tokens_estimated


def test_complete_chat_and_embeddings(local):
    completion = sdk(local).chat.completions.create(
        model="local/tiny-F16", messages=USER, max_tokens=5
    )
    assert completion.choices[0].message.role == "assistant"
    assert completion.usage.completion_tokens > 0
    vectors = sdk(local).embeddings.create(model="local/other-F16", input=["a", "b"])
    assert len(vectors.data) == 2 and len(vectors.data[0].embedding) == 64


def test_concurrent_requests_queue_and_all_finish(local, worker):
    def one(_: int) -> str:
        return (
            sdk(local)
            .chat.completions.create(model="local/tiny-F16", messages=USER, max_tokens=16)
            .choices[0]
            .finish_reason
        )

    with ThreadPoolExecutor(4) as pool:
        reasons = list(pool.map(one, range(4)))
    assert len(reasons) == 4
    status = httpx.get(f"{worker.url}/system").json()
    tiny = next(m for m in status["loaded"] if m["id"] == "tiny-F16")
    assert tiny["queue_depth"] == 0 and tiny["in_flight"] == 0 and tiny["tokens_per_second"]


def test_an_unknown_local_model_is_a_clear_error(local):
    ProviderModel.objects.create(
        workspace=local.workspace, provider=Provider.objects.get(slug="local"), name="missing"
    )
    with pytest.raises(openai.NotFoundError) as caught:
        sdk(local).chat.completions.create(model="local/missing", messages=USER)
    assert "No local model 'missing'" in caught.value.message


def test_system_page_and_api(local, worker, client):
    owner = local.workspace.memberships.get(role="owner").user
    client.force_login(owner)
    provider = Provider.objects.get(slug="local")
    api = f"/api/workspaces/{local.workspace.slug}/providers/{provider.pk}/system/"
    loaded = client.post(
        api, {"action": "load", "model": "other-F16"}, content_type="application/json"
    )
    assert loaded.status_code == 200 and loaded.json()["id"] == "other-F16"
    status = client.get(api).json()
    assert any(m["id"] == "other-F16" for m in status["loaded"])
    page = client.get(f"/w/{local.workspace.slug}/providers/{provider.pk}/system/")
    assert (
        page.status_code == 200
        and b"other-F16" in page.content
        and b"broken-Q4_0.gguf" in page.content
    )
    assert (
        client.post(
            api, {"action": "explode", "model": "x"}, content_type="application/json"
        ).status_code
        == 400
    )


def test_a_file_dropped_into_the_folder_appears_after_a_rescan(tmp_path):
    from providers.local.tiny_model import write_tiny_llama
    from tests.providers.local.conftest import Worker

    fresh = Worker(tmp_path)
    try:
        assert httpx.get(f"{fresh.url}/models").json()["data"] == []
        write_tiny_llama(tmp_path / "dropped-F16.gguf", quantisation="F16")
        assert httpx.post(f"{fresh.url}/system/rescan", json={}).json()["models"] == 1
        assert [m["id"] for m in httpx.get(f"{fresh.url}/models").json()["data"]] == ["dropped-F16"]
    finally:
        fresh.stop()
