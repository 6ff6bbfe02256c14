"""Layout slips a demanding user saw, checked in a real browser at laptop and phone sizes,
light and dark: page buttons stay on one line beside the heading, the usage filters never
overlap, numbers and key hints do not wrap, stat values and error pills stay in their cards."""

from __future__ import annotations

import pytest

from analytics.health.checks import run_health_checks
from hub.workbench.models import GenerationStatus, Message
from tests import factories
from tests.analytics.factories import make_usage
from tests.axe import axe_violations
from tests.browser import VIEWS, chromium_page
from tests.hub.test_browser_theme import log_in, owner_of
from tests.hub.workbench.rows import conversation_make

pytestmark = pytest.mark.browser
ACTIONS_ON_ONE_LINE = """() => {
  const tops = [...document.querySelectorAll(".page-actions > *")].map((e) => Math.round(e.getBoundingClientRect().top));
  return new Set(tops).size <= 1;
}"""
FIELDS_OVERLAP = """() => {
  const boxes = [...document.querySelectorAll(".filters .field")].map((field) => {
    const control = field.querySelector("input, select").getBoundingClientRect();
    const own = field.getBoundingClientRect();
    return control.right > own.right + 1 ? `${field.querySelector("label").textContent} ${control.width}>${own.width}` : null;
  });
  return boxes.filter(Boolean);
}"""
WRAPPED = """(selector) => [...document.querySelectorAll(selector)].filter((e) => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  return e.checkVisibility() && tops.size > 1;
}).map((e) => e.textContent.trim())"""
OUT_OF_CARD = """([inner, outer]) => [...document.querySelectorAll(inner)].filter((e) => {
  const card = e.closest(outer).getBoundingClientRect();
  const box = e.getBoundingClientRect();
  return box.right > card.right + 1 || box.left < card.left - 1;
}).map((e) => e.textContent.trim().slice(0, 40))"""


@pytest.fixture
def filled(gateway):
    workspace = gateway.workspace
    make_usage(workspace, latency_ms=101, cost_usd="0.000147")
    run_health_checks()
    factories.make_credential(workspace, secret="sk-test-0123456789abcdef-long-enough")
    factories.make_api_key(workspace)
    conversation = conversation_make(workspace, turns=("make it fail",))
    Message.objects.filter(conversation=conversation, role="assistant").update(
        status=GenerationStatus.ERROR,
        error="The provider failed: " + "upstream said something long and unhelpful " * 6,
    )
    return gateway, conversation


@pytest.mark.parametrize("size", VIEWS)
def test_nothing_wraps_overlaps_or_runs_out_of_its_card(filled, size):
    gateway, conversation = filled
    viewport, scheme = VIEWS[size]
    slug = gateway.workspace.slug
    laptop = viewport["width"] > 800
    with chromium_page(**viewport, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        for path in ("routing/", "prompts/", "health/", "usage/", ""):
            page.goto(f"{gateway.url}/w/{slug}/{path}")
            if laptop:
                assert page.evaluate(ACTIONS_ON_ONE_LINE), f"buttons wrap on /{path}"
            assert page.evaluate(OUT_OF_CARD, [".stat-value", ".stat"]) == [], path
        page.goto(f"{gateway.url}/w/{slug}/usage/")
        assert page.evaluate(FIELDS_OVERLAP) == []
        page.goto(f"{gateway.url}/w/{slug}/health/")
        assert page.evaluate(WRAPPED, "table td.num") == []
        for path in ("credentials/", "keys/"):
            page.goto(f"{gateway.url}/w/{slug}/{path}")
            assert page.evaluate(WRAPPED, ".key-hint") == [], path
            assert page.locator(".key-hint").count() >= 1, path
        page.goto(f"{gateway.url}/w/{slug}/chat/{conversation.pk}/")
        page.wait_for_selector(".msg-status-error")
        assert page.evaluate(OUT_OF_CARD, [".msg-status-error", ".msg"]) == []
        assert not axe_violations(page)
        assert not errors, errors
