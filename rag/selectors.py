"""Reads of RAG, always scoped to the caller's workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet, Sum

from rag.models import CROSS_ENCODER, IN_PROGRESS, Collection, Document, DocumentState
from routing.selectors import model_list
from workspaces.access import Actor
from workspaces.models import Workspace


def collection_list(*, workspace: Workspace) -> QuerySet[Collection]:
    return Collection.objects.for_workspace(workspace).annotate(
        document_count=Count("documents", distinct=True),
        failed_count=Count(
            "documents", filter=Q(documents__state=DocumentState.FAILED), distinct=True
        ),
    )


def collections_named(*, workspace: Workspace, names: list[str]) -> list[Collection]:
    """The workspace's collections of these names (or ids), in the order asked."""
    found = Collection.objects.for_workspace(workspace).filter(
        Q(name__in=names) | Q(pk__in=[int(n) for n in names if str(n).isdigit()])
    )
    by_key = {c.name: c for c in found} | {str(c.pk): c for c in found}
    return list(dict.fromkeys(by_key[n] for n in names if n in by_key))


def document_list(*, collection: Collection) -> QuerySet[Document]:
    return Document.objects.for_workspace(collection.workspace).filter(collection=collection)


def embedding_model_choices(*, actor: Actor) -> list[str]:
    """The workspace's embedding models, and its aliases (which may name one)."""
    return [
        entry["id"]
        for entry in model_list(actor=actor)
        if entry.get("is_embedding") or entry.get("owned_by") == "alias"
    ]


def reranker_choices(*, actor: Actor) -> list[str]:
    """The local cross-encoder when one is configured, then the workspace's rerank models,
    and its aliases."""
    local = [CROSS_ENCODER] if settings.HUB_RAG_CROSS_ENCODER else []
    return local + [
        entry["id"]
        for entry in model_list(actor=actor)
        if entry.get("is_rerank") or entry.get("owned_by") == "alias"
    ]


@dataclass(frozen=True)
class Progress:
    """The batch being ingested: documents queued since the oldest one still in progress.
    ``active`` is False when nothing is in progress (then the counts are of the last batch)."""

    active: bool
    files_total: int = 0
    files_done: int = 0
    files_failed: int = 0
    chunks_total: int = 0
    chunks_done: int = 0

    @property
    def percent(self) -> int:
        """Files not yet chunked count as one part in a hundred of the bar each."""
        if not self.files_total:
            return 0
        file_share = (self.files_done + self.files_failed) / self.files_total
        chunk_share = self.chunks_done / self.chunks_total if self.chunks_total else 0.0
        return min(
            100,
            round(
                100 * (0.5 * file_share + 0.5 * chunk_share if self.chunks_total else file_share)
            ),
        )


def collection_progress(*, collection: Collection) -> Progress:
    documents = document_list(collection=collection)
    start = documents.filter(state__in=IN_PROGRESS).aggregate(start=Min("queued_at"))["start"]
    if start is None:
        return Progress(active=False)
    totals = documents.filter(queued_at__gte=start).aggregate(
        files=Count("id"),
        done=Count("id", filter=Q(state=DocumentState.INDEXED)),
        failed=Count("id", filter=Q(state=DocumentState.FAILED)),
        chunks=Sum("chunks_total"),
        chunks_done=Sum("chunks_done"),
    )
    return Progress(
        active=True,
        files_total=totals["files"],
        files_done=totals["done"],
        files_failed=totals["failed"],
        chunks_total=totals["chunks"] or 0,
        chunks_done=totals["chunks_done"] or 0,
    )
