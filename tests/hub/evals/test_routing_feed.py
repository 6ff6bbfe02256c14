"""A suite that feeds routing: its finished run becomes the models' quality scores, which the
quality strategy routes by instead of hand-set numbers, saying so in x-hub-route-reason;
scores measured on a task tag win for calls with that tag. Through the live hub."""

from __future__ import annotations

import httpx
import pytest

from hub.evals.services import SuiteFields, run_start, suite_update
from providers.models import ProviderModel
from routing.models import ModelAlias, QualityScore
from tests.hub.evals.test_runs import suite_of
from tests.live_hub import PRICES

# "terse" says three words ("You said: Where"): it fails every case that needs more.
CASES = (
    b"_key,question,expected,_tags\n"
    b"r1,Where is my refund?,refund,billing\n"
    b"r2,Where is my invoice?,invoice,billing\n"
    b"g1,Hello,hello,greeting\n"
    b"g2,Hi,hi,greeting\n"
)


@pytest.fixture
def fed(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="terse", **PRICES
    )
    actor, suite = suite_of(gateway.workspace, models=("sim/echo", "sim/terse"), cases=CASES)
    suite = suite_update(
        actor=actor, suite=suite,
        fields=SuiteFields(name="support-replies", model_names=suite.model_names,
                           assertions=suite.assertions, feeds_routing=True),
    )  # fmt: skip
    run_start(actor=actor, suite=suite)
    return gateway


def call(gateway, model: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{gateway.v1}/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "route me"}]},
        headers={"Authorization": f"Bearer {gateway.key}", **headers},
        timeout=30,
    )


def test_measured_quality_beats_hand_set_quality_and_says_where_it_came_from(fed, signed_in):
    owner = fed.workspace.memberships.get(role="owner").user
    scores = {(q.model, q.task): q for q in QualityScore.objects.filter(workspace=fed.workspace)}
    # terse passes "Hello" and "Hi" (three words hold them), not the billing cases.
    assert scores["sim/echo", ""].score == 1.0 and scores["sim/terse", ""].score == 0.5
    assert scores["sim/terse", "billing"].score == 0.0
    assert scores["sim/terse", "greeting"].score == 1.0
    assert scores["sim/echo", ""].margin == pytest.approx((1 - 0.5101) / 2, abs=1e-3)  # Wilson, 4/4
    ModelAlias.objects.create(
        workspace=fed.workspace, name="support", strategy="quality",
        candidates=[{"model": "sim/terse", "quality": 0.99}, {"model": "sim/echo", "quality": 0.1}],
    )  # fmt: skip
    page = signed_in(owner).get(f"/w/{fed.workspace.slug}/routing/").content.decode()
    assert "Measured quality" in page and "run #1 of " in page and "0.50 ± 0.35" in page
    response = call(fed, "support")
    assert response.status_code == 200, response.text
    assert response.headers["x-hub-model"] == "echo"
    assert response.headers["x-hub-route-reason"] == (
        "highest quality on suite 'support-replies' (1.00 ± 0.24)"
    )


def test_a_task_tag_routes_by_the_score_measured_on_it(fed):
    ModelAlias.objects.create(
        workspace=fed.workspace, name="support", strategy="quality",
        candidates=[{"model": "sim/terse"}, {"model": "sim/echo"}],
    )  # fmt: skip
    greeting = call(fed, "support", **{"x-hub-task": "greeting"})
    # Both score 1.00 on greetings: the tie keeps the configured order.
    assert greeting.headers["x-hub-model"] == "terse"
    billing = call(fed, "support", **{"x-hub-task": "billing"})
    assert billing.headers["x-hub-model"] == "echo"
    assert "on suite 'support-replies' (1.00" in billing.headers["x-hub-route-reason"]
