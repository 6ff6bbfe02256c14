"""Evaluations in a real browser, at desktop and phone width, light and dark, with the
Content-Security-Policy on: a run's live bar moves as the worker writes cells, survives a
reload, and the page shows the results by itself when the run ends; the results grid filters
to failures; suite and leaderboard pages read well. axe-core finds nothing serious or
critical; nothing is wider than the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from hub.evals.matrix import cells_build
from hub.evals.models import Case, Cell, CellStatus, Run, RunStatus, SuitePrompt
from hub.evals.services import run_start
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.evals.test_runs import suite_of
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, theme
from tests.live_hub import wire_provider

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
PROGRESS = "#run-progress .ingest-progress"


@pytest.fixture
def runs(transactional_db, hub, simulator) -> Iterator[tuple[Run, Run]]:
    """Alice's suite with a finished run, and a second run a worker is one cell into."""
    pipeline_caches_clear()
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Evals", owner=alice)
    wire_provider(workspace, slug="sim", base_url=simulator.url)
    actor, suite = suite_of(workspace)
    finished = run_start(actor=actor, suite=suite)
    working = Run.objects.create(
        workspace=workspace, suite=suite, number=2, model_names=suite.model_names,
        created_by=alice, cells_total=3, status=RunStatus.RUNNING, started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    prompts = list(SuitePrompt.objects.filter(suite=suite))
    Cell.objects.bulk_create(
        cells_build(working, prompts, list(Case.objects.filter(suite=suite)), suite.assertions)
    )
    worker_writes(working, 1)
    yield finished, working
    hub.wait_idle()


def worker_writes(run: Run, done: int) -> None:
    """What the worker would have saved by now: the first ``done`` cells, passed."""
    with transaction.atomic():
        ids = list(Cell.objects.filter(run=run).order_by("id").values_list("pk", flat=True))
        Cell.objects.filter(pk__in=ids[:done]).update(
            status=CellStatus.DONE, passed=True, score=1.0, output="You said: hello",
            latency_ms=12.0, finished_at=timezone.now(),
        )  # fmt: skip


def checked(page) -> None:
    assert page.evaluate(TOO_WIDE) == []
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_live_run_then_its_results(hub, runs, size, scheme):
    finished, working = runs
    base = f"{hub.url}/w/{finished.workspace.slug}/evals"
    with chromium_page(**SIZES[size], color_scheme=scheme) as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{base}/runs/{working.pk}/")
        assert theme(page) == scheme
        assert "1 of 3 cells done" in page.inner_text(PROGRESS)
        checked(page)

        # The bar follows the worker without a reload, and a reload finds it where it was.
        worker_writes(working, 2)
        page.wait_for_function(
            f"() => document.querySelector('{PROGRESS}')?.textContent.includes('2 of 3')"
        )
        page.reload()
        assert "2 of 3 cells done" in page.inner_text(PROGRESS)
        assert page.locator("progress").get_attribute("value") == "67"

        # The run ends: the page shows the results by itself.
        worker_writes(working, 3)
        Run.objects.filter(pk=working.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
        page.wait_for_selector("text=Against a baseline")  # shown once a run has ended
        assert page.locator(PROGRESS).count() == 0
        assert "3 / 3" in page.inner_text("main")
        checked(page)

        # The finished run of the fixture: one case fails; the filter shows just that one.
        page.goto(f"{base}/runs/{finished.pk}/")
        assert "2 / 3" in page.inner_text("main")
        page.get_by_role("link", name="Cases with a failure").click()
        grid = page.locator(".grid-table tbody tr")
        assert grid.count() == 1 and "tea" in grid.inner_text()
        grid.locator("summary").first.click()
        assert "contains" in grid.inner_text()
        checked(page)

        for path in ("", f"{finished.suite_id}/", "leaderboard/"):
            page.goto(f"{base}/{path}")
            checked(page)
    assert not errors, errors
