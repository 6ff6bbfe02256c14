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


ESTIMATING_ENCODING = "cl100k_base"
SHIPPED_ENCODINGS = frozenset({"o200k_base", "cl100k_base", "p50k_base"})  # in litellm


@functools.cache
def _encoding(name: str = ESTIMATING_ENCODING) -> Any:
    spec = importlib.util.find_spec("litellm")
    if spec and spec.submodule_search_locations:
        bundled = (
            Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils/tokenizers"
        )
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(bundled))
    import tiktoken

    return tiktoken.get_encoding(name)


def openai_encoding(model: str) -> str | None:
    """The tokenizer of an OpenAI model (``gpt-4o-mini``, ``openai/gpt-4.1``), when the hub
    ships it; None for other families, whose counts are estimates."""
    _encoding()  # points tiktoken at the bundled files
    import tiktoken

    try:
        name = tiktoken.encoding_name_for_model(model.rsplit("/", 1)[-1])
    except KeyError:
        return None
    return name if name in SHIPPED_ENCODINGS else None


def tokens_in_text(text: str, encoding: str = ESTIMATING_ENCODING) -> int:
    return len(_encoding(encoding).encode(text, disallowed_special=())) if text else 0


def tokens_in_messages(messages: list[dict[str, Any]], encoding: str = ESTIMATING_ENCODING) -> int:
    """As OpenAI counts a chat prompt: each message's text plus a few tokens of framing."""
    total = 3
    for message in messages:
        total += MESSAGE_OVERHEAD
        content = message.get("content")
        if isinstance(content, str):
            total += tokens_in_text(content, encoding)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    total += tokens_in_text(part["text"], encoding)
        if message.get("tool_calls"):
            total += tokens_in_text(json.dumps(message["tool_calls"]), encoding)
    return total


def tokens_in_completion(completion: dict[str, Any]) -> int:
    total = 0
    for choice in completion.get("choices") or []:
        message = choice.get("message") or {}
        total += tokens_in_text(message.get("content") or choice.get("text") or "")
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
