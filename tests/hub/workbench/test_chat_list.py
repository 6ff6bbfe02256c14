"""The chat sidebar: chats grouped by day with pins first, dates, search passages that open the
message; pinning; and the workspace's chat settings (who names new chats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from hub.workbench.chat_titles import title_request, title_save
from hub.workbench.conversation_list import conversation_groups, day_group, hit_in
from hub.workbench.models import ChatSettings, Conversation
from tests import factories
from tests.hub.workbench.rows import conversation_make
from workspaces.roles import Role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)


def aged(conversation: Conversation, days: float) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=NOW - timedelta(days=days))
    conversation.refresh_from_db()
    return conversation


@pytest.mark.parametrize(
    ("age", "label"),
    [(0, "Today"), (1, "Yesterday"), (2, "Previous 7 days"), (6, "Previous 7 days"),
     (7, "Previous 30 days"), (29, "Previous 30 days"), (30, "November 2026"),
     (400, "October 2025")],
)  # fmt: skip
def test_day_groups(age, label):
    today = NOW.date()
    assert day_group(today - timedelta(days=age), today) == label


def test_groups_put_pins_first_and_keep_the_lists_order(wired_db, owner):
    today = aged(conversation_make(wired_db, owner, turns=("today",)), 0.1)
    old = aged(conversation_make(wired_db, owner, turns=("old",)), 45)
    pinned = aged(conversation_make(wired_db, owner, turns=("pinned",)), 3)
    Conversation.objects.filter(pk=pinned.pk).update(pinned_at=NOW)
    rows = Conversation.objects.filter(workspace=wired_db)  # the model's ordering: pins first
    groups = conversation_groups(rows, now=NOW)
    assert [(g.label, [i.conversation.pk for i in g.items]) for g in groups] == [
        ("Pinned", [pinned.pk]),
        ("Today", [today.pk]),
        ("October 2026", [old.pk]),
    ]
    assert groups[1].items[0].when == f"{today.updated_at:%H:%M}"
    assert groups[2].items[0].when == f"Oct {old.updated_at.day}"


def test_hit_in_cuts_a_passage_around_the_match_on_word_boundaries():
    text = "alpha " * 20 + "the Circuit\nbreaker opened" + " omega" * 20
    hit = hit_in(text, "circuit BREAKER", 7)
    assert hit is not None and hit.message_id == 7
    assert hit.match == "Circuit breaker"  # as written, whitespace made one line
    assert hit.before.startswith("…alpha") and hit.before.endswith("the ")
    assert hit.after.startswith(" opened") and hit.after.endswith("omega…")
    assert hit_in("nothing here", "breaker", 1) is None


def test_search_shows_the_passage_marked_and_links_to_the_message(wired_db, owner, owner_client):
    conversation = conversation_make(wired_db, owner, turns=("tell me about <b>budgets</b>",))
    message = conversation.messages.order_by("id").first()
    chat = reverse("workbench-chat", args=[wired_db.slug])
    html = owner_client.get(chat, {"q": "BUDGETS"}).content.decode()
    assert "tell me about &lt;b&gt;<mark>budgets</mark>&lt;/b&gt;" in html
    assert f"?message={message.pk}&amp;q=BUDGETS" in html


def test_pin_and_unpin_move_a_chat_to_the_top(wired_db, owner, owner_client):
    first = conversation_make(wired_db, owner, turns=("first",))
    conversation_make(wired_db, owner, turns=("second",))
    pin = reverse("workbench-conversation-pin", args=[wired_db.slug, first.pk])
    assert owner_client.post(pin, {"pinned": "1"}).status_code == 302
    html = owner_client.get(reverse("workbench-chat", args=[wired_db.slug])).content.decode()
    assert html.index(">Pinned<") < html.index("first") < html.index("second")
    assert ">Unpin<" in html
    owner_client.post(pin, {"pinned": "0"})
    first.refresh_from_db()
    assert first.pinned_at is None


def test_a_colleague_cannot_pin_my_chat(wired_db, owner, signed_in):
    conversation = conversation_make(wired_db, owner)
    client = signed_in(factories.add_member(wired_db, Role.ADMIN))
    pin = reverse("workbench-conversation-pin", args=[wired_db.slug, conversation.pk])
    assert client.post(pin, {"pinned": "1"}).status_code == 404
    conversation.refresh_from_db()
    assert conversation.pinned_at is None


def test_admins_choose_the_title_model_and_members_may_not(wired_db, owner_client, signed_in):
    url = reverse("workbench-chat-settings", args=[wired_db.slug])
    page = owner_client.get(url).content.decode()
    assert 'name="title_model"' in page and '<option value="sim/echo"' in page
    assert owner_client.post(url, {"title_model": "fast"}).status_code == 302
    assert ChatSettings.objects.get(workspace=wired_db).title_model == "fast"
    assert 'value="fast" data-meta' in owner_client.get(url).content.decode()
    assert owner_client.post(url, {"title_model": "x" * 301}).status_code == 400
    refused = owner_client.post(url, {"title_model": "sim/no-such-model"})
    assert refused.status_code == 400 and "is not a chat model or alias" in refused.content.decode()
    assert ChatSettings.objects.get(workspace=wired_db).title_model == "fast"
    assert owner_client.post(url, {"title_model": ""}).status_code == 302
    assert ChatSettings.objects.get(workspace=wired_db).title_model == ""
    member = signed_in(factories.add_member(wired_db, Role.MEMBER))
    assert member.get(url).status_code == 403
    assert member.post(url, {"title_model": "fast"}).status_code == 403
    chat = member.get(reverse("workbench-chat", args=[wired_db.slug])).content.decode()
    assert url not in chat


def test_a_rename_before_the_title_arrives_wins(wired_db, owner):
    ChatSettings.objects.create(workspace=wired_db, title_model="sim/echo")
    conversation = conversation_make(wired_db, owner, turns=("words first",))
    actor = factories.actor_for(owner, wired_db)
    request = title_request(actor=actor, conversation_id=conversation.pk)
    assert request is not None and request.body["model"] == "sim/echo"
    Conversation.objects.filter(pk=conversation.pk).update(title="Mine")
    assert title_save(request=request, title="Model's", cost=0) is None
    conversation.refresh_from_db()
    assert conversation.title == "Mine"
