"""Chat polish in a real browser, on a laptop in the light and on a phone in the dark, against
the live hub and a simulator streaming 20 tokens a second: a model names the new chat, the
total moves while the answer streams, Edit replaces the message in place, a long message
folds, the list groups by day and pins, and a search opens the matching message marked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hub.workbench.models import ChatSettings, Conversation, Message
from tests import factories
from tests.axe import axe_violations
from tests.browser import VIEWS, chromium_page
from tests.hub.test_browser_theme import log_in
from tests.hub.workbench.rows import conversation_make
from tests.live_hub import wire_provider

pytestmark = pytest.mark.browser
LONG = "\n\n".join(f"Paragraph {n}: " + "some words that fill a line " * 6 for n in range(30))


@pytest.fixture
def slow_workspace(transactional_db, hub, slow_simulator):
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Notes", owner=alice)
    wire_provider(workspace, slug="sim", base_url=slow_simulator.url)
    return workspace


@pytest.mark.parametrize("size", VIEWS)
def test_a_model_titles_the_chat_and_the_total_moves_while_streaming(hub, slow_workspace, size):
    viewport, scheme = VIEWS[size]
    ChatSettings.objects.create(workspace=slow_workspace, title_model="sim/echo")
    with chromium_page(**viewport, color_scheme=scheme) as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{hub.url}/w/{slow_workspace.slug}/chat/")
        page.fill("#chat-input", " ".join(f"word{n}" for n in range(40)))
        page.keyboard.press("Enter")
        page.wait_for_selector("#chat-total.is-live")
        page.wait_for_function(
            "() => document.querySelector('#chat-total-cost').textContent !== '$0'"
        )
        moving = page.inner_text("#chat-total-cost")
        page.wait_for_selector("#chat-thread .msg-assistant:not(.is-streaming)", timeout=20_000)
        page.wait_for_function(
            "() => document.querySelector('#chat-title').textContent.startsWith('You said: User:')",
            timeout=20_000,
        )
        title = page.inner_text("#chat-title")
        assert page.inner_text(".conversation-list .is-current .conversation-title") == title
        assert not page.locator("#chat-total.is-live").count()
        conversation = Conversation.objects.get(workspace=slow_workspace)
        assert conversation.title == title
        # The total shown is the chat's, which counts the title's call beside the answer.
        answer = Message.objects.get(conversation=conversation, role="assistant")
        assert conversation.total_cost_usd > answer.cost_usd > 0
        shown = page.evaluate("(v) => window.HubFormat.cost(v)", str(conversation.total_cost_usd))
        assert page.inner_text("#chat-total-cost") == shown != moving
        assert not axe_violations(page)
        assert not errors, errors


@pytest.mark.parametrize("size", VIEWS)
def test_edit_in_place_fold_groups_pins_and_search(gateway, size):
    viewport, scheme = VIEWS[size]
    workspace = gateway.workspace
    owner = workspace.memberships.get(role="owner").user
    long_chat = conversation_make(workspace, turns=(LONG,))
    old = conversation_make(workspace, turns=("an old question about breakers",))
    Conversation.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    with chromium_page(**viewport, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner.username)
        page.goto(f"{gateway.url}/w/{workspace.slug}/chat/{long_chat.pk}/")
        groups = page.locator(".conversation-group").all_inner_texts()
        assert [g.lower() for g in groups] == ["today", "previous 7 days"]
        assert page.locator(".conversation-when").count() == 2

        # A long message folds; Show more unfolds it.
        user = page.locator("#chat-thread .msg-user").first
        assert "is-folded" in user.get_attribute("class")
        user.locator(".msg-fold").click()
        assert "is-folded" not in user.get_attribute("class")
        assert user.locator(".msg-fold").get_attribute("aria-expanded") == "true"

        # Edit replaces the message: its text is not shown twice.
        page.goto(f"{gateway.url}/w/{workspace.slug}/chat/{old.pk}/")
        question = page.locator("#chat-thread .msg-user").first
        question.hover()
        question.locator("button:has-text('Edit')").click()
        assert not question.locator(".msg-body").is_visible()
        assert question.locator(".msg-editor textarea").input_value().startswith("an old question")
        question.locator(".msg-editor textarea").fill("a new question about budgets")
        question.locator("button:has-text('Save & send')").click()
        page.wait_for_selector("#chat-thread .msg-assistant:not(.is-streaming) >> text=budgets")
        thread = page.inner_text("#chat-thread")
        assert "a new question about budgets" in thread and "an old question" not in thread

        # Pin the long chat: it heads the list under Pinned.
        page.goto(f"{gateway.url}/w/{workspace.slug}/chat/{long_chat.pk}/")
        current = page.locator(".conversation-list li.is-current")
        current.locator("summary").click()
        current.locator("button:has-text('Pin')").click()
        page.wait_for_url(f"**/chat/{long_chat.pk}/")
        assert page.locator(".conversation-group").first.inner_text().lower() == "pinned"
        assert page.locator("[data-pinned]").count() == 1

        # Search shows the passage marked and opens the message, marked too.
        page.fill("input[name=q]", "breakers")
        page.keyboard.press("Enter")
        page.wait_for_selector(".conversation-snippet mark")
        assert page.inner_text(".conversation-snippet mark").lower() == "breakers"
        page.click(".conversation-snippet")
        found = page.wait_for_selector("#chat-thread .msg.is-found")
        assert found.inner_text().count("breakers") >= 1
        assert page.locator("#chat-thread .msg.is-found mark").count() >= 1
        # The question found was on the branch replaced by the edit: that branch is shown.
        assert "an old question about breakers" in page.inner_text("#chat-thread")
        assert not axe_violations(page)
        assert not errors, errors
