"""Quality scores measured outside routing (evaluation suites) handed to it: the one door
through which a feature above routing tells it how good each model is, so routing never
imports the feature. A publication replaces everything its source published before."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from routing.models import QualityScore
from routing.pipeline.workspace_routing import routing_forget
from workspaces.models import Workspace


@dataclass(frozen=True)
class MeasuredQuality:
    model: str  # provider/model
    score: float  # 0..1
    margin: float  # half the 95 % interval
    cases: int
    task: str = ""  # a task tag, or "" for every task


def quality_scores_publish(
    *,
    workspace: Workspace,
    source_key: str,
    source: str,
    detail: str,
    measured_at: datetime,
    scores: Iterable[MeasuredQuality],
) -> int:
    """Replace ``source_key``'s scores in the workspace; returns how many it holds now."""
    rows = [
        QualityScore(
            workspace=workspace, source_key=source_key, source=source[:300], model=s.model,
            task=s.task[:64], score=min(1.0, max(0.0, s.score)), margin=max(0.0, s.margin),
            cases=s.cases, detail=detail[:300], measured_at=measured_at,
        )
        for s in scores
    ]  # fmt: skip
    with transaction.atomic():
        QualityScore.objects.for_workspace(workspace).filter(source_key=source_key).delete()
        QualityScore.objects.bulk_create(rows)
    transaction.on_commit(routing_forget)
    return len(rows)


def quality_scores_withdraw(*, workspace: Workspace, source_key: str) -> None:
    QualityScore.objects.for_workspace(workspace).filter(source_key=source_key).delete()
    transaction.on_commit(routing_forget)
