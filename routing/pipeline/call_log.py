"""The running account of one call: who, timings, attempts, tokens, outcome; becomes a
UsageRecord, and in-hub callers (the workbench) read their numbers from it."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from providers.adapters.base import JSON, UpstreamError
from providers.deployments import Deployment
from routing.pipeline.errors import ApiError, api_error_from_upstream
from routing.pipeline.tokens import tokens_in_completion, tokens_in_input, tokens_in_text
from workspaces.access import Actor


@dataclass(frozen=True)
class CallerLimits:
    """What an in-hub caller narrows for its own calls (an agent's time to first token and
    attempts per deployment); unset fields keep the provider's and the hub's settings."""

    first_token_timeout: float | None = None
    attempts: int | None = None


@dataclass
class CallLog:
    source: str
    endpoint: str = "chat"
    request_id: str = field(default_factory=lambda: "req_" + uuid.uuid4().hex[:24])
    started: float = field(default_factory=time.perf_counter)
    actor: Actor | None = None
    model: str = ""
    stream: bool = False
    deployment: Deployment | None = None  # the one tried last: the one that answered, if any
    attempts: list[dict[str, Any]] = field(default_factory=list)
    upstream_ms: float = 0.0  # time spent waiting on providers, to tell the hub's own overhead
    first_chunk_at: float | None = None
    prompt_tokens: int = 0  # counted once, when the call is routed: the estimate until usage
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    tokens_estimated: bool = False
    status: str = "success"
    http_status: int = 200
    error_class: str = ""
    finished: float | None = None
    route_label: str = ""  # x-hub-route
    route_reason: str = ""  # x-hub-route-reason
    admission: Any = None  # routing.pipeline.admission.Admission while limits/budgets are held
    caller_limits: CallerLimits = field(default_factory=CallerLimits)
    # A cost the caller reckoned itself (an agent's run: the sum of its steps' costs).
    reckoned_cost_usd: Decimal | None = None

    def attempt_started(self, deployment: Deployment) -> float:
        self.deployment = deployment
        return time.perf_counter()

    def attempt_ended(
        self, deployment: Deployment, started: float, error: BaseException | None = None
    ) -> None:
        duration = (time.perf_counter() - started) * 1000
        self.upstream_ms += duration
        self.attempt_note(deployment, _error_class(error), duration)

    def attempt_streamed(
        self, deployment: Deployment, started: float, error: BaseException | None
    ) -> None:
        """A stream's row, when it ends: only the wait for its first chunk counted as upstream
        time (the hub's overhead is measured up to there)."""
        self.attempt_note(deployment, _error_class(error), (time.perf_counter() - started) * 1000)

    def attempt_note(self, deployment: Deployment, error_class: str | None, ms: float) -> None:
        """One row of ``attempts``: tried (``ms`` taken), or skipped (``error_class`` says why)."""
        self.attempts.append(
            {
                "attempt": len(self.attempts) + 1,
                "provider": deployment.provider_slug,
                "model": deployment.model,
                "error_class": error_class,
                "duration_ms": round(ms, 2),
            }
        )

    def usage_set(self, usage: dict[str, Any] | None) -> bool:
        """Take token counts from an OpenAI usage object; False when there is none."""
        if not usage:
            return False
        self.input_tokens = int(usage.get("prompt_tokens") or 0)
        self.output_tokens = int(usage.get("completion_tokens") or 0)
        details = usage.get("prompt_tokens_details") or {}
        self.cached_tokens = int(details.get("cached_tokens") or 0)
        self.tokens_estimated = False
        return True

    def usage_from_completion(self, completion: JSON) -> None:
        """Usage as the provider reported it, or a tiktoken estimate marked as such."""
        if not self.usage_set(completion.get("usage")):
            self.tokens_estimate(output_tokens=tokens_in_completion(completion))

    def usage_from_embeddings(self, body: JSON, response: JSON) -> None:
        if not self.usage_set(response.get("usage")):
            self.input_tokens = tokens_in_input(body.get("input"))
            self.tokens_estimated = True

    def usage_from_rerank(self, body: JSON, response: JSON) -> None:
        """The tokens the provider counted (the adapter puts them in ``usage``); for one that
        counts search units only (Cohere), an estimate of the query and documents."""
        usage = response.get("usage") or {}
        total = usage.get("total_tokens")
        if isinstance(total, int) and not isinstance(total, bool):
            self.input_tokens, self.output_tokens, self.cached_tokens = total, 0, 0
            self.tokens_estimated = False
        else:
            self.input_tokens = tokens_in_input([body.get("query"), *body.get("documents", [])])
            self.tokens_estimated = True

    def usage_from_stream_text(self, text: list[str]) -> None:
        """A stream that ended without usage (cut, cancelled, or a provider that sends none)
        still costs: estimate from the prompt and the text that came."""
        if self.input_tokens == 0 and self.output_tokens == 0 and self.deployment is not None:
            self.tokens_estimate(output_tokens=tokens_in_text("".join(text)))

    def tokens_estimate(self, *, output_tokens: int) -> None:
        self.input_tokens, self.output_tokens = self.prompt_tokens, output_tokens
        self.tokens_estimated = True

    def fail(self, error: ApiError) -> None:
        self.status = "error"
        self.http_status = error.status
        self.error_class = error.error_class
        self.finish()

    def stream_failed(self, upstream: UpstreamError) -> ApiError:
        """A provider failing after the first chunk: the call is an error, the stream ends."""
        deployment = self.deployment
        error = api_error_from_upstream(
            upstream,
            provider=deployment.provider_slug if deployment else upstream.provider,
            secret=deployment.target.api_key if deployment else "",
        )
        self.fail(error)
        return error

    def cancel(self) -> None:
        self.status, self.http_status, self.error_class = "cancelled", 499, "client_disconnected"
        self.finish()

    def finish(self) -> None:
        if self.finished is None:
            self.finished = time.perf_counter()

    @property
    def cost_usd(self) -> Decimal:
        if self.reckoned_cost_usd is not None:
            return self.reckoned_cost_usd
        return self.cost_for(self.input_tokens, self.output_tokens, self.cached_tokens)

    def cost_for(self, input_tokens: int, output_tokens: int, cached_tokens: int = 0) -> Decimal:
        """What the deployment answering would charge for these tokens (a running estimate
        while a stream is still coming)."""
        if self.deployment is None:
            return Decimal(0)
        return self.deployment.cost_usd(
            input_tokens=input_tokens, output_tokens=output_tokens, cached_tokens=cached_tokens
        )

    @property
    def latency_ms(self) -> float:
        return ((self.finished or time.perf_counter()) - self.started) * 1000

    @property
    def ttft_ms(self) -> float | None:
        if self.first_chunk_at is None:
            return None
        return (self.first_chunk_at - self.started) * 1000

    @property
    def tokens_per_second(self) -> float | None:
        """Output tokens over the time from the first chunk to the end; None before the end."""
        if self.first_chunk_at is None or self.finished is None or not self.output_tokens:
            return None
        seconds = self.finished - self.first_chunk_at
        return round(self.output_tokens / seconds, 1) if seconds > 0 else None

    @property
    def overhead_ms(self) -> float:
        """Time the hub itself added so far (for streams: up to the first chunk)."""
        until = self.first_chunk_at or self.finished or time.perf_counter()
        return max((until - self.started) * 1000 - self.upstream_ms, 0.0)

    def headers(self) -> dict[str, str]:
        headers = {"x-hub-request-id": self.request_id}
        if self.deployment is not None:
            headers["x-hub-provider"] = self.deployment.provider_slug
            headers["x-hub-model"] = self.deployment.model
        if not self.stream and self.status == "success":
            headers["x-hub-cost-usd"] = f"{self.cost_usd:f}"
        headers["x-hub-overhead-ms"] = f"{self.overhead_ms:.2f}"
        if self.route_label:
            headers["x-hub-route"] = self.route_label
            headers["x-hub-route-reason"] = _header_safe(self.route_reason)
        return headers


def _header_safe(text: str) -> str:
    """Header values are latin-1 on the wire; keep the sentence readable either way."""
    return text.encode("latin-1", "replace").decode("latin-1")[:300]


def _error_class(error: BaseException | None) -> str | None:
    if error is None:
        return None
    if isinstance(error, UpstreamError | ApiError):
        return error.error_class
    return type(error).__name__
