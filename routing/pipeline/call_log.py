"""The running account of one call: timings, attempts, tokens, outcome; becomes a UsageRecord."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from providers.adapters.base import UpstreamError
from routing.pipeline.auth import Caller
from routing.pipeline.candidates import Candidate
from routing.pipeline.errors import ApiError


@dataclass
class CallLog:
    source: str
    endpoint: str = "chat"
    request_id: str = field(default_factory=lambda: "req_" + uuid.uuid4().hex[:24])
    started: float = field(default_factory=time.perf_counter)
    caller: Caller | None = None
    model: str = ""
    stream: bool = False
    candidate: Candidate | None = None
    attempts: list[dict[str, Any]] = field(default_factory=list)
    upstream_ms: float = 0.0  # time spent waiting on providers, to tell the hub's own overhead
    first_chunk_at: float | None = None
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
    admission: Any = None  # routing.pipeline.admission.Admission while limits and budgets are held

    def attempt_started(self, candidate: Candidate) -> float:
        self.candidate = candidate
        return time.perf_counter()

    def attempt_ended(
        self, candidate: Candidate, started: float, error: UpstreamError | Exception | None = None
    ) -> None:
        duration = (time.perf_counter() - started) * 1000
        self.upstream_ms += duration
        self.attempts.append(
            {
                "attempt": len(self.attempts) + 1,
                "provider": candidate.provider_slug,
                "model": candidate.model_name,
                "error_class": _error_class(error),
                "duration_ms": round(duration, 2),
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
        return True

    def fail(self, error: ApiError) -> None:
        self.status = "error"
        self.http_status = error.status
        self.error_class = error.error_class
        self.finish()

    def cancel(self) -> None:
        self.status, self.http_status, self.error_class = "cancelled", 499, "client_disconnected"
        self.finish()

    def finish(self) -> None:
        if self.finished is None:
            self.finished = time.perf_counter()

    @property
    def cost_usd(self) -> Decimal:
        if self.candidate is None:
            return Decimal(0)
        return self.candidate.cost_usd(
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cached_tokens=self.cached_tokens,
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
    def overhead_ms(self) -> float:
        """Time the hub itself added so far (for streams: up to the first chunk)."""
        until = self.first_chunk_at or self.finished or time.perf_counter()
        return max((until - self.started) * 1000 - self.upstream_ms, 0.0)

    def headers(self) -> dict[str, str]:
        headers = {"x-hub-request-id": self.request_id}
        if self.candidate is not None:
            headers["x-hub-provider"] = self.candidate.provider_slug
            headers["x-hub-model"] = self.candidate.model_name
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
    if isinstance(error, UpstreamError):
        return error.error_class
    return type(error).__name__
