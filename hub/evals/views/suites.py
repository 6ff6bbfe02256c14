"""Suite pages: the list, a suite with its prompts, cases and runs, create, edit, delete,
adding prompts, and cases imported from and exported to CSV or JSONL."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from hub.evals import services
from hub.evals.cases_exchange import Case as CaseRow
from hub.evals.cases_exchange import cases_csv, cases_jsonl
from hub.evals.forms import CasesImportForm, PromptAddForm, RunStartForm, SuiteForm
from hub.evals.matrix import prompt_texts
from hub.evals.models import Case, Run, RunStatus, Suite, SuitePrompt
from hub.prompts.models import PromptVersion
from hub.prompts.rendering import variables_in
from routing.selectors import alias_names, catalog_labels
from workspaces.roles import Permission
from workspaces.uploads import upload_read, upload_size_check
from workspaces.views.base import WorkspacePageView, form_add_service_errors

WRITE = {"GET": Permission.USE_MODELS, "POST": Permission.USE_MODELS}
CASES_SHOWN = 100


class SuitePage(WorkspacePageView):
    """Members and up write suites and run them; viewers read results."""

    nav = "evals"
    object_kwarg: ClassVar[str | None] = "suite_id"

    def scoped_queryset(self) -> QuerySet[Suite]:
        return Suite.objects.for_workspace(self.actor.workspace)

    def suite_form(self, *args: Any, **kwargs: Any) -> SuiteForm:
        workspace = self.actor.workspace
        known = {*catalog_labels(workspace=workspace), *alias_names(workspace=workspace)}
        return SuiteForm(*args, known_models=known, **kwargs)


class SuiteListView(SuitePage):
    object_kwarg = None
    template_name = "evals/suite_list.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        suites = self.scoped_queryset().annotate(
            case_count=Count("cases", distinct=True), run_count=Count("runs", distinct=True)
        )
        last_runs = _last_runs(self.actor.workspace)
        rows = list(suites)
        for suite in rows:
            suite.last_run = last_runs.get(suite.pk)  # type: ignore[attr-defined]
        return self.render_page({"suites": rows})


def _last_runs(workspace: Any) -> dict[int, Run]:
    last: dict[int, Run] = {}
    for run in Run.objects.for_workspace(workspace).order_by("-number"):
        last.setdefault(run.suite_id, run)
    return last


class SuiteCreateView(SuitePage):
    object_kwarg = None
    template_name = "evals/suite_form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": self.suite_form()})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = self.suite_form(request.POST)
        if form.is_valid():
            try:
                suite = services.suite_create(actor=self.actor, fields=form.fields_value())
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Suite “{suite.name}” created: add a prompt and cases.")
                return redirect("eval-suite-detail", workspace_slug, suite.pk)
        return self.render_page({"form": form}, status=400)


class SuiteEditView(SuitePage):
    template_name = "evals/suite_form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        form = self.suite_form(initial=SuiteForm.initial_for(self.object))
        return self.render_page({"form": form, "suite": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        form = self.suite_form(request.POST)
        if form.is_valid():
            try:
                services.suite_update(
                    actor=self.actor, suite=self.object, fields=form.fields_value()
                )
            except ValidationError as error:
                self.object.refresh_from_db()
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Saved. Runs from now on use these settings.")
                return redirect("eval-suite-detail", workspace_slug, suite_id)
        return self.render_page({"form": form, "suite": self.object}, status=400)


class SuiteDeleteView(SuitePage):
    template_name = "evals/confirm_delete.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        return self.render_page({"suite": self.object, "run_count": self.object.runs.count()})

    def post(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        try:
            services.suite_delete(actor=self.actor, suite=self.object)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("eval-suite-detail", workspace_slug, suite_id)
        messages.success(request, f"Suite “{self.object.name}” deleted.")
        return redirect("eval-suite-list", workspace_slug)


class SuiteDetailView(SuitePage):
    template_name = "evals/suite_detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        return self.render_page(self.suite_context())

    def suite_context(self, **extra: Any) -> dict[str, Any]:
        suite, workspace = self.object, self.actor.workspace
        cases = Case.objects.for_workspace(workspace).filter(suite=suite)
        runs = Run.objects.for_workspace(workspace).filter(suite=suite)
        versions = PromptVersion.objects.filter(template__workspace=workspace).select_related(
            "template"
        ).order_by("template__name", "-number")  # fmt: skip
        prompts = list(
            SuitePrompt.objects.for_workspace(workspace)
            .filter(suite=suite)
            .select_related("version__template")
        )
        case_count = cases.count()
        return {
            "suite": suite,
            "prompts": prompts,
            "cases": cases[:CASES_SHOWN],
            "case_count": case_count,
            "runs": runs.select_related("created_by")[:50],
            "cells_next": len(prompts) * case_count * suite.repeats * len(suite.model_names),
            "max_cells": settings.HUB_EVAL_MAX_CELLS,
            "prompt_form": extra.pop("prompt_form", None) or PromptAddForm(versions=versions),
            "import_form": extra.pop("import_form", None) or CasesImportForm(),
            "run_form": RunStartForm(runs=runs.filter(status=RunStatus.DONE)),
            **extra,
        }  # fmt: skip


class SuitePromptAddView(SuiteDetailView):
    permissions = WRITE

    def post(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        versions = PromptVersion.objects.filter(template__workspace=self.actor.workspace)
        form = PromptAddForm(request.POST, versions=versions.select_related("template"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.suite_prompt_add(
                    actor=self.actor, suite=self.object, version=data["version"],
                    body=data["body"], system_prompt=data["system_prompt"], label=data["label"],
                )  # fmt: skip
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Prompt added.")
                return redirect("eval-suite-detail", workspace_slug, suite_id)
        return self.render_page(self.suite_context(prompt_form=form), status=400)


class SuitePromptRemoveView(SuitePage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(
        self, request: HttpRequest, workspace_slug: str, suite_id: int, suite_prompt_id: int
    ) -> HttpResponse:
        prompt = get_object_or_404(
            SuitePrompt.objects.for_workspace(self.actor.workspace).filter(suite=self.object),
            pk=suite_prompt_id,
        )
        services.suite_prompt_remove(actor=self.actor, prompt=prompt)
        messages.success(request, f"Prompt “{prompt.label}” removed from later runs.")
        return redirect("eval-suite-detail", workspace_slug, suite_id)


class CasesImportView(SuiteDetailView):
    permissions = WRITE

    def post(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        form = CasesImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(self.suite_context(import_form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            raw = upload_read(upload)
            upload_size_check(len(raw))
            outcome = services.cases_import(
                actor=self.actor, suite=self.object, raw=raw, filename=upload.name
            )
        except ValidationError as error:
            form.add_error("file", error.messages[0])
            return self.render_page(self.suite_context(import_form=form), status=400)
        return self.render_page(self.suite_context(imported=outcome))


class CasesExportView(SuitePage):
    """``?format=jsonl`` for JSON lines; CSV otherwise."""

    def get(self, request: HttpRequest, workspace_slug: str, suite_id: int) -> HttpResponse:
        rows = [
            CaseRow(key=c.key, variables=c.variables, tags=c.tags, assertions=c.assertions)
            for c in Case.objects.for_workspace(self.actor.workspace).filter(suite=self.object)
        ]
        jsonl = request.GET.get("format") == "jsonl"
        prompts = SuitePrompt.objects.for_workspace(self.actor.workspace).filter(suite=self.object)
        named = [
            name
            for prompt in prompts.select_related("version")
            for name in variables_in(*prompt_texts(prompt))
        ]
        body = cases_jsonl(rows) if jsonl else cases_csv(rows, first=named)
        response = HttpResponse(
            body, content_type="application/jsonl" if jsonl else "text/csv; charset=utf-8"
        )
        name = f"{self.object.pk}-cases.{'jsonl' if jsonl else 'csv'}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
