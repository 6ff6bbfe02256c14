"""Token counts when a provider reports none: tiktoken, marked as estimated.

tiktoken downloads its encodings on first use; litellm ships them, so point tiktoken at
litellm's copy and nothing is fetched at run time.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

MESSAGE_OVERHEAD = 4  # role and separators, as OpenAI counts them


@functools.cache
def _encoding():
    spec = importlib.util.find_spec("litellm")
    if spec and spec.submodule_search_locations:
        bundled = (
            Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils/tokenizers"
        )
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled))
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def tokens_in_text(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=())) if text else 0


def tokens_in_messages(messages: list[dict[str, Any]]) -> int:
    total = 3
    for message in messages:
        total += MESSAGE_OVERHEAD
        content = message.get("content")
        if isinstance(content, str):
            total += tokens_in_text(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += tokens_in_text(part["text"])
        if message.get("tool_calls"):
            total += tokens_in_text(json.dumps(message["tool_calls"]))
    return total


def tokens_in_completion(completion: dict[str, Any]) -> int:
    total = 0
    for choice in completion.get("choices") or []:
        message = choice.get("message") or {}
        total += tokens_in_text(message.get("content") or "")
        if message.get("tool_calls"):
            total += tokens_in_text(json.dumps(message["tool_calls"]))
    return total


def tokens_in_input(value: Any) -> int:
    """Embedding inputs: a string, a list of strings, or token arrays."""
    if isinstance(value, str):
        return tokens_in_text(value)
    if isinstance(value, list):
        return sum(len(v) if isinstance(v, list) else tokens_in_input(v) for v in value)
    return 0
