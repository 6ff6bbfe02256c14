"""Chat's keyboard shortcuts in a real browser against the live hub and a simulator that
streams 20 tokens a second: Esc stops an answer being written, Ctrl-K goes to the chat
search, Ctrl-Shift-O opens a new chat; user messages can be copied as answers can."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser import chromium_page
from tests.hub.workbench.rows import conversation_make
from tests.live_hub import wire_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def workspace_streaming_slowly(transactional_db, hub, slow_simulator):
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Keys", owner=alice)
    wire_provider(workspace, slug="sim", base_url=slow_simulator.url)
    return workspace


def test_escape_stops_ctrl_k_finds_and_ctrl_shift_o_starts_a_chat(hub, workspace_streaming_slowly):
    workspace = workspace_streaming_slowly
    conversation = conversation_make(workspace, turns=("an earlier question",))
    with chromium_page() as (page, errors):
        page.goto(f"{hub.url}/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", factories.PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{hub.url}/w/{workspace.slug}/chat/{conversation.pk}/")
        user = page.locator("#chat-thread .msg-user").first
        assert user.locator("button:has-text('Copy')").count() == 1
        page.keyboard.press("Control+k")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Search chats"
        page.fill("#chat-input", " ".join(f"word{n}" for n in range(200)))
        page.keyboard.press("Enter")
        page.wait_for_selector("#chat-thread .msg-assistant.is-streaming")
        page.keyboard.press("Escape")
        page.wait_for_selector("#chat-thread .msg-assistant:not(.is-streaming)")
        answer = page.locator("#chat-thread .msg-assistant").last
        assert len(answer.locator(".msg-body").inner_text().split()) < 150  # stopped early
        page.keyboard.press("Control+Shift+O")
        page.wait_for_url(f"**/w/{workspace.slug}/chat/")
        assert page.inner_text("#chat-title") == "New chat"
        assert not errors, errors
