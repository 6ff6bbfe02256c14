"""The routing pages in a real browser, at desktop and phone width, light and dark, with the
Content-Security-Policy on: candidates are picked from the catalog (search, click or Enter,
reorder) and saved in that order; Try a route shows the chosen candidate and why; axe-core
finds nothing serious or critical and nothing is wider than the screen."""

from __future__ import annotations

import asyncio
import threading

import pytest

from routing.models import ModelAlias
from routing.reliability import (
    breaker_backend,
    breaker_config,
    deployment_key,
    local_backends_reset,
)
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, owner_of, theme

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 390, "height": 844}}


def open_breaker(provider_id: int, model: str) -> None:
    """In a thread of its own: Playwright's sync API runs an event loop in the test's."""
    config = breaker_config()

    async def fail() -> None:
        for _ in range(config.failure_threshold):
            await breaker_backend().record_failure(
                deployment_key(provider_id, model), config, probe=False
            )

    thread = threading.Thread(target=lambda: asyncio.run(fail()))
    thread.start()
    thread.join(timeout=10)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_pick_candidates_from_the_catalog_then_try_the_route(gateway, size, scheme):
    local_backends_reset()
    slug = gateway.workspace.slug
    with chromium_page(**SIZES[size], color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{slug}/routing/aliases/new/")
        assert theme(page) == scheme
        assert not page.locator("#id_candidates").is_visible()  # the picker stands in front
        page.fill("#id_name", "picked")
        search = page.get_by_role("combobox", name="Find a model to add as a candidate")
        search.fill("echo")
        page.get_by_role("option", name="sim/echo").click()  # a click adds it
        search.fill("fault 503")
        assert page.get_by_role("option").filter(visible=True).count() == 1
        search.press("ArrowDown")
        search.press("Enter")  # so does Enter, without submitting the form
        chosen = page.locator(".candidate-list li")
        assert [row.get_attribute("data-model") for row in chosen.all()] == [
            "sim/echo",
            "sim/fault-503",
        ]
        page.get_by_role("button", name="Move sim/fault-503 up").click()
        assert [row.get_attribute("data-model") for row in chosen.all()] == [
            "sim/fault-503",
            "sim/echo",
        ]
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused == "Move sim/fault-503 down"  # focus stays on the moved row
        assert page.input_value("#id_candidates") == "sim/fault-503\nsim/echo"
        search.fill("slow nothing matches this")
        assert page.get_by_role("option").filter(visible=True).count() == 0
        search.fill("")
        assert page.evaluate(TOO_WIDE) == []
        assert axe_violations(page) == []
        page.get_by_role("button", name="Create alias").click()
        page.wait_for_url("**/routing/")
        alias = ModelAlias.objects.get(workspace=gateway.workspace, name="picked")
        assert alias.candidates == [{"model": "sim/fault-503"}, {"model": "sim/echo"}]

        open_breaker(gateway.provider.pk, "fault-503")
        page.fill("#try_model", "picked")
        page.fill("#try_task", "")
        page.fill("#try_prompt_tokens", "200")
        page.get_by_role("button", name="Try route").click()
        page.wait_for_selector("[data-try-result]")
        assert page.inner_text("[data-try-first]") == "sim/echo"
        skipped = page.locator('tr[data-candidate="sim/fault-503"]')
        assert skipped.get_attribute("data-outcome") == "passed-over"
        assert "circuit breaker open" in skipped.inner_text()
        assert "alias=picked strategy=ordered" in page.inner_text("[data-try-label]")
        assert page.evaluate(TOO_WIDE) == []
        assert axe_violations(page) == []
        assert not errors, errors
