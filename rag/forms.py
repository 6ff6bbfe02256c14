"""Browser forms of RAG. They parse; ``rag.services`` owns the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from rag.models import CROSS_ENCODER, Collection, Fusion
from rag.retrieval import MAX_QUERY_CHARS, MAX_TOP_K
from rag.services import CollectionFields
from rag.vectors import Retriever


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    embedding_model = forms.ChoiceField(
        required=False,
        help_text="Changing it embeds every document again.",
    )
    chunk_max_tokens = forms.IntegerField(
        label="Chunk size (tokens)", initial=200, min_value=8,
        help_text="Counted in the embedding model's word pieces; the bundled model reads 254.",
    )  # fmt: skip
    chunk_overlap_tokens = forms.IntegerField(
        label="Overlap (tokens)", initial=32, min_value=0,
        help_text="Shared by consecutive chunks, so a sentence cut at a boundary is found whole.",
    )  # fmt: skip
    fusion = forms.ChoiceField(
        choices=Fusion.choices, initial=Fusion.RRF,
        help_text="How the meaning and keyword rankings are merged.",
    )  # fmt: skip

    reranker = forms.ChoiceField(
        required=False,
        help_text="Reorders the best results by reading each with the question; slower, often better.",
    )

    def __init__(
        self, *args: Any, embedding_models: list[str], rerankers: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer(
            "embedding_model",
            [("", "all-MiniLM-L6-v2 (bundled, runs here, free)")],
            embedding_models,
        )
        self._offer("reranker", [("", "None")], rerankers)

    def _offer(self, name: str, first: list[tuple[str, str]], names: list[str]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        labels = {CROSS_ENCODER: "Cross-encoder on this machine"}
        field.choices = first + [(n, labels.get(n, n)) for n in names]

    @staticmethod
    def initial_for(collection: Collection) -> dict[str, Any]:
        return {
            "name": collection.name,
            "description": collection.description,
            "embedding_model": collection.embedding_model,
            "chunk_max_tokens": collection.chunk_max_tokens,
            "chunk_overlap_tokens": collection.chunk_overlap_tokens,
            "fusion": collection.fusion,
            "reranker": collection.reranker,
        }

    def collection_fields(self) -> CollectionFields:
        return CollectionFields(**self.cleaned_data)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Every file sent, unjudged: an empty or odd file is refused by the service with its
    reason, and must not make the form drop the rest of the batch."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise forms.ValidationError("Choose one or more files.")
        return files


class DocumentUploadForm(forms.Form):
    documents = MultipleFileField(
        label="Files", help_text="PDF, Word (.docx), Markdown, text, CSV, HTML, or a ZIP of them."
    )


class SearchForm(forms.Form):
    q = forms.CharField(max_length=MAX_QUERY_CHARS, label="Search")
    retriever = forms.ChoiceField(
        choices=[(r.value, r.value.title()) for r in Retriever],
        initial=Retriever.HYBRID,
        required=False,
    )
    top_k = forms.IntegerField(min_value=1, max_value=MAX_TOP_K, initial=10, required=False)
