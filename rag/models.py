"""RAG's tables: collections of documents, and the chunks their text is cut into.

The database is the source of truth for what is indexed, vectors included: a chunk keeps its
dense and keyword vectors, so the embedded store reads them from here and a Qdrant server
can be rebuilt from them without paying for embeddings again (``manage.py rag_reindex``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager

BUNDLED_MODEL_LABEL = "all-MiniLM-L6-v2 (bundled, runs here)"
CROSS_ENCODER = "cross-encoder"


class Fusion(models.TextChoices):
    RRF = "rrf", "Reciprocal rank fusion"
    DBSF = "dbsf", "Distribution-based score fusion"


class Collection(models.Model):
    """``embedding_model`` empty means the bundled all-MiniLM-L6-v2; any other value is a
    model or alias of the workspace, called through the pipeline's ``embed``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    embedding_model = models.CharField(max_length=200, blank=True)
    chunk_max_tokens = models.PositiveIntegerField(default=200)
    chunk_overlap_tokens = models.PositiveIntegerField(default=32)
    fusion = models.CharField(max_length=8, choices=Fusion.choices, default=Fusion.RRF)
    # "" for none, CROSS_ENCODER for the local one (HUB_RAG_CROSS_ENCODER), else a rerank
    # model or alias of the workspace called through the pipeline.
    reranker = models.CharField(max_length=200, blank=True)
    dimension = models.PositiveIntegerField(null=True, blank=True)  # learnt from the first vector
    # Bumped with every change to the collection's chunks: a searching process rebuilds its
    # in-memory index when the number it holds is not this one.
    index_version = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_collection_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def embedding_model_label(self) -> str:
        return self.embedding_model or BUNDLED_MODEL_LABEL


class DocumentState(models.TextChoices):
    QUEUED = "queued", "Queued"
    PARSING = "parsing", "Parsing"
    CHUNKING = "chunking", "Chunking"
    EMBEDDING = "embedding", "Embedding"
    INDEXED = "indexed", "Indexed"
    FAILED = "failed", "Failed"


IN_PROGRESS = (
    DocumentState.QUEUED,
    DocumentState.PARSING,
    DocumentState.CHUNKING,
    DocumentState.EMBEDDING,
)


def document_upload_path(document: Document, filename: str) -> str:
    return f"rag/{document.workspace_id}/{document.collection_id}/{document.content_hash}"


class Document(models.Model):
    """One file of a collection. ``name`` is what was uploaded (a ZIP's member is
    ``archive.zip/path``); the same name uploaded with new content replaces its chunks."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    media_type = models.CharField(max_length=100, blank=True)
    state = models.CharField(
        max_length=12, choices=DocumentState.choices, default=DocumentState.QUEUED
    )
    error = models.TextField(blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    # Set by the task working on it: a document in progress whose heartbeat stopped belonged
    # to a worker that died, and is queued again (``rag.requeue_stalled_documents``).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # the progress bar's batch starts here
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    indexed_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "name"], name="unique_document_name")
        ]
        indexes = [
            models.Index(fields=["collection", "content_hash"]),
            models.Index(
                fields=["state", "heartbeat_at"],
                name="rag_document_in_progress",
                condition=~Q(state__in=["indexed", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_progress(self) -> bool:
        return self.state in IN_PROGRESS


class Chunk(models.Model):
    """A span of a document's text (``text == document text[start:end]``) with its vectors:
    ``dense`` is float32 bytes, ``sparse`` the keyword vector (``rag.keywords``)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="chunks")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    text = models.TextField()
    text_hash = models.CharField(max_length=64)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    page = models.PositiveIntegerField(null=True, blank=True)
    heading_path = models.JSONField(default=list, blank=True)
    tokens = models.PositiveIntegerField(default=0)
    dense = models.BinaryField()
    sparse = models.BinaryField()

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="unique_chunk_position")
        ]
        indexes = [models.Index(fields=["collection", "text_hash"])]

    def __str__(self) -> str:
        return f"{self.document.name} #{self.position}"
