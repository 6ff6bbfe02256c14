"""The leaderboard from real verdicts: a suite's pairwise judge run over two models of the
simulated provider (a "terse" one says three words), and playground votes; ranked by
Bradley-Terry on the page and over REST, with and without style control."""

from __future__ import annotations

import pytest

from hub.evals.leaderboard import leaderboard, vote_duels
from hub.evals.models import JudgedPair, Run
from hub.evals.services import SuiteFields, run_start, suite_update
from hub.evals.statistics import Duel, bradley_terry
from hub.workbench.models import GenerationStatus, PlaygroundRun, PlaygroundSlot, Vote, VoteKind
from providers.models import ProviderModel
from tests.factories import owner_actor
from tests.hub.evals.test_runs import suite_of
from tests.live_hub import PRICES

CASES = b"_key,question\n" + b"".join(
    b"c%d,Where is my refund window number %d?\n" % (n, n) for n in range(4)
)


@pytest.fixture
def judged(gateway):
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name="terse", **PRICES
    )
    actor, suite = suite_of(gateway.workspace, models=("sim/echo", "sim/terse"), cases=CASES)
    suite_update(
        actor=actor,
        suite=suite,
        fields=SuiteFields(
            name=suite.name, model_names=suite.model_names,
            pairwise={"model": "sim/echo", "rubric": "Mentions the refund window"},
        ),
    )  # fmt: skip
    return run_start(actor=actor, suite=suite)


def test_a_run_judges_every_pair_of_models_in_both_orders(gateway, judged):
    pairs = list(JudgedPair.objects.filter(run=judged))
    assert len(pairs) == 4  # one pair of models, four cases
    # "You said: Where is my refund window…" against "You said: Where": the full answer wins.
    assert {(p.first_model, p.second_model, p.outcome) for p in pairs} == {
        ("sim/echo", "sim/terse", "first")
    }
    assert all(len(p.reasons) == 2 for p in pairs) and pairs[0].first_chars > pairs[0].second_chars
    assert Run.objects.get(pk=judged.pk).status == "done"


def test_votes_become_duels(gateway):
    owner = gateway.workspace.memberships.get(role="owner").user
    run = PlaygroundRun.objects.create(workspace=gateway.workspace, user=owner, prompt="Hi")
    slots = [
        PlaygroundSlot.objects.create(run=run, position=n, model=m, output=o,
                                      status=GenerationStatus.COMPLETE)
        for n, (m, o) in enumerate([("a/x", "long answer"), ("b/y", "short"), ("c/z", "mid")])
    ]  # fmt: skip
    vote = Vote.objects.create(run=run, kind=VoteKind.BEST)
    vote.winners.set([slots[0]])
    tie_run = PlaygroundRun.objects.create(workspace=gateway.workspace, user=owner, prompt="Yo")
    for n, model in enumerate(["a/x", "b/y"]):
        PlaygroundSlot.objects.create(run=tie_run, position=n, model=model,
                                      status=GenerationStatus.COMPLETE)  # fmt: skip
    Vote.objects.create(run=tie_run, kind=VoteKind.BOTH_BAD)
    duels = {(d.duel.first, d.duel.second, d.duel.outcome) for d in vote_duels(gateway.workspace)}
    assert duels == {
        ("a/x", "b/y", "first"), ("a/x", "c/z", "first"), ("b/y", "c/z", "tie"),
        ("a/x", "b/y", "tie"),
    }  # fmt: skip


def test_the_board_is_bradley_terry_over_both_sources(gateway, judged, signed_in):
    owner_client = signed_in(gateway.workspace.memberships.get(role="owner").user)
    board = leaderboard(gateway.workspace)
    expected = bradley_terry([Duel("sim/echo", "sim/terse", "first")] * 4)
    assert [(r.model, round(r.rating, 6)) for r in board.ratings] == [
        (r.model, round(r.rating, 6)) for r in expected
    ]
    assert board.by_source == {"votes": 0, "judges": 4}
    page = owner_client.get(f"/w/{gateway.workspace.slug}/evals/leaderboard/").content.decode()
    assert "sim/echo" in page and f"{expected[0].rating:.0f}" in page
    styled = owner_client.get(f"/w/{gateway.workspace.slug}/evals/leaderboard/?style=on")
    assert "data-style-effects" in styled.content.decode()


def test_the_leaderboard_over_rest(gateway, judged, session_client):
    owner = gateway.workspace.memberships.get(role="owner").user
    board = f"/api/workspaces/{gateway.workspace.slug}/eval-leaderboard/?source=judges"
    response = session_client(owner).get(board)
    assert response.status_code == 200, response.content
    data = response.json()
    assert [r["model"] for r in data["ratings"]] == ["sim/echo", "sim/terse"]
    assert data["duels"] == 4 and data["style_effects"] is None
    assert data["ratings"][0]["low"] <= data["ratings"][0]["rating"] <= data["ratings"][0]["high"]
    # Every win went to the longer answer: with style control, length takes the credit.
    styled = session_client(owner).get(board + "&style=true").json()
    assert styled["style_effects"]["length"] > 0


def test_a_pairwise_judge_is_checked_when_written(gateway):
    _, suite = suite_of(gateway.workspace)
    for pairwise in ({"model": "sim/echo"}, {"rubric": "x"}, {"model": "m", "rubric": "r", "x": 1}):
        with pytest.raises(Exception, match="pairwise"):
            suite_update(
                actor=owner_actor(gateway.workspace), suite=suite,
                fields=SuiteFields(name=suite.name, pairwise=pairwise),
            )  # fmt: skip
