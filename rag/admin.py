"""Admin for RAG: collections with their documents. Documents are added on the collection's
page (which reads and queues them) and chunks by ingestion, so neither is added here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from rag.ingestion import documents_mark_queued
from rag.models import Chunk, Collection, Document, DocumentState
from rag.tasks import ingest_document_task

READ_ONLY_STATE = [
    "state",
    "error",
    "pages",
    "chunks_total",
    "chunks_done",
    "heartbeat_at",
    "indexed_at",
]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ("name", "state", "chunks_total", "error")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "embedding_model", "fusion", "updated_at"]
    list_filter = ["workspace", "fusion"]
    search_fields = ["name", "description"]
    readonly_fields = ["dimension", "index_version"]
    inlines = [DocumentInline]


@admin.action(description="Queue the selected failed documents again")
def retry_failed(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    for document_id in documents_mark_queued(queryset.filter(state=DocumentState.FAILED)):
        ingest_document_task.delay(document_id)


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "collection", "state", "chunks_total", "updated_at"]
    list_filter = ["state", "workspace"]
    search_fields = ["name", "error"]
    readonly_fields = [
        "workspace",
        "collection",
        "content_hash",
        "size",
        "file",
        "media_type",
        *READ_ONLY_STATE,
    ]
    actions = [retry_failed]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Chunk)
class ChunkAdmin(admin.ModelAdmin):
    list_display = ["document", "position", "page", "tokens"]
    search_fields = ["text"]
    exclude = ["dense", "sparse"]
    readonly_fields = [
        "workspace", "collection", "document", "position", "text", "text_hash", "start", "end",
        "page", "heading_path", "tokens",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
