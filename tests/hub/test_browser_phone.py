"""The hub at phone size (390 px wide) in a real browser, light and dark: no page is wider
than the screen (a long title, table or code line scrolls inside its own box), the side
navigation is a menu behind the top bar's button, chat shows its thread first with Send in
reach and uncovered, the playground's slots stack, and axe-core stays clean."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from analytics.health.checks import run_health_checks
from tests.analytics.factories import make_usage
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_theme import log_in, owner_of
from tests.hub.workbench.rows import conversation_make, playground_run_make

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
LONG_MESSAGE = (
    "A title that goes on and on past any phone's width | a | b |\n\n"
    "| column one | column two |\n|---|---|\n| 1 | 2 |\n\n"
    "```python\nprint('" + "x" * 200 + "')\n```\n" + "unbreakablewordwithoutanyspaces" * 8
)
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return document.documentElement.scrollWidth > width
    ? [...document.querySelectorAll("body *")]
        .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > width + 1)
        .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.classList[0] || ""}`)
    : [];
}"""
UNCOVERED = """(selector) => {
  const element = document.querySelector(selector);
  const box = element.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return box.right <= document.documentElement.clientWidth && element.contains(hit);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_fits_a_phone_and_the_navigation_is_a_menu(gateway, scheme):
    make_usage(gateway.workspace, status="success")
    run_health_checks()
    with chromium_page(**PHONE, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        assert not page.locator("nav.sidenav").is_visible()
        page.click("[data-nav-toggle]")
        assert page.locator("[data-nav-toggle]").get_attribute("aria-expanded") == "true"
        links = page.eval_on_selector_all("nav.sidenav a", "links => links.map(a => a.href)")
        assert page.locator("nav.sidenav a[href$='/usage/']").is_visible()
        paths = sorted({urlsplit(link).path for link in links})
        overflowing: dict[str, list[str]] = {}
        inaccessible: dict[str, list[str]] = {}
        for path in paths:
            page.goto(f"{gateway.url}{path}", wait_until="load")
            page.wait_for_timeout(200)
            if wide := page.evaluate(TOO_WIDE):
                overflowing[path] = wide
            if found := axe_violations(page):
                inaccessible[path] = found
        assert not overflowing, overflowing
        assert not inaccessible, inaccessible
        assert not errors, errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chat_and_playground_work_on_a_phone(gateway, scheme):
    conversation = conversation_make(gateway.workspace, turns=(LONG_MESSAGE, "short"))
    run = playground_run_make(gateway.workspace, slots=4)
    slug = gateway.workspace.slug
    with chromium_page(**PHONE, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{slug}/chat/{conversation.pk}/")
        page.wait_for_selector("#chat-thread .msg-assistant")
        assert page.evaluate(TOO_WIDE) == []
        thread = page.locator("#chat-thread").bounding_box()
        chats = page.locator(".chat-sidebar").bounding_box()
        assert thread["y"] < chats["y"], "the thread comes before the chat list"
        page.locator("#chat-send").scroll_into_view_if_needed()
        assert page.evaluate(UNCOVERED, "#chat-send")
        assert not axe_violations(page)
        page.goto(f"{gateway.url}/w/{slug}/playground/{run.pk}/")
        page.wait_for_selector(".pg-slot")
        assert page.evaluate(TOO_WIDE) == []
        boxes = [slot.bounding_box() for slot in page.locator(".pg-slot").all()]
        assert len(boxes) == 4 and len({round(box["x"]) for box in boxes}) == 1  # stacked
        assert not axe_violations(page)
        assert not errors, errors
