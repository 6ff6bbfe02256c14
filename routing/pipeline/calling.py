"""Call step: try the candidates in order; a retryable failure moves on to the next.

For streams the first chunk is awaited before returning, so a provider that fails before
answering can still be replaced while no byte has reached the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from django.conf import settings

from providers.adapters.base import JSON, ProviderAdapter, StreamChunk, UpstreamError
from routing.pipeline.call_log import CallLog
from routing.pipeline.candidates import Candidate
from routing.pipeline.errors import ApiError, api_error_from_upstream
from routing.pipeline.live_stats import call_ended, call_started
from routing.reliability import (
    FailureAction,
    RetryPolicy,
    circuit_breaker_for,
    failure_action,
    retry_delay,
    should_retry_same,
)
from routing.reliability.breakers import BreakerConfig, BreakerPermit, CircuitBreaker

logger = logging.getLogger(__name__)


def adapter_for_candidate(candidate: Candidate) -> ProviderAdapter:
    from providers.adapters.registry import adapter_for

    return adapter_for(candidate.target.kind)


def upstream_body(body: JSON, candidate: Candidate) -> JSON:
    """The body for one candidate; streams always ask for usage, which the hub records."""
    upstream = {**body, "model": candidate.target.model}
    if body.get("stream"):
        upstream["stream_options"] = {**(body.get("stream_options") or {}), "include_usage": True}
    return upstream


async def call_with_fallback(candidates: list[Candidate], body: JSON, log: CallLog) -> JSON:
    """A complete chat.completion from the first candidate that gives one."""
    return await _first_success(candidates, log, lambda c: _adapter_chat(c, body))


async def embed_with_fallback(candidates: list[Candidate], body: JSON, log: CallLog) -> JSON:
    return await _first_success(
        candidates,
        log,
        lambda c: adapter_for_candidate(c).embeddings(c.target, upstream_body(body, c)),
    )


async def stream_with_fallback(
    candidates: list[Candidate], body: JSON, log: CallLog
) -> AsyncIterator[StreamChunk]:
    """The chunks of the first candidate that starts answering, its first chunk included."""

    async def first_chunk(
        candidate: Candidate,
    ) -> tuple[StreamChunk | None, AsyncIterator[StreamChunk]]:
        chunks = adapter_for_candidate(candidate).chat_stream(
            candidate.target, upstream_body(body, candidate)
        )
        try:
            return await anext(aiter(chunks), None), chunks
        except BaseException:
            await _close(chunks)
            raise

    async for candidate, started, permit, outcome in _attempts(candidates, log, first_chunk):
        first, chunks = outcome
        log.upstream_ms += _elapsed_ms(started)  # waiting for the first chunk is upstream time
        return _chained(first, chunks, candidate, log, started, permit)
    raise AssertionError("_attempts raises when every candidate failed")


async def _first_success(
    candidates: list[Candidate], log: CallLog, attempt: Callable[[Candidate], Awaitable[JSON]]
) -> JSON:
    async for candidate, started, permit, result in _attempts(candidates, log, attempt):
        log.attempt_ended(candidate, started)
        await _breaker(candidate).record_success(probe=permit.probe)
        call_ended(candidate.label, ok=True, ttft_ms=_elapsed_ms(started))
        return result
    raise AssertionError("_attempts raises when every candidate failed")


async def _attempts(
    candidates: list[Candidate], log: CallLog, attempt: Callable[[Candidate], Awaitable[Any]]
) -> AsyncIterator[tuple[Candidate, float, BreakerPermit, Any]]:
    """Try candidates in order, retrying one with backoff (honouring Retry-After) while that
    may help, skipping those whose breaker is open or whose provider budget is spent; yields
    the first success. Raises the client-facing error when no candidate answered."""
    policy = retry_policy()
    last_error: ApiError | None = None
    for number, candidate in enumerate(candidates, start=1):
        is_last = number == len(candidates)
        over_budget = await _budget_refusal(log, candidate)
        if over_budget is not None:
            log.attempts.append(_skipped_row(len(log.attempts) + 1, candidate, "budget_exceeded"))
            last_error = over_budget
            continue
        permit = await _breaker(candidate).allow()
        if not permit.allowed:
            log.attempts.append(_skipped_row(len(log.attempts) + 1, candidate, "circuit_open"))
            last_error = circuit_open(candidate)
            continue
        for tries in range(1, policy.max_attempts + 1):
            started = log.attempt_started(candidate)
            call_started(candidate.label)
            try:
                result = await attempt(candidate)
            except Exception as error:
                upstream = as_upstream_error(error, candidate)
                log.attempt_ended(candidate, started, upstream)
                call_ended(candidate.label, ok=False)
                action = failure_action(upstream, policy)
                if action is not FailureAction.FAIL:
                    await _breaker(candidate).record_failure(probe=permit.probe)
                client_error = api_error_from_upstream(
                    upstream, provider=candidate.provider_slug, secret=candidate.target.api_key
                )
                if action is FailureAction.FAIL:
                    raise client_error from error
                last_error = client_error
                if not permit.probe and should_retry_same(
                    action, tries, upstream.retry_after, policy
                ):
                    await asyncio.sleep(retry_delay(tries, upstream.retry_after, policy))
                    continue
                if is_last:
                    raise client_error from error
                break
            yield candidate, started, permit, result
            return
    raise last_error or ApiError("Every candidate failed.", status=503, code="upstream_unavailable")


async def _budget_refusal(log: CallLog, candidate: Candidate) -> ApiError | None:
    """Move the call's budget hold (routing.pipeline.budget_hold) to ``candidate``'s provider; the
    error to skip it with when that provider's budget is spent."""
    hold = log.admission.hold if log.admission is not None else None
    return None if hold is None else await hold.move_to(candidate)


def circuit_open(candidate: Candidate) -> ApiError:
    return ApiError(
        f"Provider {candidate.provider_slug!r} is failing; its circuit breaker is open "
        "until a probe succeeds.",
        status=503, code="circuit_open", retry_after=breaker_config().cooldown,
        error_class="circuit_open", provider=candidate.provider_slug,
    )  # fmt: skip


def retry_policy() -> RetryPolicy:
    """Attempts per candidate (the first included) from settings; backoff as RetryPolicy says."""
    return RetryPolicy(max_attempts=settings.HUB_RETRY_ATTEMPTS)


def breaker_config() -> BreakerConfig:
    """Failures before a deployment's breaker opens and its cool-down, from settings."""
    return BreakerConfig(
        failure_threshold=settings.HUB_BREAKER_FAILURES, cooldown=settings.HUB_BREAKER_COOLDOWN
    )


def _breaker(candidate: Candidate) -> CircuitBreaker:
    return circuit_breaker_for(candidate.provider_id, candidate.model_name, breaker_config())


def _skipped_row(number: int, candidate: Candidate, reason: str) -> dict[str, Any]:
    return {
        "attempt": number, "provider": candidate.provider_slug, "model": candidate.model_name,
        "error_class": reason, "duration_ms": 0.0,
    }  # fmt: skip


async def _adapter_chat(candidate: Candidate, body: JSON) -> JSON:
    return await adapter_for_candidate(candidate).chat(
        candidate.target, upstream_body(body, candidate)
    )


def as_upstream_error(error: BaseException, candidate: Candidate) -> UpstreamError:
    """Adapters raise UpstreamError; anything else is an adapter bug, reported as a 502."""
    if isinstance(error, UpstreamError):
        return error
    if isinstance(error, ApiError):
        raise error
    logger.exception("adapter for %s raised %r", candidate.provider_slug, error)
    return UpstreamError(
        "the provider's answer could not be handled", status=502, error_class="adapter_error"
    )


async def _chained(
    first: StreamChunk | None,
    rest: AsyncIterator[StreamChunk],
    candidate: Candidate,
    log: CallLog,
    started: float,
    permit: BreakerPermit,
) -> AsyncIterator[StreamChunk]:
    """Yield the first chunk then the rest; always closes the upstream iterator (cancels it)."""
    error: BaseException | None = None
    first_at = time.perf_counter()
    chunks = 0
    try:
        if first is not None:
            yield first
        async for chunk in rest:
            chunks += 1
            yield chunk
    except BaseException as exc:
        error = exc
        raise
    finally:
        await _close(rest)
        log.attempts.append(_attempt_row(len(log.attempts) + 1, candidate, started, error))
        failed = isinstance(error, UpstreamError)
        call_ended(
            candidate.label, ok=not failed, ttft_ms=(first_at - started) * 1000,
            output_tokens=chunks, generation_seconds=time.perf_counter() - first_at,
        )  # fmt: skip
        breaker = _breaker(candidate)
        with contextlib.suppress(Exception):  # a breaker backend blip must not mask the stream
            if failed:
                await breaker.record_failure(probe=permit.probe)
            elif error is None:
                await breaker.record_success(probe=permit.probe)


def _attempt_row(
    number: int, candidate: Candidate, started: float, error: BaseException | None
) -> dict[str, Any]:
    return {
        "attempt": number,
        "provider": candidate.provider_slug,
        "model": candidate.model_name,
        "error_class": None
        if error is None
        else getattr(error, "error_class", type(error).__name__),
        "duration_ms": round(_elapsed_ms(started), 2),
    }


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def _close(chunks: Any) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:  # closing a failed upstream must not mask the real error
            logger.debug("closing upstream stream failed", exc_info=True)
