"""Background work of RAG, run by Celery: ingestion on a queue of its own (``rag``), and the
sweep that queues again what a dead worker left half done.

A worker told to stop (SIGTERM, a deploy) finishes the batch it is embedding, puts its
document back on the queue and exits within Celery's warm shutdown; one killed outright is
caught by the sweep once its heartbeat is older than ``STALLED_AFTER``."""

from __future__ import annotations

import threading
from datetime import timedelta

from celery import shared_task
from celery.signals import worker_shutting_down
from django.db import transaction

from rag.ingestion import document_ingest, documents_mark_queued, stalled_documents
from rag.models import DocumentState

STALLED_AFTER = timedelta(minutes=3)  # a batch beats well within this, even on a slow CPU
_worker_stopping = threading.Event()


@worker_shutting_down.connect(weak=False, dispatch_uid="rag-ingestion-stops")
def _stop_ingesting(**_: object) -> None:
    _worker_stopping.set()


@shared_task(name="rag.ingest_document", acks_late=True)
def ingest_document_task(document_id: int) -> str:
    state = document_ingest(document_id, should_stop=_worker_stopping.is_set)
    if state == DocumentState.QUEUED:  # released by a stopping worker: the next one takes it
        ingest_document_task.delay(document_id)
    return state


@shared_task(name="rag.requeue_stalled_documents")
def requeue_stalled_documents_task() -> int:
    """Every minute (see schedules); returns how many documents were queued again."""
    with transaction.atomic():
        ids = documents_mark_queued(stalled_documents(older_than=STALLED_AFTER))
    for document_id in ids:
        ingest_document_task.delay(document_id)
    return len(ids)
