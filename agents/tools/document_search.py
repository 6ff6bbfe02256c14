"""The document search tool: the agent's RAG collections (its long-term memory) searched
with the one retrieval service, in the caller's workspace only."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError

from agents.tools.base import JSON, ToolResult, ToolSpec
from rag.models import Collection
from rag.retrieval import retrieve
from workspaces.access import Actor

TOP_K = 5


def document_search_tool(actor: Actor, collections: list[Collection]) -> ToolSpec:
    names = ", ".join(c.name for c in collections)

    def search(query: str) -> str:
        found = retrieve(actor=actor, collections=collections, query=query, top_k=TOP_K)
        if not found:
            return "Nothing found."
        blocks = []
        for number, item in enumerate(found, start=1):
            where = item.chunk.document.name + (
                f", page {item.chunk.page}" if item.chunk.page else ""
            )
            blocks.append(f"[{number}] {where}\n{item.chunk.text}")
        return "\n\n".join(blocks)

    async def run(arguments: JSON) -> ToolResult:
        try:
            return ToolResult(await sync_to_async(search)(str(arguments["query"])))
        except ValidationError as error:
            return ToolResult("; ".join(error.messages), is_error=True)

    return ToolSpec(
        name="search_documents",
        description=f"Search the documents of {names}; answers the best passages, numbered.",
        parameters={
            "type": "object",
            "properties": {"query": {"type": "string", "minLength": 1, "maxLength": 2000}},
            "required": ["query"],
            "additionalProperties": False,
        },
        run=run,
    )
