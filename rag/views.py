"""RAG's pages under /w/<slug>/collections/: the list, a collection with its documents, live
ingestion progress (an htmx fragment that polls while work is in progress, so it survives a
reload) and search; a document's text with the chunk a citation points at."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from rag import selectors, services
from rag.embedding import EmbeddingFailed
from rag.forms import CollectionForm, DocumentUploadForm, SearchForm
from rag.models import Collection, Document
from rag.retrieval import retrieve
from rag.vectors import Retriever
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

MANAGE = {"GET": Permission.MANAGE_COLLECTIONS, "POST": Permission.MANAGE_COLLECTIONS}


class CollectionPage(WorkspacePageView):
    nav = "collections"
    object_kwarg: ClassVar[str | None] = "collection_id"

    def scoped_queryset(self) -> QuerySet[Collection]:
        return selectors.collection_list(workspace=self.actor.workspace)

    def collection_form(self, *args: Any, **kwargs: Any) -> CollectionForm:
        return CollectionForm(
            *args,
            embedding_models=selectors.embedding_model_choices(actor=self.actor),
            rerankers=selectors.reranker_choices(actor=self.actor),
            **kwargs,
        )

    def documents_context(self, collection: Collection) -> dict[str, Any]:
        return {
            "collection": collection,
            "documents": selectors.document_list(collection=collection).select_related("added_by"),
            "progress": selectors.collection_progress(collection=collection),
        }


class CollectionListView(CollectionPage):
    object_kwarg = None
    template_name = "rag/list.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"collections": self.scoped_queryset()})


class CollectionCreateView(CollectionPage):
    object_kwarg = None
    template_name = "rag/form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": self.collection_form()})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = self.collection_form(request.POST)
        if form.is_valid():
            try:
                collection = services.collection_create(
                    actor=self.actor,
                    fields=form.collection_fields(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Collection “{collection.name}” created; add documents.")
                return redirect("collection-detail", workspace_slug, collection.pk)
        return self.render_page({"form": form}, status=400)


class CollectionEditView(CollectionPage):
    template_name = "rag/form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        form = self.collection_form(initial=CollectionForm.initial_for(self.object))
        return self.render_page({"form": form, "collection": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        form = self.collection_form(request.POST)
        if form.is_valid():
            try:
                services.collection_update(
                    actor=self.actor,
                    collection=self.object,
                    fields=form.collection_fields(),
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Collection saved.")
                return redirect("collection-detail", workspace_slug, collection_id)
        return self.render_page({"form": form, "collection": self.object}, status=400)


class CollectionDeleteView(CollectionPage):
    template_name = "rag/confirm_delete.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        return self.render_page({"collection": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        name = self.object.name
        services.collection_delete(actor=self.actor, collection=self.object)
        messages.success(request, f"Collection “{name}” deleted with its documents.")
        return redirect("collection-list", workspace_slug)


class CollectionDetailView(CollectionPage):
    """Documents, upload, progress and search on one page; POST is an upload."""

    template_name = "rag/detail.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.USE_MODELS}

    def get(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        return self.render_page(self._context(DocumentUploadForm(), search=self._search()))

    def post(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        form = DocumentUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(self._context(form), status=400)
        limit = services.upload_limits().max_file_bytes
        outcome = services.documents_add(
            actor=self.actor,
            collection=self.object,
            uploads=[(f.name or "file", f.read(limit + 1)) for f in form.cleaned_data["documents"]],
        )
        return self.render_page(self._context(DocumentUploadForm(), outcome=outcome))

    def _search(self) -> dict[str, Any] | None:
        if "q" not in self.request.GET:
            return None
        form = SearchForm(self.request.GET)
        if not form.is_valid():
            return {"form": form, "hits": None}
        data = form.cleaned_data
        try:
            hits = retrieve(
                actor=self.actor,
                collections=[self.object],
                query=data["q"],
                top_k=data.get("top_k") or 10,
                retriever=Retriever(data.get("retriever") or Retriever.HYBRID),
            )
        except (ValidationError, EmbeddingFailed) as error:
            form.add_error(
                "q", str(error.messages[0] if isinstance(error, ValidationError) else error)
            )
            return {"form": form, "hits": None}
        return {"form": form, "hits": hits}

    def _context(self, form: DocumentUploadForm, **extra: Any) -> dict[str, Any]:
        search = extra.pop("search", None)
        return {
            **self.documents_context(self.object),
            "upload_form": form,
            "search_form": search["form"] if search else SearchForm(),
            "hits": search["hits"] if search else None,
            "limits": services.upload_limits(),
            **extra,
        }


class CollectionProgressView(CollectionPage):
    """The progress bar and the documents table; polls itself while work is in progress."""

    template_name = "rag/_documents.html"
    fragment = True

    def get(self, request: HttpRequest, workspace_slug: str, collection_id: int) -> HttpResponse:
        return self.render_page(self.documents_context(self.object))


class DocumentPage(CollectionPage):
    def document(self) -> Document:
        document_id = self.kwargs["document_id"]
        return get_object_or_404(selectors.document_list(collection=self.object), pk=document_id)


class DocumentDetailView(DocumentPage):
    """The document's chunks in order; ``?chunk=<id>`` marks the one a citation points at."""

    template_name = "rag/document.html"

    def get(
        self, request: HttpRequest, workspace_slug: str, collection_id: int, document_id: int
    ) -> HttpResponse:
        document = self.document()
        raw = request.GET.get("chunk", "")
        cited = int(raw) if raw.isdigit() else None
        chunks = list(
            document.chunks.order_by("position").only(
                "id", "position", "text", "page", "heading_path", "start", "end"
            )
        )
        if cited is not None and not any(c.pk == cited for c in chunks):
            raise Http404("This document has no such chunk.")
        return self.render_page(
            {"collection": self.object, "document": document, "chunks": chunks, "cited": cited}
        )


class DocumentRetryView(DocumentPage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(
        self, request: HttpRequest, workspace_slug: str, collection_id: int, document_id: int
    ) -> HttpResponse:
        try:
            services.document_retry(actor=self.actor, document=self.document())
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("collection-detail", workspace_slug, collection_id)


class DocumentDeleteView(DocumentPage):
    permissions = {"POST": Permission.USE_MODELS}

    def post(
        self, request: HttpRequest, workspace_slug: str, collection_id: int, document_id: int
    ) -> HttpResponse:
        document = self.document()
        services.document_delete(actor=self.actor, document=document)
        messages.success(request, f"“{document.name}” deleted with its chunks.")
        return redirect("collection-detail", workspace_slug, collection_id)
