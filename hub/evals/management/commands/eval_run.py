"""``python manage.py eval_run SUITE [--baseline RUN] [--fail-on-regression]``, for CI.

Runs the suite in this process (through the pipeline, as a worker would), prints each
column's pass rate with its Wilson 95 % interval, and, against a baseline run, the verdict
of McNemar's exact test and the paired bootstrap. The exit code agrees with that verdict:
1 only for a significant regression with ``--fail-on-regression``; 2 when the run could not
be made at all; 0 otherwise.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.evals import selectors
from hub.evals.execution import run_actor, run_execute
from hub.evals.models import Run, RunStatus, Suite
from hub.evals.services import run_start
from workspaces.models import Workspace

REGRESSION_EXIT = 1
UNUSABLE_EXIT = 2


class Command(BaseCommand):
    help = "Run an evaluation suite and compare it with a baseline run (exit 1 on a regression)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("suite", help="The suite's name.")
        parser.add_argument(
            "--workspace", default="", help="The workspace's slug (needed when names repeat)."
        )
        parser.add_argument("--user", default="", help="Run as this member (default: the "
                            "suite's author).")  # fmt: skip
        parser.add_argument("--baseline", default="", help='A run number of the suite, or '
                            '"last" for the last finished run before this one.')  # fmt: skip
        parser.add_argument("--fail-on-regression", action="store_true",
                            help="Exit 1 when the run is significantly worse than the baseline "
                            '(the baseline defaults to "last").')  # fmt: skip
        parser.add_argument("--no-cache", action="store_true", help="Call every cell afresh.")

    def handle(self, *args: object, suite: str, workspace: str, user: str, baseline: str,
               fail_on_regression: bool, no_cache: bool, **options: object) -> None:  # fmt: skip
        found = _suite(suite, workspace)
        before = _baseline(found, baseline or ("last" if fail_on_regression else ""))
        draft = Run(workspace=found.workspace, created_by=_user(found, user))
        actor = run_actor(draft)
        if actor is None:
            raise CommandError(
                "That user is not a member of the workspace.", returncode=UNUSABLE_EXIT
            )
        try:
            run = run_start(
                actor=actor, suite=found, use_cache=not no_cache, baseline=before, queue=False
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=UNUSABLE_EXIT) from None
        status = async_to_sync(run_execute)(run.pk)
        run.refresh_from_db()
        self._report(run)
        if status != RunStatus.DONE:
            raise CommandError(
                f"Run #{run.number} ended {status}: {run.error}", returncode=UNUSABLE_EXIT
            )
        if before is None:
            if fail_on_regression:
                self.stdout.write("No finished run before this one: nothing to compare with.")
            return
        compared = selectors.runs_compare(before, run)
        self.stdout.write(f"Against run #{before.number}: {compared.verdict(before, run)}")
        for title, keys in (("Now failing", compared.comparison.only_baseline),
                            ("Now passing", compared.comparison.only_candidate),
                            ("Only in this run", compared.only_in_candidate),
                            ("Missing from this run", compared.only_in_baseline)):  # fmt: skip
            if keys:
                self.stdout.write(f"  {title} ({len(keys)}): {', '.join(keys[:20])}")
        if compared.comparison.regression:
            self.stdout.write("Verdict: a significant regression.")
            if fail_on_regression:
                raise CommandError("Failing: significant regression.", returncode=REGRESSION_EXIT)
        else:
            self.stdout.write("Verdict: no significant regression.")

    def _report(self, run: Run) -> None:
        progress = selectors.run_progress(run)
        say = self.stdout.write
        say(
            f"Suite “{run.suite.name}”, run #{run.number}: {progress.finished} of "
            f"{progress.total} cells, {progress.errors} errors, {progress.cache_hits} from the "
            f"cache (${progress.saved_usd:.4f} saved), cost ${progress.cost_usd:.4f}"
        )
        for column in selectors.run_columns(run):
            rate = column.pass_rate
            latency = column.median_latency_ms
            say(
                f"  {column.prompt_label} · {column.model_name}: {column.passed}/{column.cells} "
                f"passed, {rate.estimate:.0%} [{rate.low:.0%}, {rate.high:.0%}]; mean score "
                f"{column.mean_score or 0:.2f}; median "
                f"{'—' if latency is None else f'{latency:.0f} ms'}; ${column.cost_usd:.4f}"
            )


def _suite(name: str, workspace_slug: str) -> Suite:
    suites = Suite.objects.select_related("workspace", "created_by").filter(name=name)
    if workspace_slug:
        workspace = Workspace.objects.filter(slug=workspace_slug).first()
        if workspace is None:
            raise CommandError(f"No workspace “{workspace_slug}”.", returncode=UNUSABLE_EXIT)
        suites = suites.for_workspace(workspace)
    found = list(suites[:2])
    if not found:
        raise CommandError(f"No suite named “{name}”.", returncode=UNUSABLE_EXIT)
    if len(found) > 1:
        raise CommandError(
            f"Suites named “{name}” are in several workspaces; name one with --workspace.",
            returncode=UNUSABLE_EXIT,
        )
    return found[0]


def _baseline(suite: Suite, wanted: str) -> Run | None:
    runs = Run.objects.for_workspace(suite.workspace).filter(suite=suite)
    if not wanted:
        return None
    if wanted == "last":
        return runs.filter(status=RunStatus.DONE).order_by("-number").first()
    run = (
        runs.filter(number=int(wanted)).first() if wanted.isdecimal() and wanted.isascii() else None
    )
    if run is None:
        raise CommandError(f"Suite “{suite.name}” has no run #{wanted}.", returncode=UNUSABLE_EXIT)
    if run.status != RunStatus.DONE:
        raise CommandError(f"Run #{wanted} has not finished ({run.status}): it cannot be a "
                           "baseline.", returncode=UNUSABLE_EXIT)  # fmt: skip
    return run


def _user(suite: Suite, username: str) -> Any:
    if not username:
        if suite.created_by is None:
            raise CommandError(
                "The suite has no author; name a member with --user.", returncode=UNUSABLE_EXIT
            )
        return suite.created_by
    membership = suite.workspace.memberships.select_related("user").filter(user__username=username)
    found = membership.first()
    if found is None:
        raise CommandError(
            f"“{username}” is not a member of the workspace.", returncode=UNUSABLE_EXIT
        )
    return found.user
