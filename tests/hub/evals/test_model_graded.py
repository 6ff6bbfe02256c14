"""Assertions that ask a model, for real: the simulated provider judges (deterministically:
a grade is the share of the rubric's words the answer holds) and embeds; the bundled
all-MiniLM-L6-v2 measures similarity when no model is named."""

from __future__ import annotations

import math

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError

from hub.evals.assertions import assertion_parse
from hub.evals.model_graded import judge_pair, similarity
from hub.evals.models import Cell, Judgement, Run
from hub.evals.services import SuiteFields, suite_update
from hub.evals.services import run_start as start
from providers.models import ProviderModel
from providers.simulator.content import embedding
from tests.factories import owner_actor
from tests.hub.evals.test_runs import suite_of
from tests.live_hub import PRICES, recorded_usage

JUDGE = {"type": "judge", "model": "sim/echo", "value": "Mentions the refund window",
         "threshold": 0.3}  # fmt: skip


def with_assertions(suite, assertions):
    actor = owner_actor(suite.workspace)
    fields = SuiteFields(
        name=suite.name, model_names=suite.model_names, repeats=suite.repeats,
        assertions=assertions,
    )  # fmt: skip
    return suite_update(actor=actor, suite=suite, fields=fields)


def test_a_judge_grades_each_answer_once_and_its_verdict_is_kept(gateway):
    actor, suite = suite_of(gateway.workspace)
    with_assertions(suite, [JUDGE])
    run = start(actor=actor, suite=suite)
    cells = {c.case_key: c for c in Cell.objects.filter(run=run)}
    refund = cells["refund"].verdicts[0]
    # "You said: Where is my refund?" holds 1 of the rubric's 3 words: mentions, refund, window.
    assert refund["graded"] == pytest.approx(1 / 3, abs=1e-3) and refund["passed"] is True
    assert "matched 1 of 3 rubric words" in refund["reason"]
    assert cells["tea"].verdicts[0]["graded"] == 0 and cells["tea"].passed is False
    assert cells["refund"].score == pytest.approx(1 / 3, abs=1e-3)  # the graded score counts
    assert Judgement.objects.filter(workspace=gateway.workspace).count() == 3
    calls = len(recorded_usage(source="eval"))
    assert calls == 6  # three answers, three gradings
    again = start(actor=actor, suite=suite, use_cache=False)
    assert len(recorded_usage(source="eval")) == calls + 3  # answers called, judges kept
    assert Cell.objects.filter(run=again, passed=True).count() == 1


def test_a_failing_judge_fails_its_assertion_not_the_run(gateway):
    actor, suite = suite_of(gateway.workspace)
    with_assertions(suite, [{**JUDGE, "model": "sim/fault-500"}])
    run = start(actor=actor, suite=suite)
    cell = Cell.objects.filter(run=run).first()
    assert cell.status == "done" and cell.passed is False and cell.verdicts[0]["reason"]
    assert Run.objects.get(pk=run.pk).status == "done"


def test_similarity_through_an_embedding_model_of_the_workspace(gateway):
    actor = owner_actor(gateway.workspace)
    measured = async_to_sync(similarity)(actor, "sim/embed", "You said: hello", "hello there")
    a, b = embedding("You said: hello"), embedding("hello there")
    expected = sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(
        sum(x * x for x in a) * sum(y * y for y in b)
    )
    assert measured == pytest.approx(expected, abs=1e-4)
    assert recorded_usage(source="eval")[0].model == "sim/embed"


def test_similarity_with_the_bundled_model_tells_meaning_apart(gateway):
    actor = owner_actor(gateway.workspace)
    close = async_to_sync(similarity)(actor, "", "Your refund arrives in 5 days.",
                                      "The money comes back within five days.")  # fmt: skip
    far = async_to_sync(similarity)(actor, "", "Your refund arrives in 5 days.",
                                    "Sourdough needs a long, slow rise.")  # fmt: skip
    assert close > 0.5 > far


def test_a_pair_is_judged_both_ways_so_position_bias_cancels(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="judge-biased", **PRICES
    )
    actor = owner_actor(gateway.workspace)
    rubric = "Mentions the refund window of five days"
    good, poor = "The refund window is five days.", "Please wait."
    fair = async_to_sync(judge_pair)(actor, "sim/echo", rubric, question="When?", first=poor,
                                     second=good)  # fmt: skip
    assert fair.outcome == "second"
    biased = async_to_sync(judge_pair)(actor, "sim/judge-biased", rubric, question="When?",
                                       first=poor, second=good)  # fmt: skip
    assert biased.outcome == "tie"  # it always says "A": the swapped order disagrees


def test_model_graded_assertions_are_checked_when_written():
    for raw, message in (
        ({"type": "judge", "value": "Be kind"}, "model must name the judge model"),
        ({"type": "judge", "model": "m", "value": ""}, "value must be the rubric"),
        (
            {"type": "similar", "value": "x", "threshold": 1.5},
            "threshold must be a number from 0 to 1",
        ),
        ({"type": "similar", "value": 3}, "value must be the expected text"),
    ):
        with pytest.raises(ValidationError) as refused:
            assertion_parse(raw)
        assert message in refused.value.messages[0], raw
    assert assertion_parse({"type": "similar", "value": "x"}).threshold == 0.8
