"""Run pages: start one, follow its progress (a fragment that polls while the run works, so
a reload finds the bar where it was), cancel it, read the results grid and the comparison
with a baseline, and export every cell as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from hub.evals import selectors, services
from hub.evals.ab_report import ab_report
from hub.evals.forms import RunStartForm
from hub.evals.models import Cell, CellStatus, Run, RunStatus
from hub.evals.views.suites import SuitePage
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView

GRID_FILTERS = {"all": "All cases", "failures": "Cases with a failure", "differs": "Cases "
                "where columns differ"}  # fmt: skip
EXPORT_FIELDS = (
    "case_key", "prompt_label", "model_name", "repeat", "status", "passed", "score", "output",
    "error", "latency_ms", "cost_usd", "input_tokens", "output_tokens", "cached", "saved_usd",
    "answered_by", "request_id",
)  # fmt: skip


class RunStartView(SuitePage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        done = Run.objects.for_workspace(self.actor.workspace).filter(
            suite=self.object, status=RunStatus.DONE
        )
        form = RunStartForm(request.POST, runs=done)
        if not form.is_valid():
            messages.error(request, "Choose a finished run of this suite as the baseline.")
            return redirect("eval-suite-detail", workspace_slug, suite_id)
        try:
            run = services.run_start(
                actor=self.actor, suite=self.object,
                use_cache=form.cleaned_data["use_cache"], baseline=form.cleaned_data["baseline"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("eval-suite-detail", workspace_slug, suite_id)
        return redirect("eval-run-detail", workspace_slug, run.pk)


class RunPage(WorkspacePageView):
    nav = "evals"
    object_kwarg: ClassVar[str | None] = "run_id"

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).select_related(
            "suite", "workspace", "baseline", "created_by"
        )

    def progress_context(self) -> dict[str, Any]:
        run = self.object
        return {"run": run, "progress": selectors.run_progress(run)}


class RunDetailView(RunPage):
    """Columns with their intervals, the baseline's verdict (``?baseline=N`` picks another
    finished run of the suite) and the grid (``?show=failures`` or ``differs``)."""

    template_name = "evals/run_detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, run_id: int) -> HttpResponse:
        run = self.object
        show = request.GET.get("show", "all")
        if show not in GRID_FILTERS:
            show = "all"
        baseline = self._baseline(request.GET.get("baseline", ""))
        compared = None
        if baseline is not None and not run.in_progress:
            compared = selectors.runs_compare(baseline, run)
        columns = selectors.run_columns(run)
        return self.render_page(
            {
                **self.progress_context(),
                "columns": columns,
                "baseline": baseline,
                "compared": compared,
                "verdict": compared.verdict(baseline, run) if compared and baseline else "",
                "others": Run.objects.for_workspace(self.actor.workspace)
                .filter(suite=run.suite, status=RunStatus.DONE)
                .exclude(pk=run.pk),
                "grid": _grid(run, show),
                "ab": None if run.in_progress else ab_report(run),
                "show": show,
                "filters": GRID_FILTERS,
            }
        )  # fmt: skip

    def _baseline(self, raw: str) -> Run | None:
        run = self.object
        if not raw:
            return run.baseline
        if not raw.isdecimal() or not raw.isascii():
            raise Http404("No such run.")
        found = (
            Run.objects.for_workspace(self.actor.workspace)
            .filter(suite=run.suite, number=int(raw), status=RunStatus.DONE)
            .first()
        )
        if found is None:
            raise Http404("No such run.")
        return found


def _grid(run: Run, show: str) -> dict[str, Any]:
    """One row per case: its cells by column (prompt label, model), in the run's order."""
    grid = selectors.cells_grid(run)
    columns = list(dict.fromkeys(col for row in grid.values() for col in row))
    rows = []
    for case_key, by_column in grid.items():
        cells = [by_column.get(column, []) for column in columns]
        outcomes = {c.passed for repeats in cells for c in repeats if c.passed is not None}
        if show == "failures" and False not in outcomes:
            continue
        if show == "differs" and len(outcomes) < 2 and len(_outputs(cells)) < 2:
            continue
        rows.append({"case_key": case_key, "cells": cells})
    return {"columns": columns, "rows": rows}


def _outputs(cells: list[list[Cell]]) -> set[str]:
    return {c.output for repeats in cells for c in repeats if c.status == CellStatus.DONE}


class RunProgressView(RunPage):
    """The bar and its numbers; asks for itself again every second while the run works."""

    template_name = "evals/_run_progress.html"
    fragment = True

    def get(self, request: HttpRequest, workspace_slug: str, run_id: int) -> HttpResponse:
        response = self.render_page(self.progress_context())
        if not self.object.in_progress:
            response["HX-Refresh"] = "true"  # the run ended: show its results
        return response


class RunCancelView(RunPage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str, run_id: int) -> HttpResponse:
        if services.run_cancel(actor=self.actor, run=self.object):
            messages.success(request, f"Run #{self.object.number} cancelled.")
        else:
            messages.error(request, f"Run #{self.object.number} had already ended.")
        return redirect("eval-run-detail", workspace_slug, run_id)


class RunExportView(RunPage):
    """Every cell with its verdicts: ``?format=json`` for JSON, CSV otherwise."""

    def get(self, request: HttpRequest, workspace_slug: str, run_id: int) -> HttpResponse:
        run = self.object
        cells = Cell.objects.for_workspace(self.actor.workspace).filter(run=run).order_by("id")
        rows = [
            {**{name: _plain(getattr(cell, name)) for name in EXPORT_FIELDS},
             "verdicts": cell.verdicts}
            for cell in cells
        ]  # fmt: skip
        name = f"suite-{run.suite_id}-run-{run.number}"
        if request.GET.get("format") == "json":
            document = {"suite": run.suite.name, "run": run.number, "status": run.status,
                        "models": run.model_names, "repeats": run.repeats, "cells": rows}  # fmt: skip
            response = HttpResponse(
                json.dumps(document, ensure_ascii=False, indent=1),
                content_type="application/json",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return response
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*EXPORT_FIELDS, "verdicts"])
        for row in rows:
            writer.writerow(
                [_csv_safe(row[field]) for field in EXPORT_FIELDS]
                + [json.dumps(row["verdicts"], ensure_ascii=False)]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


def _plain(value: Any) -> Any:
    """JSON-friendly: Decimals as strings, so no cent is lost to floating point."""
    return str(value) if isinstance(value, Decimal) else value


def _csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
