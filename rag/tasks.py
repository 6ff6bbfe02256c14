"""Background work of RAG, run by Celery: ingestion on a queue of its own (``rag``), and the
sweep that queues again what a dead worker left half done."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import transaction

from rag.ingestion import document_ingest, documents_mark_queued, stalled_documents

STALLED_AFTER = timedelta(minutes=3)  # a batch beats well within this, even on a slow CPU


@shared_task(name="rag.ingest_document", acks_late=True)
def ingest_document_task(document_id: int) -> str:
    return document_ingest(document_id)


@shared_task(name="rag.requeue_stalled_documents")
def requeue_stalled_documents_task() -> int:
    """Every minute (see schedules); returns how many documents were queued again."""
    with transaction.atomic():
        ids = documents_mark_queued(stalled_documents(older_than=STALLED_AFTER))
    for document_id in ids:
        ingest_document_task.delay(document_id)
    return len(ids)
