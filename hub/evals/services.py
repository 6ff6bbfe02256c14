"""Writes of evaluations: suites, their prompts, and cases imported from a file.

Callers check the actor's permission; everything here is scoped to ``actor.workspace`` and
refuses, with a ValidationError naming the field, what a run would later trip over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from hub.evals.assertions import MAX_RUBRIC, assertion_parse
from hub.evals.cases_exchange import cases_read
from hub.evals.matrix import cells_build
from hub.evals.models import Case, Cell, CellStatus, Run, RunStatus, Suite, SuitePrompt
from hub.evals.routing_feed import source_key
from hub.evals.tasks import run_enqueue
from hub.prompts.models import PromptVersion
from routing.quality import quality_scores_withdraw
from workspaces.access import Actor
from workspaces.roles import Permission

MAX_MODELS = 16
MAX_REPEATS = 20
PARAMS = {"temperature": (0.0, 2.0), "top_p": (0.0, 1.0), "max_tokens": (1, 1_000_000)}


SUITE_FIELDS = (
    "name", "description", "model_names", "repeats", "params", "assertions", "pairwise",
    "feeds_routing",
)  # fmt: skip


@dataclass(frozen=True)
class SuiteFields:
    name: str
    description: str = ""
    model_names: list[str] = field(default_factory=list)
    repeats: int = 1
    params: dict[str, Any] = field(default_factory=dict)
    assertions: list[dict[str, Any]] = field(default_factory=list)
    pairwise: dict[str, Any] = field(default_factory=dict)
    feeds_routing: bool = False

    def cleaned(self) -> SuiteFields:
        name = self.name.strip() if isinstance(self.name, str) else ""
        if not name or len(name) > 200:
            raise ValidationError({"name": "A name of 1 to 200 characters."})
        names = self.model_names
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValidationError({"model_names": "A list of model names or aliases."})
        if len(names) > MAX_MODELS:
            raise ValidationError({"model_names": f"At most {MAX_MODELS} models a suite."})
        repeats = self.repeats
        if (
            isinstance(repeats, bool)
            or not isinstance(repeats, int)
            or not 1 <= repeats <= MAX_REPEATS
        ):
            raise ValidationError({"repeats": f"A whole number from 1 to {MAX_REPEATS}."})
        if not isinstance(self.assertions, list):
            raise ValidationError({"assertions": "A list of assertions."})
        try:
            for n, raw in enumerate(self.assertions):
                assertion_parse(raw, where=f"assertions[{n}]")
        except ValidationError as error:
            raise ValidationError({"assertions": error.messages}) from None
        return SuiteFields(
            name=name,
            description=(self.description or "").strip(),
            model_names=list(dict.fromkeys(n.strip() for n in names)),
            repeats=repeats,
            params=_params_clean(self.params),
            assertions=self.assertions,
            pairwise=_pairwise_clean(self.pairwise),
            feeds_routing=bool(self.feeds_routing),
        )


def _pairwise_clean(raw: Any) -> dict[str, Any]:
    """{} (no pairwise judging) or {"model": judge, "rubric": what a better answer does}."""
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict) or set(raw) - {"model", "rubric"}:
        raise ValidationError({"pairwise": 'An object {"model": ..., "rubric": ...}, or empty.'})
    model, rubric = raw.get("model"), raw.get("rubric")
    if not isinstance(model, str) or not model.strip() or len(model) > 200:
        raise ValidationError({"pairwise": "Name the judge model."})
    if not isinstance(rubric, str) or not rubric.strip() or len(rubric) > MAX_RUBRIC:
        raise ValidationError({"pairwise": f"A rubric of 1 to {MAX_RUBRIC} characters."})
    return {"model": model.strip(), "rubric": rubric.strip()}


def _params_clean(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValidationError({"params": "An object of request parameters."})
    unknown = sorted(set(raw) - set(PARAMS))
    if unknown:
        raise ValidationError(
            {"params": f"Unknown parameter {unknown[0]}; known: {', '.join(PARAMS)}."}
        )
    for name, value in raw.items():
        low, high = PARAMS[name]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or not low <= value <= high:
            raise ValidationError({"params": f"{name} must be a number from {low} to {high}."})
        if isinstance(low, int) and not isinstance(value, int):
            raise ValidationError({"params": f"{name} must be a whole number."})
    return dict(raw)


def suite_create(*, actor: Actor, fields: SuiteFields) -> Suite:
    clean = fields.cleaned()
    try:
        with transaction.atomic():
            return Suite.objects.create(
                workspace=actor.workspace,
                created_by=actor.user,
                **{name: getattr(clean, name) for name in SUITE_FIELDS},
            )
    except IntegrityError:
        raise ValidationError({"name": f"A suite named “{clean.name}” already exists."}) from None


def suite_update(*, actor: Actor, suite: Suite, fields: SuiteFields) -> Suite:
    """New settings for later runs; runs already made keep the ones they were made with."""
    _own(actor, suite)
    clean = fields.cleaned()
    for name in SUITE_FIELDS:
        setattr(suite, name, getattr(clean, name))
    try:
        with transaction.atomic():
            suite.save()
            if not suite.feeds_routing:  # its scores no longer steer routing
                quality_scores_withdraw(workspace=suite.workspace, source_key=source_key(suite.pk))
    except IntegrityError:
        raise ValidationError({"name": f"A suite named “{clean.name}” already exists."}) from None
    return suite


def suite_delete(*, actor: Actor, suite: Suite) -> None:
    """The suite with its cases and runs; refused while one of its runs is in progress."""
    _own(actor, suite)
    if suite.runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
        raise ValidationError("A run of this suite is in progress; cancel it first.")
    with transaction.atomic():
        quality_scores_withdraw(workspace=suite.workspace, source_key=source_key(suite.pk))
        suite.delete()


def suite_prompt_remove(*, actor: Actor, prompt: SuitePrompt) -> None:
    """Later runs leave it out; cells of earlier runs keep its label and text."""
    if prompt.workspace_id != actor.workspace.pk:
        raise ValidationError({"prompt": "No such prompt in this workspace."})
    prompt.delete()


def suite_prompt_add(
    *,
    actor: Actor,
    suite: Suite,
    version: PromptVersion | None = None,
    body: str = "",
    system_prompt: str = "",
    label: str = "",
) -> SuitePrompt:
    """A library version, or a text of the suite's own (``body``), at the end of the list."""
    _own(actor, suite)
    if version is not None and version.template.workspace_id != actor.workspace.pk:
        raise ValidationError({"version": "No such prompt version in this workspace."})
    if version is None and not body.strip():
        raise ValidationError({"body": "Give a prompt version or a body."})
    if version is not None:
        label = label or f"{version.template.name} v{version.number}"
    position = suite.prompts.aggregate(last=Max("position"))["last"]
    return SuitePrompt.objects.create(
        workspace=actor.workspace,
        suite=suite,
        position=0 if position is None else position + 1,
        label=(label or body.strip().splitlines()[0])[:200],
        version=version,
        system_prompt=system_prompt if version is None else "",
        body=body if version is None else "",
    )


def _own(actor: Actor, suite: Suite) -> None:
    if suite.workspace_id != actor.workspace.pk:
        raise ValidationError({"suite": "No such suite in this workspace."})


@dataclass
class CasesImported:
    added: int = 0
    updated: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def cases_import(*, actor: Actor, suite: Suite, raw: bytes, filename: str) -> CasesImported:
    """Cases from a CSV or JSONL file; a key the suite has already is updated in place."""
    _own(actor, suite)
    read = cases_read(raw, filename=filename)
    result = CasesImported(refused=read.refused)
    with transaction.atomic():
        Suite.objects.select_for_update().filter(pk=suite.pk).first()  # one import at a time
        existing = {
            c.key: c for c in Case.objects.for_workspace(actor.workspace).filter(suite=suite)
        }
        position = max((c.position for c in existing.values()), default=-1)
        for case in read.cases:
            known = existing.get(case.key)
            if known is not None:
                known.variables, known.tags, known.assertions = (
                    case.variables, case.tags, case.assertions,
                )  # fmt: skip
                known.save(update_fields=["variables", "tags", "assertions"])
                result.updated += 1
                continue
            position += 1
            Case.objects.create(
                workspace=actor.workspace, suite=suite, key=case.key, position=position,
                variables=case.variables, tags=case.tags, assertions=case.assertions,
            )  # fmt: skip
            result.added += 1
    return result


def run_start(
    *,
    actor: Actor,
    suite: Suite,
    use_cache: bool = True,
    baseline: Run | None = None,
    queue: bool = True,
) -> Run:
    """A run of the suite as it is now, queued for a worker once the transaction commits
    (``queue=False``: the caller works it, as ``manage.py eval_run`` does)."""
    _own(actor, suite)
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not call models.")
    finished = Run.objects.for_workspace(actor.workspace).filter(suite=suite, status=RunStatus.DONE)
    if baseline is not None and not finished.filter(pk=baseline.pk).exists():
        raise ValidationError({"baseline": "The baseline must be a finished run of the suite."})
    prompts = list(
        SuitePrompt.objects.for_workspace(actor.workspace)
        .filter(suite=suite)
        .select_related("version")
    )
    cases = list(Case.objects.for_workspace(actor.workspace).filter(suite=suite))
    _matrix_check(suite, prompts, cases)
    with transaction.atomic():
        Suite.objects.select_for_update().filter(pk=suite.pk).first()  # one number each
        last = Run.objects.filter(suite=suite).aggregate(last=Max("number"))["last"] or 0
        run = Run.objects.create(
            workspace=actor.workspace, suite=suite, number=last + 1, use_cache=use_cache,
            model_names=suite.model_names, repeats=suite.repeats, params=suite.params,
            pairwise=suite.pairwise, baseline=baseline, created_by=actor.user,
            heartbeat_at=timezone.now(),  # for a queued run: when it was sent
            cells_total=len(prompts) * len(cases) * len(suite.model_names) * suite.repeats,
        )  # fmt: skip
        Cell.objects.bulk_create(cells_build(run, prompts, cases, suite.assertions), 500)
        if queue:
            transaction.on_commit(lambda: run_enqueue(run.pk))
    return run


def _matrix_check(suite: Suite, prompts: list[SuitePrompt], cases: list[Case]) -> None:
    missing = [
        what
        for what, have in (("a prompt", prompts), ("a model", suite.model_names), ("a case", cases))
        if not have
    ]
    if missing:
        raise ValidationError({"suite": f"Add {' and '.join(missing)} before running the suite."})
    cells = len(prompts) * len(cases) * len(suite.model_names) * suite.repeats
    if cells > settings.HUB_EVAL_MAX_CELLS:
        raise ValidationError(
            {"suite": f"This run would have {cells:,} cells; the limit is "
             f"{settings.HUB_EVAL_MAX_CELLS:,} (HUB_EVAL_MAX_CELLS)."}
        )  # fmt: skip


def run_cancel(*, actor: Actor, run: Run) -> bool:
    """Stop a queued or running run; its worker cancels the calls in flight within a second.
    False when it had already ended."""
    if run.workspace_id != actor.workspace.pk:
        raise ValidationError({"run": "No such run in this workspace."})
    if not actor.can(Permission.USE_MODELS):
        raise PermissionDenied("Your role in this workspace may not stop runs.")
    with transaction.atomic():
        status = Run.objects.select_for_update().filter(pk=run.pk).values_list("status", flat=True)
        was = status.first()
        if was not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return False
        Run.objects.filter(pk=run.pk).update(status=RunStatus.CANCELLED, finished_at=timezone.now())
        if was == RunStatus.QUEUED:  # no worker has it: nobody else will mark its cells
            Cell.objects.filter(run=run, status=CellStatus.PENDING).update(
                status=CellStatus.CANCELLED
            )
    run.refresh_from_db()
    return True
