"""/api/workspaces/<slug>/collections/…: collections, their documents, ingestion progress and
search, for scripts, as the pages offer them.

Viewers read and search; members add documents (an API key needs the ``inference`` scope);
owners and admins manage collections. Collections and documents come from querysets scoped
to the caller's workspace, so another workspace's are a 404 whatever the method.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from rag import selectors, services
from rag.embedding import EmbeddingFailed
from rag.models import Collection, Document
from rag.retrieval import retrieve
from rag.serializers import (
    CollectionSerializer,
    CollectionWriteSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ProgressSerializer,
    SearchHitSerializer,
    SearchSerializer,
    UploadOutcomeSerializer,
    search_hits,
)
from rag.vectors import Retriever
from routing.pipeline.errors import error_body
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission

MANAGE = Permission.MANAGE_COLLECTIONS
ADD = Permission.USE_MODELS


class _CollectionView(WorkspaceScopedView[Collection]):
    queryset = Collection.objects.none()
    serializer_class = CollectionSerializer
    required_permissions = {
        "GET": Permission.VIEW,
        "POST": MANAGE,
        "PATCH": MANAGE,
        "DELETE": MANAGE,
    }

    def scoped_queryset(self) -> QuerySet[Collection]:
        return selectors.collection_list(workspace=self.actor.workspace)

    @property
    def collection(self) -> Collection:
        return self.url_object

    def fields(self, *, partial: bool = False) -> services.CollectionFields:
        current = {} if not partial else {
            "name": self.collection.name, "description": self.collection.description,
            "embedding_model": self.collection.embedding_model,
            "chunk_max_tokens": self.collection.chunk_max_tokens,
            "chunk_overlap_tokens": self.collection.chunk_overlap_tokens,
            "fusion": self.collection.fusion, "reranker": self.collection.reranker,
        }  # fmt: skip
        return services.CollectionFields(
            **{**current, **self.parsed(CollectionWriteSerializer, partial=partial)}
        )

    def render_collection(self, pk: int, *, status: int = 200) -> Response:
        return self.render(self.scoped_queryset().get(pk=pk), status=status)


class CollectionListView(WorkspaceScopedListView[Collection], _CollectionView):
    @extend_schema(request=CollectionWriteSerializer, responses={201: CollectionSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        collection = services.collection_create(actor=self.actor, fields=self.fields())
        return self.render_collection(collection.pk, status=status.HTTP_201_CREATED)


class CollectionDetailView(_CollectionView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.collection)

    @extend_schema(request=CollectionWriteSerializer, responses=CollectionSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """A new embedding model re-embeds every document; new chunk sizes re-chunk them."""
        services.collection_update(
            actor=self.actor,
            collection=self.collection,
            fields=self.fields(partial=True),
        )
        return self.render_collection(pk)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.collection_delete(actor=self.actor, collection=self.collection)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectionProgressView(_CollectionView):
    serializer_class = ProgressSerializer

    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """The batch being ingested: files and chunks done of their totals."""
        progress = selectors.collection_progress(collection=self.collection)
        return Response(ProgressSerializer(progress).data)


class CollectionSearchView(_CollectionView):
    serializer_class = SearchHitSerializer
    required_permissions = {"POST": Permission.VIEW}

    @extend_schema(request=SearchSerializer, responses=SearchHitSerializer(many=True))
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Chunks with each retriever's score and rank, and the fused score they are ordered by."""
        fields = self.parsed(SearchSerializer)
        try:
            hits = retrieve(
                actor=self.actor,
                collections=[self.collection],
                query=fields["query"],
                top_k=fields["top_k"],
                retriever=Retriever(fields["retriever"]),
                rerank=fields["rerank"],
            )
        except EmbeddingFailed as error:
            return embedding_error_response(error)
        return Response({"object": "list", "data": search_hits(hits)})


def embedding_error_response(error: EmbeddingFailed) -> Response:
    body = error_body(str(error), status_code=error.status, code="embedding_failed")
    return Response(body, status=error.status)


class _DocumentView(WorkspaceScopedView[Document]):
    """Routes under a collection: ``pk`` is the collection's id, ``document_id`` the document's."""

    queryset = Document.objects.none()
    serializer_class = DocumentSerializer
    required_permissions = {"GET": Permission.VIEW, "POST": ADD, "DELETE": ADD}
    lookup_url_kwarg = "document_id"
    parent_model = Collection
    collection: Collection

    def resolve_parent(self, **kwargs: Any) -> None:
        try:
            self.collection = Collection.objects.for_workspace(self.actor.workspace).get(
                pk=kwargs["pk"]
            )
        except Collection.DoesNotExist:
            raise Http404("No such collection.") from None

    def scoped_queryset(self) -> QuerySet[Document]:
        return selectors.document_list(collection=self.collection)


class DocumentListView(WorkspaceScopedListView[Document], _DocumentView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:  # type: ignore[override]
        return self.list(request)

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={202: UploadOutcomeSerializer},
    )
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        """Queued for ingestion (202): each file new or replacing its old version, already
        present, or refused with its reason; one bad file never fails the others."""
        uploads = request.FILES.getlist("files") or request.FILES.getlist("file")
        if not uploads:
            body = error_body(
                "Send one or more files in the files field.", status_code=400, param="files"
            )
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        limit = services.upload_limits().max_file_bytes
        outcome = services.documents_add(
            actor=self.actor,
            collection=self.collection,
            uploads=[(u.name or "file", u.read(limit + 1)) for u in uploads],
        )
        data = {
            "queued": DocumentSerializer(outcome.queued, many=True).data,
            "unchanged": [{"name": n, "reason": r} for n, r in outcome.unchanged],
            "refused": [{"name": n, "reason": r} for n, r in outcome.refused],
        }
        return Response(data, status=status.HTTP_202_ACCEPTED)


class DocumentDetailView(_DocumentView):
    def get(self, request: Request, workspace_slug: str, pk: int, document_id: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int, document_id: int) -> Response:
        services.document_delete(actor=self.actor, document=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentRetryView(_DocumentView):
    @extend_schema(request=None, responses=DocumentSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int, document_id: int) -> Response:
        """A failed document, queued again on its own."""
        return self.render(services.document_retry(actor=self.actor, document=self.url_object))
