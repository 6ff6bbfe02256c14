"""``/v1/chat/completions``' ``hub`` extension through the official openai SDK against the
live hub: the answer grounded in a collection says which chunks it was given, streamed or
not; another workspace's collection is as unknown as a missing one."""

from __future__ import annotations

import openai
import pytest

from rag import services
from rag.services import CollectionFields
from tests import factories
from tests.rag.corpus import HANDBOOK

QUESTION = [{"role": "user", "content": "Who do I call about a lost laptop?"}]


def client(gateway) -> openai.OpenAI:
    return openai.OpenAI(base_url=gateway.v1, api_key=gateway.key, max_retries=0, timeout=30)


def handbook_in(workspace, name="handbook"):
    actor = factories.owner_actor(workspace)
    collection = services.collection_create(actor=actor, fields=CollectionFields(name=name))
    services.documents_add(
        actor=actor, collection=collection, uploads=[("handbook.md", HANDBOOK.encode())]
    )
    return collection


def test_a_grounded_completion_lists_the_sources_it_was_given(gateway):
    handbook_in(gateway.workspace)
    completion = client(gateway).chat.completions.create(
        model="sim/echo",
        messages=QUESTION,
        extra_body={"hub": {"collections": ["handbook"], "top_k": 2}},
    )
    hub = completion.model_extra["hub"]
    assert hub["collections"] == ["handbook"] and 1 <= len(hub["sources"]) <= 2
    assert hub["sources"][0]["document"] == "handbook.md" and "4444" in hub["sources"][0]["excerpt"]
    assert "[1] handbook.md" in completion.choices[0].message.content  # echo repeats its prompt


def test_a_grounded_stream_carries_the_sources_in_its_first_chunk(gateway):
    handbook_in(gateway.workspace)
    stream = client(gateway).chat.completions.create(
        model="sim/echo",
        messages=QUESTION,
        stream=True,
        extra_body={"hub": {"collections": ["handbook"]}},
    )
    chunks = list(stream)
    assert chunks[0].choices == [] and chunks[0].model_extra["hub"]["sources"]
    text = "".join(c.choices[0].delta.content or "" for c in chunks[1:] if c.choices)
    assert "Sources:" in text


def test_unknown_or_foreign_collections_are_404_and_bad_options_400(gateway, other_workspace):
    handbook_in(other_workspace, name="theirs")
    sdk = client(gateway)
    for name in ("theirs", "nowhere"):
        with pytest.raises(openai.NotFoundError) as missing:
            sdk.chat.completions.create(
                model="sim/echo", messages=QUESTION, extra_body={"hub": {"collections": [name]}}
            )
        assert missing.value.status_code == 404
        assert missing.value.body["param"] == "hub.collections"
    for options, param in (
        ({"collections": []}, "hub.collections"),
        ({"collections": ["x"], "top_k": 0}, "hub.top_k"),
        ("x", "hub"),
    ):
        with pytest.raises(openai.BadRequestError) as bad:
            sdk.chat.completions.create(
                model="sim/echo", messages=QUESTION, extra_body={"hub": options}
            )
        assert bad.value.body["param"] == param
