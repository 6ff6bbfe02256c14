"""One document through ingestion: parsing -> chunking -> embedding -> indexed (or failed).

A task claims a queued document with a conditional update, so a message delivered twice
works it once. Chunks are embedded in batches, saving progress and a heartbeat after each;
a text the collection already holds a vector for (the document's previous version, or the
same passage in another file) is not embedded again. The new chunks replace the old ones
in one transaction at the end, so a search finds the old version until the new one is whole.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rag.chunking import Chunk as TextChunk
from rag.chunking import ChunkSettings, chunk_document
from rag.embedding import Embedder, EmbeddingFailed, embedder_for
from rag.keywords import document_vector
from rag.models import Chunk, Collection, Document, DocumentState
from rag.reading import ParsedDocument, Unreadable, read_file
from rag.vectors import IndexedChunk, vector_store
from workspaces.access import Actor
from workspaces.models import Membership

logger = logging.getLogger(__name__)
WORKING = (DocumentState.PARSING, DocumentState.CHUNKING, DocumentState.EMBEDDING)


class IngestionStopped(Exception):
    """The document was deleted or queued again while this task worked on it."""


class WorkerStopping(Exception):
    """The worker is shutting down: the document goes back to the queue, not to "failed"."""


def _never() -> bool:
    return False


@dataclass
class _Work:
    document: Document
    collection: Collection
    embedder: Embedder
    should_stop: Callable[[], bool] = field(default=_never)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def document_ingest(document_id: int, should_stop: Callable[[], bool] = _never) -> str:
    """Work one queued document; returns its state afterwards ("" when it was not queued).

    ``should_stop`` is asked between batches: when it says yes, the document is put back
    to queued (the caller queues it again) so a worker stopping for a deploy loses nothing."""
    claimed = Document.objects.filter(pk=document_id, state=DocumentState.QUEUED).update(
        state=DocumentState.PARSING, heartbeat_at=timezone.now(), error=""
    )
    if not claimed:
        return ""
    document = Document.objects.select_related("collection", "workspace", "added_by").get(
        pk=document_id
    )
    try:
        work = _Work(document, document.collection, _embedder(document), should_stop)
        parsed = _parse(work)
        chunks = _chunk(work, parsed)
        vectors = _embed(work, chunks)
        _index(work, chunks, vectors)
        return DocumentState.INDEXED
    except IngestionStopped:
        return ""
    except WorkerStopping:
        return _release(document)
    except (Unreadable, EmbeddingFailed) as reason:
        return _fail(document, str(reason))
    except Exception as error:  # a failed file must never stay "in progress"
        logger.exception("Ingesting document %s failed", document_id)
        return _fail(document, f"Ingestion failed unexpectedly ({type(error).__name__}); retry it.")


def _embedder(document: Document) -> Embedder:
    membership = (
        Membership.objects.filter(workspace=document.workspace, user=document.added_by)
        .select_related("user")
        .first()
    )
    actor = (
        Actor(user=membership.user, workspace=document.workspace, role=membership.role)
        if membership
        else None
    )
    return embedder_for(model=document.collection.embedding_model, actor=actor)


def _step(document: Document, state: str, **fields: object) -> None:
    """Move to ``state`` unless the document was deleted or re-queued meanwhile."""
    moved = Document.objects.filter(pk=document.pk, state__in=WORKING).update(
        state=state, heartbeat_at=timezone.now(), **fields
    )
    if not moved:
        raise IngestionStopped
    document.state = state


def _parse(work: _Work) -> ParsedDocument:
    with work.document.file.open("rb") as stream:
        data = stream.read()
    parsed = read_file(work.document.name, data)
    pages = [s.page for s in parsed.sections if s.page is not None]
    _step(
        work.document,
        DocumentState.CHUNKING,
        media_type=parsed.media_type,
        pages=max(pages, default=None),
    )
    return parsed


def _chunk(work: _Work, parsed: ParsedDocument) -> list[TextChunk]:
    collection = work.collection
    limit = work.embedder.max_tokens or collection.chunk_max_tokens
    size = min(collection.chunk_max_tokens, limit)
    chunk_settings = ChunkSettings(
        max_tokens=size, overlap_tokens=min(collection.chunk_overlap_tokens, size // 2)
    )
    chunks = chunk_document(parsed, count=work.embedder.token_counter(), settings=chunk_settings)
    if not chunks:
        raise Unreadable("No text was left to index once it was read.")
    _step(work.document, DocumentState.EMBEDDING, chunks_total=len(chunks), chunks_done=0)
    return chunks


def _embed(work: _Work, chunks: list[TextChunk]) -> list[np.ndarray]:
    """A vector per chunk; each distinct text embedded once, none the collection holds."""
    hashes = [text_hash(chunk.text) for chunk in chunks]
    known = _known_vectors(work.collection, set(hashes))
    pending = [h for h in dict.fromkeys(hashes) if h not in known]
    text_of = {h: chunk.text for h, chunk in zip(hashes, chunks, strict=True)}
    batch = max(1, int(settings.HUB_RAG_EMBED_BATCH))
    for start in range(0, len(pending), batch):
        if work.should_stop():
            raise WorkerStopping
        wanted = pending[start : start + batch]
        for h, vector in zip(
            wanted, work.embedder.embed([text_of[h] for h in wanted]), strict=True
        ):
            known[h] = vector
        done = sum(1 for h in hashes if h in known)
        _step(work.document, DocumentState.EMBEDDING, chunks_done=done)
    return [known[h] for h in hashes]


def _known_vectors(collection: Collection, hashes: set[str]) -> dict[str, np.ndarray]:
    rows = Chunk.objects.for_workspace(collection.workspace).filter(
        collection=collection, text_hash__in=hashes
    )
    return {
        h: np.frombuffer(bytes(dense), dtype=np.float32)
        for h, dense in rows.values_list("text_hash", "dense").order_by()
    }


def _index(work: _Work, chunks: list[TextChunk], vectors: list[np.ndarray]) -> None:
    document, collection = work.document, work.collection
    dimension = int(vectors[0].shape[0])
    if collection.dimension and collection.dimension != dimension:
        raise EmbeddingFailed(
            f"The model gives {dimension} numbers a vector, the collection holds {collection.dimension}."
        )
    keywords = [document_vector(chunk.text) for chunk in chunks]
    rows = [
        Chunk(
            workspace_id=document.workspace_id,
            collection_id=collection.pk,
            document_id=document.pk,
            position=chunk.index,
            text=chunk.text,
            text_hash=text_hash(chunk.text),
            start=chunk.start,
            end=chunk.end,
            page=chunk.page,
            heading_path=list(chunk.heading_path),
            tokens=chunk.tokens,
            dense=vector.astype(np.float32).tobytes(),
            sparse=sparse.to_bytes(),
        )
        for chunk, vector, sparse in zip(chunks, vectors, keywords, strict=True)
    ]
    with transaction.atomic():
        locked = Document.objects.select_for_update().filter(
            pk=document.pk, state=DocumentState.EMBEDDING
        )
        if not locked.exists():
            raise IngestionStopped
        old = list(Chunk.objects.filter(document=document).values_list("id", flat=True))
        Chunk.objects.filter(document=document).delete()
        created = Chunk.objects.bulk_create(rows, batch_size=500)
        vector_store().chunks_added(
            collection,
            [
                IndexedChunk(c.pk, document.pk, vector, sparse)
                for c, vector, sparse in zip(created, vectors, keywords, strict=True)
            ],
        )
        Collection.objects.filter(pk=collection.pk).update(
            dimension=dimension, index_version=F("index_version") + 1
        )
        locked.update(
            state=DocumentState.INDEXED, indexed_at=timezone.now(), error="", chunks_done=len(rows)
        )
    if old:
        transaction.on_commit(lambda: vector_store().chunks_removed(collection, old))


def documents_mark_queued(documents: QuerySet[Document]) -> list[int]:
    """Put documents back to queued, progress cleared; the caller queues their tasks."""
    ids = list(documents.values_list("id", flat=True))
    Document.objects.filter(pk__in=ids).update(
        state=DocumentState.QUEUED,
        error="",
        chunks_done=0,
        chunks_total=0,
        heartbeat_at=None,
        queued_at=timezone.now(),
    )
    return ids


def stalled_documents(*, older_than: timedelta) -> QuerySet[Document]:
    """Documents in progress whose task stopped beating (its worker died or was killed), and
    released ones nobody took up since (a queued document has no heartbeat otherwise)."""
    cutoff = timezone.now() - older_than
    return Document.objects.filter(
        state__in=(*WORKING, DocumentState.QUEUED), heartbeat_at__lt=cutoff
    )


def _release(document: Document) -> str:
    """Back to queued, keeping its place in the progress batch (``queued_at``). The heartbeat
    stays: should the message that queues it again never reach the broker (it is often
    going down too), the sweep finds it like a document whose worker died."""
    released = Document.objects.filter(pk=document.pk, state__in=WORKING).update(
        state=DocumentState.QUEUED, chunks_done=0, heartbeat_at=timezone.now()
    )
    return DocumentState.QUEUED if released else ""


def _fail(document: Document, reason: str) -> str:
    Document.objects.filter(pk=document.pk, state__in=WORKING).update(
        state=DocumentState.FAILED, error=reason[:2000], heartbeat_at=None
    )
    return DocumentState.FAILED
