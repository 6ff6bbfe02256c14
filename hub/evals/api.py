"""/api/workspaces/<slug>/eval-suites/… and eval-runs/…: evaluations for scripts, as the
pages offer them.

Viewers read suites, runs and cells; members write suites and start and cancel runs (an API
key needs the ``inference`` scope for that, as for any model call). Every row comes from a
queryset scoped to the caller's workspace, so another workspace's is a 404 whatever the
method. Thin over ``hub.evals`` services and selectors.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from hub.evals import selectors, services
from hub.evals.leaderboard import SOURCES, leaderboard
from hub.evals.models import Cell, Run, RunStatus, Suite
from hub.evals.serializers import (
    CasesImportedSerializer,
    CasesUploadSerializer,
    CellSerializer,
    LeaderboardSerializer,
    RunDetailSerializer,
    RunSerializer,
    RunStartSerializer,
    SuitePromptWriteSerializer,
    SuiteSerializer,
    SuiteWriteSerializer,
    comparison_json,
    run_detail_json,
)
from hub.prompts.models import PromptVersion
from routing.pipeline.errors import error_body
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.models import Workspace
from workspaces.roles import Permission
from workspaces.uploads import upload_read, upload_size_check

WRITE = Permission.USE_MODELS


class _SuiteView(WorkspaceScopedView[Suite]):
    queryset = Suite.objects.none()
    serializer_class = SuiteSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE, "PATCH": WRITE, "DELETE": WRITE}

    def scoped_queryset(self) -> QuerySet[Suite]:
        return (
            Suite.objects.for_workspace(self.actor.workspace)
            .annotate(case_count=Count("cases"))
            .prefetch_related("prompts")
        )

    def render_suite(self, pk: int, *, status: int = 200) -> Response:
        return self.render(self.scoped_queryset().get(pk=pk), status=status)


class SuiteListView(WorkspaceScopedListView[Suite], _SuiteView):
    @extend_schema(request=SuiteWriteSerializer, responses={201: SuiteSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        fields = services.SuiteFields(**self.parsed(SuiteWriteSerializer))
        suite = services.suite_create(actor=self.actor, fields=fields)
        return self.render_suite(suite.pk, status=status.HTTP_201_CREATED)


class SuiteDetailView(_SuiteView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=SuiteWriteSerializer, responses=SuiteSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Changes later runs; runs already made keep the settings they were made with."""
        suite = self.url_object
        current = {
            "name": suite.name, "description": suite.description,
            "model_names": suite.model_names, "repeats": suite.repeats, "params": suite.params,
            "assertions": suite.assertions, "pairwise": suite.pairwise,
            "feeds_routing": suite.feeds_routing,
        }  # fmt: skip
        changes = self.parsed(SuiteWriteSerializer, partial=True)
        fields = services.SuiteFields(**{**current, **changes})
        services.suite_update(actor=self.actor, suite=suite, fields=fields)
        return self.render_suite(pk)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.suite_delete(actor=self.actor, suite=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SuitePromptAddView(_SuiteView):
    required_permissions = {"POST": WRITE}

    @extend_schema(request=SuitePromptWriteSerializer, responses={201: SuiteSerializer})
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """A prompt library version (``version``), or a text of the suite's own (``body``)."""
        fields = self.parsed(SuitePromptWriteSerializer)
        version = None
        if fields["version"] is not None:
            version = PromptVersion.objects.filter(
                template__workspace=self.actor.workspace, pk=fields["version"]
            ).first()
            if version is None:
                body = error_body(
                    "No such prompt version in this workspace.", status_code=400, param="version"
                )
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
        services.suite_prompt_add(
            actor=self.actor, suite=self.url_object, version=version, body=fields["body"],
            system_prompt=fields["system_prompt"], label=fields["label"],
        )  # fmt: skip
        return self.render_suite(pk, status=status.HTTP_201_CREATED)


class CasesImportView(_SuiteView):
    serializer_class = CasesImportedSerializer
    required_permissions = {"POST": WRITE}

    @extend_schema(
        request={"multipart/form-data": CasesUploadSerializer},
        responses=CasesImportedSerializer,
    )
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Cases added or, for a key the suite has, updated; bad rows are refused alone."""
        upload = request.FILES.get("file")
        if upload is None:
            body = error_body("Send a .csv or .jsonl file in the file field.", status_code=400,
                              param="file")  # fmt: skip
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        raw = upload_read(upload)
        upload_size_check(len(raw))
        outcome = services.cases_import(
            actor=self.actor, suite=self.url_object, raw=raw, filename=upload.name or "cases"
        )
        return Response(CasesImportedSerializer(outcome).data)


class _SuiteRunsView(WorkspaceScopedView[Run]):
    """Runs of one suite: ``pk`` is the suite's id."""

    queryset = Run.objects.none()
    serializer_class = RunSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE}
    lookup_url_kwarg = "run"  # no route names one: the list and start only
    parent_model = Suite
    suite: Suite

    def resolve_parent(self, **kwargs: Any) -> None:
        try:
            self.suite = Suite.objects.for_workspace(self.actor.workspace).get(pk=kwargs["pk"])
        except Suite.DoesNotExist:
            raise Http404("No such suite.") from None

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).filter(suite=self.suite)


class SuiteRunListView(WorkspaceScopedListView[Run], _SuiteRunsView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:  # type: ignore[override]
        return self.list(request)

    @extend_schema(request=RunStartSerializer, responses={202: RunSerializer})
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """The suite as it is now, queued for a worker (202); follow it at eval-runs/<id>/."""
        fields = self.parsed(RunStartSerializer)
        baseline = None
        if fields["baseline"] is not None:
            baseline = self.scoped_queryset().filter(number=fields["baseline"]).first()
            if baseline is None or baseline.status != RunStatus.DONE:
                body = error_body(f"The suite has no finished run #{fields['baseline']}.",
                                  status_code=400, param="baseline")  # fmt: skip
                return Response(body, status=status.HTTP_400_BAD_REQUEST)
        run = services.run_start(
            actor=self.actor, suite=self.suite, use_cache=fields["use_cache"], baseline=baseline
        )
        run.refresh_from_db()  # a worker may have worked it already (eager in tests)
        return self.render(run, status=status.HTTP_202_ACCEPTED)


class _RunView(WorkspaceScopedView[Run]):
    queryset = Run.objects.none()
    serializer_class = RunDetailSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": WRITE}

    def scoped_queryset(self) -> QuerySet[Run]:
        return Run.objects.for_workspace(self.actor.workspace).select_related("baseline", "suite")


class RunDetailView(_RunView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Progress, each column's pass rate with its Wilson interval and, once the run has
        ended and has a baseline, the verdict of the paired tests against it."""
        run = self.url_object
        comparison = None
        if run.baseline is not None and not run.in_progress:
            compared = selectors.runs_compare(run.baseline, run)
            comparison = comparison_json(run.baseline, run, compared)
        progress, columns = selectors.run_progress(run), selectors.run_columns(run)
        return Response(run_detail_json(run, progress, columns, comparison))


class RunCancelView(_RunView):
    serializer_class = RunSerializer
    required_permissions = {"POST": WRITE}

    @extend_schema(request=None, responses=RunSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Stops a queued or running run (409 once it has ended)."""
        run = self.url_object
        if not services.run_cancel(actor=self.actor, run=run):
            body = error_body(f"Run #{run.number} has already ended ({run.status}).",
                              status_code=409, code="run_ended")  # fmt: skip
            return Response(body, status=status.HTTP_409_CONFLICT)
        return self.render(run)


class RunCellListView(WorkspaceScopedListView[Cell]):
    """The run's cells (``pk`` is the run's id), in grid order; ``?failed=true`` for failures."""

    queryset = Cell.objects.none()
    serializer_class = CellSerializer
    lookup_url_kwarg = "cell"  # no route names one: ``pk`` is the run's
    parent_model = Run
    run: Run

    def resolve_parent(self, **kwargs: Any) -> None:
        try:
            self.run = Run.objects.for_workspace(self.actor.workspace).get(pk=kwargs["pk"])
        except Run.DoesNotExist:
            raise Http404("No such run.") from None

    def scoped_queryset(self) -> QuerySet[Cell]:
        cells = Cell.objects.for_workspace(self.actor.workspace).filter(run=self.run)
        if self.request.query_params.get("failed") == "true":
            cells = cells.filter(passed=False)
        return cells.order_by("id")

    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:  # type: ignore[override]
        return self.list(request)


class LeaderboardView(WorkspaceScopedView[Workspace]):
    queryset = Workspace.objects.none()
    serializer_class = LeaderboardSerializer

    def scoped_queryset(self) -> QuerySet[Workspace]:
        return Workspace.objects.filter(pk=self.actor.workspace.pk)

    @extend_schema(
        parameters=[
            OpenApiParameter("source", str, many=True, enum=list(SOURCES),
                             description="Which verdicts to rank (default: all)."),
            OpenApiParameter("style", bool, description="Control for length and markdown."),
        ]
    )  # fmt: skip
    def get(self, request: Request, workspace_slug: str) -> Response:
        """Bradley-Terry ratings with bootstrap 95 % intervals, best first."""
        params = request.query_params
        picked = tuple(s for s in params.getlist("source") if s in SOURCES) or tuple(SOURCES)
        board = leaderboard(
            self.actor.workspace, sources=picked, style_control=params.get("style") == "true"
        )
        return Response(LeaderboardSerializer(board).data)
