"""The message tree, what the model is sent, forks, playground runs and votes."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from hub.workbench import selectors, services
from hub.workbench.models import GenerationStatus, MessageRole, VoteKind
from tests import factories
from tests.hub.workbench.rows import MODEL, answer_finish, conversation_make, playground_run_make

pytestmark = pytest.mark.django_db


def test_edits_and_regenerations_are_siblings_and_the_branch_follows_the_leaf(workspace, owner):
    conversation = conversation_make(workspace, owner, turns=("one", "two"))
    first_prompt = conversation.messages.get(content="one")
    second_prompt = conversation.messages.get(content="two")
    conversation.system_prompt = "Be terse."

    # Regenerate the first answer: a sibling under the first prompt, now the active leaf.
    again = services.answer_start(conversation=conversation, prompt=first_prompt, model=MODEL)
    answer_finish(again, "Another take")
    assert again.parent == first_prompt and conversation.active_leaf == again
    messages = services.chat_messages(conversation=conversation, until=first_prompt)
    assert messages == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "one"},
    ]

    # Edit the second prompt: a sibling under the first answer; the model sees that branch only.
    first_answer = second_prompt.parent
    edited, answer = services.turn_start(
        conversation=conversation, parent=first_answer, content="two, edited", model=MODEL
    )
    assert edited.parent == second_prompt.parent
    assert [m["content"] for m in services.chat_messages(conversation=conversation, until=edited)] == [
        "Be terse.", "one", "You said: one", "two, edited",
    ]  # fmt: skip
    assert [m.pk for m in selectors.message_path(answer)] == [
        first_prompt.pk, first_answer.pk, edited.pk, answer.pk,
    ]  # fmt: skip

    # Switching back to the first answer shows its newest descendant.
    leaf = services.conversation_select(conversation=conversation, message=first_answer)
    assert leaf == answer
    leaf = services.conversation_select(conversation=conversation, message=second_prompt)
    assert leaf.parent == second_prompt and leaf.content == "You said: two"


def test_failed_answers_are_not_sent_back_to_the_model(workspace, owner):
    conversation = conversation_make(workspace, owner, turns=("one",))
    prompt = conversation.messages.get(content="one")
    failed = services.answer_start(conversation=conversation, prompt=prompt, model=MODEL)
    failed.status, failed.content = GenerationStatus.ERROR, "half"
    failed.save()
    _next, _answer = services.turn_start(
        conversation=conversation, parent=failed, content="retry", model=MODEL
    )
    sent = services.chat_messages(conversation=conversation, until=_next)
    assert [m["content"] for m in sent] == ["one", "retry"]


def test_a_message_must_continue_an_answer_of_the_same_conversation(workspace, owner):
    first = conversation_make(workspace, owner, turns=("a",))
    second = conversation_make(workspace, owner, turns=("b",))
    with pytest.raises(ValidationError):
        services.turn_start(conversation=second, parent=first.active_leaf, content="x", model=MODEL)
    prompt = second.messages.get(role=MessageRole.USER)
    with pytest.raises(ValidationError):
        services.turn_start(conversation=second, parent=prompt, content="x", model=MODEL)
    with pytest.raises(ValidationError):
        services.answer_start(conversation=first, prompt=prompt, model=MODEL)


def test_the_first_message_names_the_conversation(workspace, owner):
    conversation = conversation_make(workspace, owner, turns=("  Plan   a trip\nto Rome  " * 6,))
    assert conversation.title.startswith("Plan a trip to Rome Plan")
    assert len(conversation.title) == services.TITLE_LENGTH and conversation.title.endswith("…")


def test_params_are_checked():
    assert services.params_clean({"temperature": "0.5", "max_tokens": "20", "top_p": ""}) == {
        "temperature": 0.5, "max_tokens": 20,
    }  # fmt: skip
    for bad in ({"temperature": 3}, {"max_tokens": 0}, {"seed": 1}, {"temperature": "hot"}, [1]):
        with pytest.raises(ValidationError):
            services.params_clean(bad)


def test_conversation_list_is_the_actors_own_and_searches_messages(workspace, owner):
    colleague = factories.add_member(workspace, "member")
    conversation_make(workspace, owner, turns=("the owner's",))
    mine = conversation_make(workspace, colleague, turns=("needle in a haystack",))
    actor = factories.actor_for(colleague, workspace)
    assert list(selectors.conversation_list(actor=actor)) == [mine]
    assert list(selectors.conversation_list(actor=actor, search="NEEDLE")) == [mine]
    assert list(selectors.conversation_list(actor=actor, search="You said: needle")) == [mine]
    assert not selectors.conversation_list(actor=actor, search="owner").exists()


def test_blind_runs_shuffle_the_slots_but_keep_every_model(workspace, owner, monkeypatch):
    monkeypatch.setattr(services.random, "sample", lambda items, k: list(reversed(items)))
    run = services.playground_run_create(
        actor=factories.actor_for(owner, workspace), prompt="p", system_prompt="", history=[],
        blind=True, slots=[("a/x", {}), ("b/y", {}), ("c/z", {"temperature": 1.0})],
    )  # fmt: skip
    assert [(s.position, s.model) for s in run.slots.all()] == [(0, "c/z"), (1, "b/y"), (2, "a/x")]
    assert not run.revealed
    with pytest.raises(ValidationError):
        services.playground_run_create(
            actor=factories.actor_for(owner, workspace), prompt="p", system_prompt="",
            history=[], blind=False, slots=[("a/x", {})] * 9,
        )  # fmt: skip


def test_votes(workspace, owner):
    pair = playground_run_make(workspace, owner, slots=2)
    slot_a, slot_b = pair.slots.all()
    trio = playground_run_make(workspace, owner, slots=3)
    with pytest.raises(ValidationError):
        services.vote_cast(run=trio, kind=VoteKind.AB, winners=[trio.slots.first().pk])
    with pytest.raises(ValidationError):
        services.vote_cast(run=pair, kind=VoteKind.BEST, winners=[slot_a.pk, slot_b.pk])
    with pytest.raises(ValidationError):
        services.vote_cast(run=pair, kind=VoteKind.AB, winners=[trio.slots.first().pk])
    with pytest.raises(ValidationError):
        services.vote_cast(run=pair, kind=VoteKind.BOTH_BAD, winners=[slot_a.pk])
    vote = services.vote_cast(run=pair, kind=VoteKind.AB, winners=[slot_b.pk])
    assert list(vote.winners.all()) == [slot_b]
    with pytest.raises(ValidationError):
        services.vote_cast(run=pair, kind=VoteKind.TIE, winners=[])
    tie = services.vote_cast(run=trio, kind=VoteKind.TIE, winners=[])
    assert tie.kind == "tie" and not tie.winners.exists()


def test_history_is_checked():
    assert services.history_clean([{"role": "user", "content": "hi"}]) == [
        {"role": "user", "content": "hi"}
    ]
    for bad in ([{"role": "system", "content": "x"}], "text", [{"content": "x"}] * 1, [{}] * 201):
        with pytest.raises(ValidationError):
            services.history_clean(bad)


def test_fork_of_a_streaming_answer_is_a_cancelled_copy(workspace, owner):
    conversation = conversation_make(workspace, owner, turns=("a",))
    prompt = conversation.messages.get(role=MessageRole.USER)
    streaming = services.answer_start(conversation=conversation, prompt=prompt, model=MODEL)
    fork = services.conversation_fork(
        actor=factories.actor_for(owner, workspace), conversation=conversation, message=streaming
    )
    statuses = Counter(fork.messages.values_list("status", flat=True))
    assert statuses == {GenerationStatus.COMPLETE: 1, GenerationStatus.CANCELLED: 1}
