"""The Overview in a real browser, on a laptop and a phone, light and dark: four numbers of
today with their sparklines drawn in the theme's accent, recent errors, and the checklist
ticking itself off; axe-core clean and nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.analytics.factories import make_usage
from tests.axe import axe_violations
from tests.browser import VIEWS, chromium_page
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, owner_of

pytestmark = pytest.mark.browser
SPARKLINES = """() => [...document.querySelectorAll(".stat .sparkline")].map((svg) => {
  const box = svg.getBoundingClientRect();
  const line = svg.querySelector("polyline");
  return { wide: box.width >= 60, points: line ? line.getAttribute("points").split(" ").length : 0,
           stroke: line ? getComputedStyle(line).stroke : "" };
})"""


@pytest.mark.parametrize("view", VIEWS)
def test_overview_shows_today_its_trend_errors_and_the_checklist(gateway, view):
    size, scheme = VIEWS[view]
    workspace = gateway.workspace
    for days_ago in range(7):
        make_usage(
            workspace, at=timezone.now() - timedelta(days=days_ago), latency_ms=100 + days_ago
        )
    make_usage(workspace, status="error", http_status=502, error_class="BadGateway")
    with chromium_page(**size, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{workspace.slug}/")
        lines = page.evaluate(SPARKLINES)
        assert len(lines) == 4 and all(line["wide"] for line in lines), lines
        assert [line["points"] for line in lines] == [7, 7, 7, 7], lines
        accent = page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--accent')"
        )
        assert len({line["stroke"] for line in lines}) == 1 and accent.strip()
        assert page.inner_text("[data-trend=calls] .stat-value") == "2"
        assert "BadGateway" in page.inner_text("[data-recent-errors]")
        # The gateway's provider, its key and the calls: all but inviting a second member.
        steps = page.locator("[data-step-done]")
        assert [steps.nth(n).get_attribute("data-step-done") for n in range(4)] == [
            "true", "true", "true", "false",
        ]  # fmt: skip
        assert page.locator("[data-checklist] a:has-text('Invite')").is_visible()
        assert page.evaluate(TOO_WIDE) == []
        assert not axe_violations(page)
        assert not errors, errors
