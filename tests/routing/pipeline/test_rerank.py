"""/v1/rerank and the in-hub ``rerank`` over real HTTP: the live hub in front of the simulated
provider, which scores documents by the share of the query's words they hold."""

from __future__ import annotations

import json

import httpx
import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.models import Provider, ProviderModel
from routing.models import ModelAlias
from routing.pipeline import rerank
from routing.pipeline.errors import ApiError
from tests import factories
from tests.live_hub import PRICES, recorded_usage

QUERY = "where do cats sleep"
DOCUMENTS = ["dogs bark loudly", "cats sleep all day", "where do cats nap"]
# The simulator counts the query's words once per document, plus each document's words.
TOKENS = 3 * 4 + 3 + 4 + 4


@pytest.fixture
def reranking(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="rerank-mini", **PRICES
    )
    return gateway


def post(gateway, body: dict | bytes, *, key: str | None = None) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{gateway.v1}/rerank",
        content=content,
        headers={"Authorization": f"Bearer {key or gateway.key}",
                 "Content-Type": "application/json"},
        timeout=30,
    )  # fmt: skip


def body(**changes) -> dict:
    return {"model": "sim/rerank-mini", "query": QUERY, "documents": DOCUMENTS, **changes}


def test_results_come_best_first_cut_to_top_n_with_their_documents(reranking):
    response = post(reranking, body(top_n=2, return_documents=True))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["results"] == [
        {"index": 2, "relevance_score": 0.75, "document": {"text": "where do cats nap"}},
        {"index": 1, "relevance_score": 0.5, "document": {"text": "cats sleep all day"}},
    ]
    assert answer["usage"] == {"total_tokens": TOKENS}
    assert answer["model"] == "rerank-mini" and answer["id"]
    assert answer["meta"]["api_version"] == {"version": "2"}
    assert response.headers["x-hub-provider"] == "sim"
    assert response.headers["x-hub-model"] == "rerank-mini"


def test_documents_stay_out_unless_asked_for_and_objects_with_text_are_read(reranking):
    documents = [{"text": text} for text in DOCUMENTS]
    results = post(reranking, body(documents=documents)).json()["results"]
    assert [r["index"] for r in results] == [2, 1, 0]
    assert all("document" not in r for r in results)
    assert results[-1]["relevance_score"] == 0.0


def test_a_rerank_is_recorded_with_the_provider_tokens_and_their_cost(reranking):
    response = post(reranking, body())
    [record] = recorded_usage(request_id=response.headers["x-hub-request-id"])
    assert (record.endpoint, record.source, record.status) == ("rerank", "api", "success")
    assert record.model == "sim/rerank-mini" and record.upstream_model == "rerank-mini"
    assert record.input_tokens == TOKENS and record.output_tokens == 0
    assert not record.tokens_estimated
    assert float(record.cost_usd) == pytest.approx(TOKENS * 2 / 1_000_000)
    assert response.headers["x-hub-cost-usd"] == f"{record.cost_usd:f}"


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"query": None}, "query"),
        ({"query": ""}, "query"),
        ({"query": ["cats"]}, "query"),
        ({"documents": []}, "documents"),
        ({"documents": "cats sleep"}, "documents"),
        ({"documents": ["a"] * 1001}, "documents"),
        ({"documents": [1, 2]}, "documents[0]"),
        ({"documents": ["fine", {"text": 5}]}, "documents[1]"),
        ({"top_n": 0}, "top_n"),
        ({"top_n": "3"}, "top_n"),
        ({"top_n": True}, "top_n"),
        ({"return_documents": "yes"}, "return_documents"),
        ({"model": None}, "model"),
        ({"model": 7}, "model"),
    ],
)  # fmt: skip
def test_bad_bodies_are_400_naming_the_field(reranking, changes, param):
    sent = {k: v for k, v in body(**changes).items() if v is not None}
    response = post(reranking, sent)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == param and error["type"] == "invalid_request_error"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
document = st.text(max_size=12) | st.fixed_dictionaries({"text": json_values}) | json_values
generated = st.fixed_dictionaries(
    {"model": st.sampled_from(["sim/rerank-mini", "sim/echo", "nope"]) | json_values},
    optional={"query": st.text(max_size=12) | json_values,
              "documents": st.lists(document, max_size=4) | json_values,
              "top_n": st.integers(-1, 5) | json_values, "return_documents": json_values},
)  # fmt: skip


def test_generated_bodies_are_answered_or_refused_never_a_server_error(reranking):
    with httpx.Client() as client:

        @settings(
            max_examples=80, deadline=None, derandomize=True, database=None,
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(generated)
        def check(sent: dict) -> None:
            response = client.post(
                f"{reranking.v1}/rerank", json=sent,
                headers={"Authorization": f"Bearer {reranking.key}"}, timeout=30,
            )  # fmt: skip
            assert response.status_code < 500, (sent, response.text[:300])
            if response.status_code >= 400:
                assert response.json()["error"]["message"]
            else:
                assert isinstance(response.json()["results"], list)

        check()


def test_a_body_that_is_not_json_is_400(reranking):
    response = post(reranking, b"{oops")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("model", ["sim/none", "other/rerank-mini", "no-such-alias"])
def test_an_unknown_model_is_404_model_not_found(reranking, model):
    response = post(reranking, body(model=model))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"


def test_get_is_405_with_allow(reranking):
    response = httpx.get(
        f"{reranking.v1}/rerank", headers={"Authorization": f"Bearer {reranking.key}"}
    )
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_an_alias_falls_back_to_the_next_deployment_on_a_5xx(reranking):
    ModelAlias.objects.create(
        workspace=reranking.workspace, name="ranker", strategy="ordered",
        candidates=[{"model": "sim/fault-500"}, {"model": "sim/rerank-mini"}],
    )  # fmt: skip
    response = post(reranking, body(model="ranker", top_n=1))
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["index"] == 2
    assert response.headers["x-hub-model"] == "rerank-mini"
    [record] = recorded_usage(model="ranker")
    assert record.attempts[0]["error_class"] == "http_500"
    assert record.attempts[-1]["model"] == "rerank-mini" and record.status == "success"


def test_the_in_hub_rerank_is_recorded_as_rag(reranking):
    owner = reranking.workspace.memberships.get(role="owner").user
    actor = factories.actor_for(owner, reranking.workspace)
    answer = async_to_sync(rerank)(actor=actor, body=body(top_n=1))
    assert [r["index"] for r in answer["results"]] == [2]
    [record] = recorded_usage(endpoint="rerank")
    assert (record.source, record.api_key_id, record.user_id) == ("rag", None, owner.pk)
    assert record.input_tokens == TOKENS


def test_the_in_hub_rerank_raises_api_error_for_a_bad_body(reranking):
    actor = factories.actor_for(
        reranking.workspace.memberships.get(role="owner").user, reranking.workspace
    )
    with pytest.raises(ApiError) as caught:
        async_to_sync(rerank)(actor=actor, body=body(documents=[]))
    assert caught.value.status == 400 and caught.value.param == "documents"


def kind_provider(gateway, simulator, kind: str) -> None:
    credential = factories.make_credential(gateway.workspace, kind=kind, secret="sk-kind-0123456")
    provider = factories.make_provider(
        gateway.workspace, kind=kind, slug=kind, credential=credential
    )
    Provider.objects.filter(pk=provider.pk).update(base_url=simulator.url)
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=provider, name="rerank-mini", **PRICES
    )


def test_cohere_reranks_through_litellm_with_estimated_tokens(gateway, simulator):
    """Cohere's v2 answer counts search units, not tokens: the hub estimates them."""
    kind_provider(gateway, simulator, "cohere")
    response = post(gateway, body(model="cohere/rerank-mini", return_documents=True))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert [r["index"] for r in answer["results"]] == [2, 1, 0]
    assert answer["results"][0]["document"] == {"text": "where do cats nap"}
    assert answer["meta"]["billed_units"] == {"search_units": 1}
    [record] = recorded_usage(model="cohere/rerank-mini")
    assert record.status == "success" and record.tokens_estimated
    assert record.input_tokens == answer["usage"]["total_tokens"] > 0


def test_a_provider_that_cannot_rerank_is_a_400_naming_it(gateway, simulator):
    kind_provider(gateway, simulator, "anthropic")
    response = post(gateway, body(model="anthropic/rerank-mini"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "upstream_rejected_request" and "no reranking" in error["message"]
