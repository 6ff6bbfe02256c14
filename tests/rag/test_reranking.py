"""Reranking search results: a local cross-encoder (a random-weight one built from the
bundled model's files) and a workspace rerank model through the pipeline (the simulated
provider's /v1/rerank over loopback, recorded as usage with source rag)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from sentence_transformers import CrossEncoder

from analytics.models import UsageRecord, UsageSource
from analytics.recorder import usage_recorder
from providers.models import ProviderModel
from rag import services
from rag.models import CROSS_ENCODER
from rag.retrieval import retrieve
from rag.services import CollectionFields
from tests.factories import owner_actor
from tests.live_hub import wire_provider
from tests.rag.corpus import HANDBOOK, RECIPES
from tests.rag.models import random_cross_encoder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def cross_encoder_dir(tmp_path_factory):
    return random_cross_encoder(tmp_path_factory.mktemp("cross-encoder"))


def filled(actor, **fields):
    collection = services.collection_create(
        actor=actor, fields=CollectionFields(name="Docs", **fields)
    )
    services.documents_add(
        actor=actor,
        collection=collection,
        uploads=[("a.md", HANDBOOK.encode()), ("b.md", RECIPES.encode())],
    )
    return collection


def test_a_local_cross_encoder_orders_the_results_by_its_scores(workspace, cross_encoder_dir):
    actor = owner_actor(workspace)
    with override_settings(HUB_RAG_CROSS_ENCODER=str(cross_encoder_dir)):
        collection = filled(actor, reranker=CROSS_ENCODER)
        hits = retrieve(actor=actor, collections=[collection], query="hotel receipts", top_k=3)
        plain = retrieve(
            actor=actor, collections=[collection], query="hotel receipts", top_k=3, rerank=False
        )
    model = CrossEncoder(str(cross_encoder_dir), device="cpu")
    expected = model.predict([("hotel receipts", hit.chunk.text) for hit in hits])
    assert [hit.scores.rerank_score for hit in hits] == pytest.approx(
        [float(s) for s in expected], rel=1e-4
    )
    assert [h.scores.rerank_score for h in hits] == sorted(
        (h.scores.rerank_score for h in hits), reverse=True
    )
    assert all(hit.scores.rerank_score is None for hit in plain)


def test_without_a_configured_cross_encoder_it_cannot_be_chosen(workspace):
    actor = owner_actor(workspace)
    with override_settings(HUB_RAG_CROSS_ENCODER=""), pytest.raises(Exception, match="reranker"):
        services.collection_create(
            actor=actor, fields=CollectionFields(name="X", reranker=CROSS_ENCODER)
        )


def test_a_workspace_rerank_model_reranks_through_the_pipeline(workspace, simulator):
    provider = wire_provider(workspace, slug="sim", base_url=simulator.url)
    ProviderModel.objects.get_or_create(
        workspace=workspace, provider=provider, name="rerank-mini", defaults={"is_rerank": True}
    )
    actor = owner_actor(workspace)
    collection = filled(actor, reranker="sim/rerank-mini")
    hits = retrieve(
        actor=actor, collections=[collection], query="lost laptop phone extension", top_k=2
    )
    assert "extension 4444" in hits[0].chunk.text
    # The simulator scores the share of the query's words a text holds.
    assert hits[0].scores.rerank_score == pytest.approx(1.0)
    usage_recorder.flush(timeout=10)
    record = UsageRecord.objects.get(endpoint="rerank")
    assert record.source == UsageSource.RAG and record.model == "sim/rerank-mini"
