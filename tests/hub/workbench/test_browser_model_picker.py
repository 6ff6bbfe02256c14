"""The model picker in a real browser: a button in front of chat's model <select> opens a
searchable list grouped by provider (aliases last) with price, context and health; typing
filters it, ↓ and Enter pick, Esc closes without touching an answer being written."""

from __future__ import annotations

import pytest

from routing.models import ModelAlias
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_theme import log_in, owner_of

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_group_and_pick_from_the_keyboard(gateway, scheme):
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="fast", candidates=[{"model": "sim/echo"}]
    )
    with chromium_page(color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{gateway.workspace.slug}/chat/")
        button = page.locator(".model-picker-button")
        assert "sim/echo" in button.inner_text()  # the first model that is up
        button.click()
        headings = page.locator(".model-picker-heading").all_inner_texts()
        assert headings[0] == "SIM" and headings[-1] == "ALIASES"  # shown in capitals
        echo = page.locator(".model-picker-option[data-value='sim/echo']")
        assert "$2.00 in · $8.00 out per M" in echo.inner_text()
        assert echo.locator(".model-picker-health").inner_text() == "unknown"
        assert not axe_violations(page)  # the open list, with its combobox and groups
        page.keyboard.type("fault 503")
        shown = page.locator(".model-picker-option:visible")
        assert shown.count() == 1 and shown.get_attribute("data-value") == "sim/fault-503"
        page.fill(".model-picker-search", "")
        page.keyboard.type("fast")
        page.keyboard.press("ArrowDown")  # already the only one: stays on it
        page.keyboard.press("Enter")
        assert page.eval_on_selector("#chat-model", "s => s.value") == "fast"
        assert (
            "fast" in button.inner_text() and not page.locator(".model-picker-panel").is_visible()
        )
        button.click()
        page.keyboard.press("Escape")
        assert not page.locator(".model-picker-panel").is_visible()
        assert page.evaluate("document.activeElement.classList.contains('model-picker-button')")
        page.select_option("#chat-model", "sim/echo")  # scripts and tests set the <select>
        assert "sim/echo" in button.inner_text()
        assert not errors, errors
