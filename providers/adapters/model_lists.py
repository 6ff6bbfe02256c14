"""Listing models for providers whose list endpoint is not OpenAI's."""

from __future__ import annotations

from typing import Any

import httpx

from providers.adapters import errors
from providers.adapters.base import ModelInfo, Target
from providers.adapters.plain_http import request_json
from providers.kinds import ProviderKind


async def list_models(kind: str, target: Target, timeout: httpx.Timeout) -> list[ModelInfo]:
    base = target.base_url.rstrip("/")
    if kind == ProviderKind.ANTHROPIC:
        headers = {"x-api-key": target.api_key, "anthropic-version": "2023-06-01"}
        data = await _get(f"{base}/v1/models?limit=1000", headers, timeout)
        return [ModelInfo(id=m["id"]) for m in data.get("data") or [] if m.get("id")]
    if kind == ProviderKind.GEMINI:
        data = await _get(
            f"{base}/v1beta/models?pageSize=1000", {"x-goog-api-key": target.api_key}, timeout
        )
        return [_gemini_model(m) for m in data.get("models") or [] if m.get("name")]
    if kind == ProviderKind.COHERE:
        headers = {"authorization": f"Bearer {target.api_key}"}
        data = await _get(f"{base}/v1/models?page_size=1000", headers, timeout)
        return [
            ModelInfo(
                id=m["name"],
                context_window=m.get("context_length"),
                is_embedding="embed" in (m.get("endpoints") or []),
                is_rerank="rerank" in (m.get("endpoints") or []),
            )
            for m in data.get("models") or []
            if m.get("name")
        ]
    raise errors.malformed(f"no model list for {kind}")


def _gemini_model(entry: dict[str, Any]) -> ModelInfo:
    methods = entry.get("supportedGenerationMethods") or []
    return ModelInfo(
        id=str(entry["name"]).removeprefix("models/"),
        context_window=entry.get("inputTokenLimit"),
        max_output_tokens=entry.get("outputTokenLimit"),
        is_embedding="embedContent" in methods and "generateContent" not in methods,
    )


async def _get(url: str, headers: dict[str, str], timeout: httpx.Timeout) -> dict[str, Any]:
    return await request_json("GET", url, headers=headers, timeout=timeout, what="model list")
