"""The provider kinds the hub knows, with their default endpoints."""

from __future__ import annotations

import os

from django.db import models


class ProviderKind(models.TextChoices):
    OPENAI = "openai", "OpenAI"
    ANTHROPIC = "anthropic", "Anthropic"
    GEMINI = "gemini", "Google Gemini"
    GROQ = "groq", "Groq"
    MISTRAL = "mistral", "Mistral"
    COHERE = "cohere", "Cohere"
    TOGETHER = "together", "Together"
    PERPLEXITY = "perplexity", "Perplexity"
    OPENROUTER = "openrouter", "OpenRouter"
    OLLAMA = "ollama", "Ollama"
    OPENAI_COMPATIBLE = "openai_compatible", "OpenAI-compatible server"
    LOCAL = "local", "Local (llama.cpp worker)"
    SIMULATED = "simulated", "Simulated"


DEFAULT_BASE_URLS: dict[str, str] = {
    ProviderKind.OPENAI: "https://api.openai.com/v1",
    ProviderKind.ANTHROPIC: "https://api.anthropic.com",
    ProviderKind.GEMINI: "https://generativelanguage.googleapis.com",
    ProviderKind.GROQ: "https://api.groq.com/openai/v1",
    ProviderKind.MISTRAL: "https://api.mistral.ai/v1",
    ProviderKind.COHERE: "https://api.cohere.com",
    ProviderKind.TOGETHER: "https://api.together.xyz/v1",
    ProviderKind.PERPLEXITY: "https://api.perplexity.ai",
    ProviderKind.OPENROUTER: "https://openrouter.ai/api/v1",
    ProviderKind.OLLAMA: "http://127.0.0.1:11434/v1",
    # compose.yaml sets HUB_INFERENCE_URL=http://inference:8088 for the scaled stack.
    ProviderKind.LOCAL: os.environ.get("HUB_INFERENCE_URL", "http://127.0.0.1:8088").rstrip("/")
    + "/v1",
    ProviderKind.SIMULATED: "http://127.0.0.1:8099",
}

# Kinds that run without an API key.
KEYLESS_KINDS = frozenset({ProviderKind.OLLAMA, ProviderKind.LOCAL, ProviderKind.SIMULATED})
