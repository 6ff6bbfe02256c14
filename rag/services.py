"""Writes of RAG: collections, and documents added, replaced, retried and deleted.

Roles: members add documents (``use_models``: ingestion may call a paid embedding model);
owners and admins create, change and delete collections and any document
(``manage_collections``). Ingestion is queued after commit, one task per document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from rag import selectors
from rag.ingestion import documents_mark_queued
from rag.models import Chunk, Collection, Document, DocumentState, Fusion
from rag.reading import UploadedFile, UploadLimits, unpack_upload
from rag.tasks import ingest_document_task
from rag.token_counts import LOCAL_MODEL_MAX_TOKENS
from rag.vectors import vector_store
from workspaces.access import Actor
from workspaces.roles import Permission

MAX_CHUNK_TOKENS = 8000


def _require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied("Your role in this workspace does not allow this.")


def upload_limits() -> UploadLimits:
    return UploadLimits(
        max_file_bytes=settings.HUB_RAG_MAX_FILE_BYTES, max_files=settings.HUB_RAG_MAX_FILES
    )


# Collections ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionFields:
    name: str
    description: str = ""
    embedding_model: str = ""
    chunk_max_tokens: int = 200
    chunk_overlap_tokens: int = 32
    fusion: str = Fusion.RRF
    reranker: str = ""

    def check(self, *, actor: Actor) -> None:
        embedding_models = selectors.embedding_model_choices(actor=actor)
        rerankers = selectors.reranker_choices(actor=actor)
        if not self.name.strip() or len(self.name) > 100:
            raise ValidationError({"name": "A name of 1 to 100 characters."})
        if self.embedding_model and self.embedding_model not in set(embedding_models):
            raise ValidationError(
                {
                    "embedding_model": f"“{self.embedding_model}” is not an embedding model or alias of this workspace."
                }
            )
        limit = LOCAL_MODEL_MAX_TOKENS if not self.embedding_model else MAX_CHUNK_TOKENS
        if not 8 <= self.chunk_max_tokens <= limit:
            raise ValidationError(
                {"chunk_max_tokens": f"Between 8 and {limit} tokens for this model."}
            )
        if not 0 <= self.chunk_overlap_tokens <= self.chunk_max_tokens // 2:
            raise ValidationError({"chunk_overlap_tokens": "Between 0 and half a chunk."})
        if self.fusion not in Fusion.values:
            raise ValidationError({"fusion": "rrf or dbsf."})
        if self.reranker and self.reranker not in set(rerankers):
            raise ValidationError(
                {"reranker": f"“{self.reranker}” is not a reranker this workspace can use."}
            )


def collection_create(*, actor: Actor, fields: CollectionFields) -> Collection:
    _require(actor, Permission.MANAGE_COLLECTIONS)
    fields.check(actor=actor)
    try:
        with transaction.atomic():
            return Collection.objects.create(
                workspace=actor.workspace, created_by=actor.user, **_columns(fields)
            )
    except IntegrityError:
        raise ValidationError({"name": "This workspace has a collection of that name."}) from None


def collection_update(
    *, actor: Actor, collection: Collection, fields: CollectionFields
) -> Collection:
    """A new embedding model re-embeds every document (the old vectors are dropped at once:
    they cannot be compared with the new model's); new chunk sizes re-chunk every document,
    and the old chunks serve searches until each document's new ones are ready."""
    _require(actor, Permission.MANAGE_COLLECTIONS)
    fields.check(actor=actor)
    new_model = fields.embedding_model != collection.embedding_model
    new_chunks = (fields.chunk_max_tokens, fields.chunk_overlap_tokens) != (
        collection.chunk_max_tokens,
        collection.chunk_overlap_tokens,
    )
    for name, value in _columns(fields).items():
        setattr(collection, name, value)
    try:
        with transaction.atomic():
            collection.save()
            if new_model:
                Chunk.objects.filter(collection=collection).delete()
                Collection.objects.filter(pk=collection.pk).update(
                    dimension=None, index_version=F("index_version") + 1
                )
                transaction.on_commit(lambda: vector_store().collection_dropped(collection))
            if new_model or new_chunks:
                _requeue(collection.documents.exclude(state=DocumentState.QUEUED))
    except IntegrityError:
        raise ValidationError({"name": "This workspace has a collection of that name."}) from None
    collection.refresh_from_db()
    return collection


def collection_delete(*, actor: Actor, collection: Collection) -> None:
    _require(actor, Permission.MANAGE_COLLECTIONS)
    files = [str(d.file.name) for d in collection.documents.all() if d.file]
    collection.delete()
    transaction.on_commit(lambda: _forget(collection, files))


def _columns(fields: CollectionFields) -> dict[str, object]:
    return {
        "name": fields.name.strip(),
        "description": fields.description.strip(),
        "embedding_model": fields.embedding_model,
        "chunk_max_tokens": fields.chunk_max_tokens,
        "chunk_overlap_tokens": fields.chunk_overlap_tokens,
        "fusion": fields.fusion,
        "reranker": fields.reranker,
    }


def _forget(collection: Collection, files: list[str]) -> None:
    vector_store().collection_dropped(collection)
    storage = Document._meta.get_field("file").storage
    for name in files:
        storage.delete(name)


# Documents -----------------------------------------------------------------------------------


@dataclass
class UploadOutcome:
    """What became of each file sent: queued (new or replacing its old version), already
    present (the same content under some name), or refused with the reason."""

    queued: list[Document] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def documents_add(
    *, actor: Actor, collection: Collection, uploads: list[tuple[str, bytes]]
) -> UploadOutcome:
    _require(actor, Permission.USE_MODELS)
    limits = upload_limits()
    outcome = UploadOutcome()
    files: list[UploadedFile] = []
    for name, data in uploads:
        unpacked = unpack_upload(name[:400], data, limits)
        outcome.refused.extend(unpacked.refused)
        for file in unpacked.files:
            if len(files) >= limits.max_files:
                outcome.refused.append(
                    (file.name, f"More than {limits.max_files} files in one upload.")
                )
            else:
                files.append(file)
    for file in files:
        _document_add(actor, collection, file, outcome)
    return outcome


def _document_add(
    actor: Actor, collection: Collection, file: UploadedFile, outcome: UploadOutcome
) -> None:
    digest = hashlib.sha256(file.data).hexdigest()
    same = collection.documents.filter(content_hash=digest).first()
    if same is not None:
        outcome.unchanged.append((file.name, f"Already in the collection as {same.name}."))
        return
    with transaction.atomic():
        document = collection.documents.select_for_update().filter(
            name=file.name
        ).first() or Document(workspace=actor.workspace, collection=collection, name=file.name)
        old_file = document.file.name if document.file else ""
        document.content_hash = digest
        document.size = len(file.data)
        document.added_by = actor.user
        _reset(document)
        document.file.save(digest, ContentFile(file.data), save=False)
        document.save()
        _queue_after_commit(document.pk)
        if old_file and old_file != document.file.name:
            transaction.on_commit(lambda: document.file.storage.delete(old_file))
    outcome.queued.append(document)


def document_retry(*, actor: Actor, document: Document) -> Document:
    """A failed document, queued again on its own."""
    _require(actor, Permission.USE_MODELS)
    if document.state != DocumentState.FAILED:
        raise ValidationError("Only a failed document is retried.")
    with transaction.atomic():
        _requeue(Document.objects.filter(pk=document.pk))
    document.refresh_from_db()
    return document


def document_delete(*, actor: Actor, document: Document) -> None:
    """Members delete what they added; admins any document. Its vectors go with it."""
    if not (actor.can(Permission.MANAGE_COLLECTIONS) or document.added_by_id == actor.user.pk):
        _require(actor, Permission.MANAGE_COLLECTIONS)
    collection = document.collection
    chunk_ids = list(document.chunks.values_list("id", flat=True))
    file_name = document.file.name
    with transaction.atomic():
        document.delete()
        Collection.objects.filter(pk=collection.pk).update(index_version=F("index_version") + 1)
    vector_store().chunks_removed(collection, chunk_ids)
    if file_name:
        document.file.storage.delete(file_name)


def _reset(document: Document) -> None:
    document.state = DocumentState.QUEUED
    document.error = ""
    document.chunks_done = 0
    document.chunks_total = 0
    document.heartbeat_at = None
    document.queued_at = timezone.now()


def _requeue(documents: QuerySet[Document]) -> None:
    for document_id in documents_mark_queued(documents):
        _queue_after_commit(document_id)


def _queue_after_commit(document_id: int) -> None:
    transaction.on_commit(lambda: ingest_document_task.delay(document_id))
