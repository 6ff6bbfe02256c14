"""REST shapes of RAG. They check types and lengths; the rules live in ``rag.services``."""

from __future__ import annotations

from rest_framework import serializers

from rag.models import Collection, Document, Fusion
from rag.retrieval import MAX_QUERY_CHARS, MAX_TOP_K, RetrievedChunk
from rag.vectors import Retriever


class CollectionSerializer(serializers.ModelSerializer):
    document_count = serializers.IntegerField(read_only=True, default=0)
    failed_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Collection
        fields = [
            "id", "name", "description", "embedding_model", "chunk_max_tokens",
            "chunk_overlap_tokens", "fusion", "reranker", "dimension", "document_count", "failed_count",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CollectionWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    embedding_model = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text="A workspace embedding model or alias; empty for the bundled all-MiniLM-L6-v2.",
    )  # fmt: skip
    chunk_max_tokens = serializers.IntegerField(required=False, default=200)
    chunk_overlap_tokens = serializers.IntegerField(required=False, default=32)
    fusion = serializers.ChoiceField(choices=Fusion.choices, required=False, default=Fusion.RRF)
    reranker = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="",
        help_text='"cross-encoder" for the local one (HUB_RAG_CROSS_ENCODER), or a rerank model or alias.',
    )  # fmt: skip


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Document
        fields = [
            "id", "name", "size", "media_type", "content_hash", "state", "error", "pages",
            "chunks_total", "chunks_done", "created_at", "updated_at", "indexed_at",
        ]  # fmt: skip
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    files = serializers.ListField(
        child=serializers.FileField(), help_text="One or more files; a ZIP counts as its members."
    )


class RefusedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    reason = serializers.CharField()


class UploadOutcomeSerializer(serializers.Serializer):
    queued = DocumentSerializer(many=True)
    unchanged = RefusedFileSerializer(many=True, help_text="Files whose content is already here.")
    refused = RefusedFileSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    percent = serializers.IntegerField()
    files_total = serializers.IntegerField()
    files_done = serializers.IntegerField()
    files_failed = serializers.IntegerField()
    chunks_total = serializers.IntegerField()
    chunks_done = serializers.IntegerField()


class SearchSerializer(serializers.Serializer):
    query = serializers.CharField(max_length=MAX_QUERY_CHARS)
    top_k = serializers.IntegerField(min_value=1, max_value=MAX_TOP_K, default=5)
    retriever = serializers.ChoiceField(
        choices=[r.value for r in Retriever], default=Retriever.HYBRID
    )
    rerank = serializers.BooleanField(
        default=True, help_text="Use the collection's reranker, if it has one."
    )


class SearchHitSerializer(serializers.Serializer):
    chunk_id = serializers.IntegerField(source="chunk.pk")
    document_id = serializers.IntegerField(source="chunk.document_id")
    document = serializers.CharField(source="chunk.document.name")
    collection = serializers.CharField(source="chunk.collection.name")
    text = serializers.CharField(source="chunk.text")
    page = serializers.IntegerField(source="chunk.page", allow_null=True)
    heading_path = serializers.ListField(child=serializers.CharField(), source="chunk.heading_path")
    start = serializers.IntegerField(source="chunk.start")
    end = serializers.IntegerField(source="chunk.end")
    score = serializers.FloatField(
        source="scores.score", help_text="The fused score results are ordered by."
    )
    dense_score = serializers.FloatField(source="scores.dense_score", allow_null=True)
    dense_rank = serializers.IntegerField(source="scores.dense_rank", allow_null=True)
    keyword_score = serializers.FloatField(source="scores.keyword_score", allow_null=True)
    keyword_rank = serializers.IntegerField(source="scores.keyword_rank", allow_null=True)
    rerank_score = serializers.FloatField(source="scores.rerank_score", allow_null=True)

    class Meta:
        ref_name = "RagSearchHit"


def search_hits(hits: list[RetrievedChunk]) -> list[dict]:
    return list(SearchHitSerializer(hits, many=True).data)
