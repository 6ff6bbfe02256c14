"""Grounding a request: sources numbered in the order given, inside the budget the model's
window leaves, the question kept, and another workspace's collections never searched."""

from __future__ import annotations

import pytest

from providers.models import ProviderModel
from rag import services
from rag.grounding import INSTRUCTIONS, context_budget, ground
from rag.services import CollectionFields
from tests.factories import actor_for, owner_actor
from tests.live_hub import wire_provider
from tests.rag.corpus import HANDBOOK, RECIPES

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def handbook(workspace):
    actor = owner_actor(workspace)
    wire_provider(workspace, slug="sim", base_url="http://127.0.0.1:9")  # never called here
    collection = services.collection_create(
        actor=actor,
        fields=CollectionFields(name="Handbook", chunk_max_tokens=40, chunk_overlap_tokens=0),
    )
    services.documents_add(
        actor=actor,
        collection=collection,
        uploads=[("a.md", HANDBOOK.encode()), ("b.md", RECIPES.encode())],
    )
    return collection


def test_sources_go_before_the_question_numbered_as_cited(workspace, handbook):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Who do I call about a lost laptop?"},
    ]
    grounding = ground(
        actor=owner_actor(workspace), collections=[handbook], messages=messages, models=["sim/echo"]
    )
    assert (
        messages[1]["content"] == "Who do I call about a lost laptop?"
    )  # the caller's list is untouched
    asked = grounding.messages[1]["content"]
    assert asked.startswith(INSTRUCTIONS) and asked.endswith(
        "Question: Who do I call about a lost laptop?"
    )
    assert grounding.messages[0] == messages[0]
    first = grounding.sources[0]
    assert first["number"] == 1 and "[1] a.md" in asked and "4444" in first["excerpt"]
    assert [s["number"] for s in grounding.sources] == list(range(1, len(grounding.sources) + 1))
    assert first["url"].endswith(f"?chunk={first['chunk_id']}#chunk-{first['chunk_id']}")


def test_a_small_window_gets_fewer_sources(workspace, handbook):
    provider = ProviderModel.objects.get(workspace=workspace, name="echo").provider
    ProviderModel.objects.create(
        workspace=workspace, provider=provider, name="tiny", context_window=1100
    )
    actor = owner_actor(workspace)
    question = [{"role": "user", "content": "travel expenses laptop sourdough hotel"}]
    wide = ground(
        actor=actor, collections=[handbook], messages=question, models=["sim/echo"], top_k=8
    )
    narrow = ground(
        actor=actor, collections=[handbook], messages=question, models=["sim/tiny"], top_k=8
    )
    assert narrow.budget_tokens == context_budget(
        actor=actor, model="sim/tiny", messages=question, max_tokens=None
    )
    assert narrow.budget_tokens < 100 and len(narrow.sources) < len(wide.sources)
    both = ground(
        actor=actor,
        collections=[handbook],
        messages=question,
        models=["sim/echo", "sim/tiny"],
        top_k=8,
    )
    assert both.budget_tokens == narrow.budget_tokens  # the playground fits its smallest window


def test_images_in_the_question_stay_where_they_were(workspace, handbook):
    parts = [
        {"type": "text", "text": "What is on this laptop?"},
        {"type": "image_url", "image_url": {"url": "data:,"}},
    ]
    grounding = ground(
        actor=owner_actor(workspace),
        collections=[handbook],
        messages=[{"role": "user", "content": parts}],
        models=["sim/echo"],
    )
    content = grounding.messages[0]["content"]
    assert (
        content[0]["type"] == "text" and "Sources:" in content[0]["text"] and content[1:] == parts
    )


def test_another_workspaces_collection_gives_no_sources(workspace, other_workspace, handbook):
    outsider = other_workspace.memberships.get(role="owner").user
    grounding = ground(
        actor=actor_for(outsider, other_workspace), collections=[handbook],
        messages=[{"role": "user", "content": "lost laptop"}], models=["x/y"],
    )  # fmt: skip
    assert grounding.sources == [] and grounding.messages[0]["content"] == "lost laptop"
