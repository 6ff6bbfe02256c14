"""The playground's panes after a reveal, in a real browser at laptop and phone sizes, light and
dark: outputs of a row start and end at one height whatever their headers hold, each slot's
numbers sit on one line, and the comparison history says who won."""

from __future__ import annotations

import pytest

from hub.workbench import services
from hub.workbench.models import PlaygroundSlot, VoteKind
from providers.models import ProviderModel
from tests.axe import axe_violations
from tests.browser import VIEWS, chromium_page
from tests.hub.test_browser_theme import log_in, owner_of
from tests.hub.workbench.rows import playground_run_make

pytestmark = pytest.mark.browser
ROWS_OF_PANES = """() => {
  const rows = new Map();
  for (const slot of document.querySelectorAll(".pg-slot")) {
    const output = slot.querySelector(".pg-slot-output").getBoundingClientRect();
    const top = Math.round(slot.getBoundingClientRect().top);
    rows.set(top, [...(rows.get(top) || []), [Math.round(output.top), Math.round(output.bottom)]]);
  }
  return [...rows.values()];
}"""
NUMBER_LINES = """() => [...document.querySelectorAll(".pg-numbers")].map((line) => {
  const height = line.getBoundingClientRect().height;
  return Math.round(height / parseFloat(getComputedStyle(line).lineHeight || "16"));
})"""


@pytest.mark.parametrize("size", VIEWS)
def test_revealed_panes_line_up_numbers_fit_one_line_and_history_shows_the_winner(gateway, size):
    viewport, scheme = VIEWS[size]
    run = playground_run_make(gateway.workspace, slots=4)
    long_name = "sim/echo-large-with-a-name-long-enough-to-wrap-in-its-header-2026-12-preview"
    ProviderModel.objects.create(
        workspace=gateway.workspace, provider=gateway.provider, name=long_name.split("/")[1]
    )  # its header wraps where the others' do not
    PlaygroundSlot.objects.filter(run=run, position=1).update(model=long_name)
    PlaygroundSlot.objects.filter(run=run, position=2).update(output="A much longer answer " * 60)
    winner = run.slots.get(position=1)
    services.vote_cast(run=run, kind=VoteKind.BEST, winners=[winner.pk])
    with chromium_page(**viewport, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{gateway.workspace.slug}/playground/{run.pk}/")
        page.wait_for_selector(".pg-slot-label >> text=echo-large-with")
        rows = page.evaluate(ROWS_OF_PANES)
        assert len(rows) == (1 if size.startswith("laptop") else 4), rows
        for row in rows:
            assert len({edges for edges in map(tuple, row)}) == 1, rows  # same top and bottom
        assert page.evaluate(NUMBER_LINES) == [1, 1, 1, 1]
        history = page.locator(".pg-run").first
        assert history.get_attribute("data-outcome") == "winner"
        assert "Winner" in history.inner_text() and long_name in history.inner_text()
        assert not axe_violations(page)
        assert not errors, errors
