"""Chat and playground pages: rendering, the actor's own rows only, and the form actions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hub.workbench.models import Conversation, GenerationStatus, Message, Vote
from tests import factories
from tests.hub.workbench.conftest import page_json
from tests.hub.workbench.rows import conversation_make, playground_run_make
from workspaces.roles import Role

pytestmark = pytest.mark.django_db


def test_chat_page_lists_chat_models_and_aliases_and_links_in_the_nav(wired_db, owner_client):
    response = owner_client.get(reverse("workbench-chat", args=[wired_db.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="sim">' in html and '<optgroup label="Aliases">' in html
    assert re.search(r'<option value="sim/echo" data-meta="[^"]*" data-health="unknown"', html)
    assert re.search(r'<option value="fast" data-meta="→ sim/echo[^"]*"', html)
    assert "data-model-picker" in html and "/static/js/workbench/model_picker.js" in html
    assert "sim/embed" not in html  # embedding models cannot chat
    assert 'data-ws="/ws/w/acme/chat/"' in html
    assert f'href="{reverse("workbench-playground", args=[wired_db.slug])}"' in html
    assert 'id="chat-composer"' in html
    assert "/static/js/workbench/chat.js" in html and "cdn" not in html.lower()


def test_conversation_page_carries_the_whole_tree(wired_db, owner, owner_client):
    conversation = conversation_make(wired_db, owner, turns=("one", "two"))
    url = reverse("workbench-conversation", args=[wired_db.slug, conversation.pk])
    response = owner_client.get(url)
    data = page_json(response, "chat-conversation")
    assert [m["content"] for m in data["messages"]] == [
        "one",
        "You said: one",
        "two",
        "You said: two",
    ]
    assert data["active_leaf_id"] == data["messages"][-1]["id"]
    assert data["total_cost_usd"] == "0.00020000"
    assert data["messages"][1]["provider_slug"] == "sim"
    export = reverse("conversation-export-json", args=[wired_db.slug, conversation.pk])
    assert f'href="{export}"' in response.content.decode()


def test_a_colleagues_conversation_is_404(wired_db, owner, signed_in):
    conversation = conversation_make(wired_db, owner)
    colleague = factories.add_member(wired_db, Role.ADMIN)
    client = signed_in(colleague)
    for name in ("workbench-conversation", "workbench-conversation-rename",
                 "workbench-conversation-delete", "workbench-conversation-fork"):  # fmt: skip
        url = reverse(name, args=[wired_db.slug, conversation.pk])
        assert client.post(url, {"title": "x", "message_id": 1}).status_code == 404, name
    playground = reverse("workbench-playground", args=[wired_db.slug])
    assert client.get(f"{playground}?conversation={conversation.pk}").status_code == 404
    assert (
        "hello" not in client.get(reverse("workbench-chat", args=[wired_db.slug])).content.decode()
    )


def test_search_rename_and_delete(wired_db, owner, owner_client):
    kept = conversation_make(wired_db, owner, turns=("apples and pears",))
    gone = conversation_make(wired_db, owner, turns=("bananas",))
    chat = reverse("workbench-chat", args=[wired_db.slug])
    found = owner_client.get(chat, {"q": "PEARS"}).content.decode()
    assert "apples and pears" in found and "bananas" not in found
    rename = reverse("workbench-conversation-rename", args=[wired_db.slug, kept.pk])
    assert owner_client.post(rename, {"title": "Fruit"}).status_code == 302
    kept.refresh_from_db()
    assert kept.title == "Fruit"
    assert "Fruit" in owner_client.get(chat, {"q": "fruit"}).content.decode()
    delete = reverse("workbench-conversation-delete", args=[wired_db.slug, gone.pk])
    assert owner_client.post(delete).status_code == 302
    assert not Conversation.objects.filter(pk=gone.pk).exists()
    assert not Message.objects.filter(conversation_id=gone.pk).exists()


def test_fork_copies_the_branch_into_a_new_conversation(wired_db, owner, owner_client):
    conversation = conversation_make(wired_db, owner, turns=("one", "two", "three"))
    second_answer = conversation.messages.filter(role="assistant").order_by("id")[1]
    url = reverse("workbench-conversation-fork", args=[wired_db.slug, conversation.pk])
    response = owner_client.post(url, {"message_id": second_answer.pk})
    fork = Conversation.objects.exclude(pk=conversation.pk).get()
    assert response.url == reverse("workbench-conversation", args=[wired_db.slug, fork.pk])
    assert [m.content for m in fork.messages.order_by("id")] == [
        "one",
        "You said: one",
        "two",
        "You said: two",
    ]
    assert fork.active_leaf.content == "You said: two" and fork.title.endswith("(fork)")
    assert conversation.messages.count() == 6


def test_viewer_reads_but_has_no_composer(wired_db, signed_in):
    viewer = factories.add_member(wired_db, Role.VIEWER)
    html = signed_in(viewer).get(reverse("workbench-chat", args=[wired_db.slug])).content.decode()
    assert 'id="chat-composer"' not in html and "not use its models" in html
    html = (
        signed_in(viewer)
        .get(reverse("workbench-playground", args=[wired_db.slug]))
        .content.decode()
    )
    assert 'id="pg-start"' not in html


def test_chat_and_playground_offer_the_prompt_library_to_those_who_can_send(wired_db, signed_in):
    picker = reverse("prompt-picker", args=[wired_db.slug])
    member = signed_in(factories.add_member(wired_db, Role.MEMBER))
    viewer = signed_in(factories.add_member(wired_db, Role.VIEWER))
    for name in ("workbench-chat", "workbench-playground"):
        url = reverse(name, args=[wired_db.slug])
        html = member.get(url).content.decode()
        assert f'data-picker-url="{picker}"' in html and 'id="prompt-use-panel"' in html, name
        assert "/static/js/workbench/prompts.js" in html
        assert 'id="prompt-dialog"' not in viewer.get(url).content.decode(), name
    chat = reverse("workbench-chat", args=[wired_db.slug])
    save = reverse("prompt-from-message", args=[wired_db.slug])
    assert f'data-save-prompt-url="{save}"' in member.get(chat).content.decode()
    assert "data-save-prompt-url" not in viewer.get(chat).content.decode()


def test_playground_preloads_a_conversation(wired_db, owner, owner_client):
    conversation = conversation_make(wired_db, owner, turns=("one", "two"))
    url = reverse("workbench-playground", args=[wired_db.slug])
    preload = page_json(owner_client.get(url, {"conversation": conversation.pk}), "pg-preload")
    assert preload["history"] == [
        {"role": "user", "content": "one"}, {"role": "assistant", "content": "You said: one"},
        {"role": "user", "content": "two"}, {"role": "assistant", "content": "You said: two"},
    ]  # fmt: skip
    assert preload["model"] == "sim/echo" and preload["prompt"] == ""


def test_blind_run_page_keeps_names_until_the_vote(wired_db, owner, owner_client):
    run = playground_run_make(wired_db, owner, blind=True)
    url = reverse("workbench-playground-run", args=[wired_db.slug, run.pk])
    data = page_json(owner_client.get(url), "pg-run")
    assert not data["revealed"] and all("model" not in slot for slot in data["slots"])
    assert all("provider_slug" not in slot["metrics"] for slot in data["slots"])
    continue_url = reverse("workbench-playground-continue", args=[wired_db.slug, run.pk])
    owner_client.post(continue_url, {"slot_id": run.slots.first().pk})
    assert not Conversation.objects.exists()  # continuing would reveal the model

    Vote.objects.create(run=run, kind="tie")
    data = page_json(owner_client.get(url), "pg-run")
    assert data["revealed"] and {slot["model"] for slot in data["slots"]} == {"sim/echo"}


def test_continue_in_chat_takes_the_slots_answer(wired_db, owner, owner_client):
    run = playground_run_make(wired_db, owner)
    slot = run.slots.get(position=1)
    url = reverse("workbench-playground-continue", args=[wired_db.slug, run.pk])
    response = owner_client.post(url, {"slot_id": slot.pk})
    conversation = Conversation.objects.get()
    assert response.url == reverse("workbench-conversation", args=[wired_db.slug, conversation.pk])
    assert [(m.role, m.content) for m in conversation.messages.order_by("id")] == [
        ("user", "earlier"), ("assistant", "ok"), ("user", "Compare me"), ("assistant", "Answer Model B"),
    ]  # fmt: skip
    assert conversation.system_prompt == "Be brief." and conversation.params == {"temperature": 0.1}
    answer = conversation.active_leaf
    assert answer.status == GenerationStatus.COMPLETE and answer.provider_slug == "sim"
    assert conversation.total_cost_usd == answer.cost_usd > 0


def test_pages_of_another_workspace_are_404(wired_db, other_workspace, signed_in):
    conversation = conversation_make(other_workspace)
    run = playground_run_make(other_workspace)
    client = signed_in(wired_db.memberships.get(role="owner").user)
    for url in (
        reverse("workbench-chat", args=[other_workspace.slug]),
        reverse("workbench-playground", args=[other_workspace.slug]),
        reverse("workbench-conversation", args=[wired_db.slug, conversation.pk]),
        reverse("workbench-playground-run", args=[wired_db.slug, run.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Globex secret" not in response.content.decode()
