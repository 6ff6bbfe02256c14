"""Call step: try the deployments in order; a retryable failure moves on to the next.

For streams the first chunk is awaited before returning, so a provider that fails before
answering can still be replaced while no byte has reached the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from providers.adapters import errors
from providers.adapters.base import JSON, ProviderAdapter, StreamChunk, UpstreamError
from providers.adapters.registry import adapter_for
from providers.adapters.timeouts import timeouts_for
from providers.deployments import Deployment
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError, api_error_from_upstream
from routing.pipeline.live_stats import call_ended, call_started
from routing.reliability import (
    BreakerPermit,
    CircuitBreaker,
    FailureAction,
    breaker_config,
    circuit_breaker_for,
    failure_action,
    retry_delay,
    retry_policy,
    should_retry_same,
)

logger = logging.getLogger(__name__)


def adapter_of(deployment: Deployment) -> ProviderAdapter:
    return adapter_for(deployment.target.kind)


def upstream_body(body: JSON, deployment: Deployment) -> JSON:
    """The body for one deployment; streams always ask for usage, which the hub records."""
    upstream = {**body, "model": deployment.target.model}
    if body.get("stream"):
        upstream["stream_options"] = {**(body.get("stream_options") or {}), "include_usage": True}
    return upstream


async def call_with_fallback(
    deployments: list[Deployment], body: JSON, log: CallLog, *, native_completions: bool = False
) -> JSON:
    """A complete chat.completion from the first deployment that gives one (a legacy
    text_completion from the providers' own /completions with ``native_completions``)."""
    if native_completions:
        return await _first_success(
            deployments,
            log,
            lambda c: adapter_of(c).completion(c.target, upstream_body(body, c)),
        )
    return await _first_success(deployments, log, lambda c: _adapter_chat(c, body))


async def embed_with_fallback(deployments: list[Deployment], body: JSON, log: CallLog) -> JSON:
    return await _first_success(
        deployments,
        log,
        lambda c: adapter_of(c).embeddings(c.target, upstream_body(body, c)),
    )


async def rerank_with_fallback(deployments: list[Deployment], body: JSON, log: CallLog) -> JSON:
    return await _first_success(
        deployments,
        log,
        lambda c: adapter_of(c).rerank(c.target, upstream_body(body, c)),
    )


async def stream_with_fallback(
    deployments: list[Deployment], body: JSON, log: CallLog, *, native_completions: bool = False
) -> AsyncIterator[StreamChunk]:
    """The chunks of the first deployment that starts answering. Its chunks up to the first
    one with output are awaited here, within the first-token limit, so a deployment that
    answers nothing (a stalled stream, a body that is not a stream) can still be replaced
    while no byte has reached the client."""

    async def first_output(
        deployment: Deployment,
    ) -> tuple[list[StreamChunk], AsyncIterator[StreamChunk]]:
        adapter = adapter_of(deployment)
        open_stream = adapter.completion_stream if native_completions else adapter.chat_stream
        chunks = open_stream(deployment.target, upstream_body(body, deployment))
        held: list[StreamChunk] = []
        try:
            async with asyncio.timeout(_first_token_limit(deployment, log)):
                async for chunk in chunks:
                    held.append(chunk)
                    if chunk.carries_output:
                        break
        except TimeoutError:
            await _close(chunks)
            raise errors.timed_out("first token") from None
        except BaseException:
            await _close(chunks)
            raise
        if not held:
            raise errors.malformed("the stream ended before its first event")
        return held, chunks

    async for deployment, started, permit, outcome in _attempts(deployments, log, first_output):
        held, chunks = outcome
        log.upstream_ms += _elapsed_ms(started)  # waiting for the first output is upstream time
        return _chained(held, chunks, deployment, log, started, permit)
    raise AssertionError("_attempts raises when every deployment failed")


async def _first_success(
    deployments: list[Deployment], log: CallLog, attempt: Callable[[Deployment], Awaitable[JSON]]
) -> JSON:
    async for deployment, started, permit, result in _attempts(deployments, log, attempt):
        log.attempt_ended(deployment, started)
        await _breaker(deployment).record_success(probe=permit.probe)
        call_ended(deployment, ok=True, ttft_ms=_elapsed_ms(started))
        return result
    raise AssertionError("_attempts raises when every deployment failed")


async def _attempts(
    deployments: list[Deployment], log: CallLog, attempt: Callable[[Deployment], Awaitable[Any]]
) -> AsyncIterator[tuple[Deployment, float, BreakerPermit, Any]]:
    """Try deployments in order, retrying one with backoff (honouring Retry-After) while that
    may help, skipping those whose breaker is open or whose provider budget is spent; yields
    the first success. Raises the client-facing error when no deployment answered."""
    policy = retry_policy()
    if log.caller_limits.attempts is not None:
        policy = dataclasses.replace(policy, max_attempts=max(1, log.caller_limits.attempts))
    last_error: ApiError | None = None
    for number, deployment in enumerate(deployments, start=1):
        is_last = number == len(deployments)
        over_budget = await _budget_refusal(log, deployment)
        if over_budget is not None:
            log.attempt_note(deployment, "budget_exceeded", 0.0)
            last_error = over_budget
            continue
        permit = await _breaker(deployment).allow()
        if not permit.allowed:
            log.attempt_note(deployment, "circuit_open", 0.0)
            last_error = circuit_open(deployment)
            continue
        for tries in range(1, policy.max_attempts + 1):
            started = log.attempt_started(deployment)
            call_started(deployment)
            try:
                result = await attempt(deployment)
            except Exception as error:
                upstream = as_upstream_error(error, deployment)
                log.attempt_ended(deployment, started, upstream)
                call_ended(deployment, ok=False)
                action = failure_action(upstream, policy)
                if action is not FailureAction.FAIL:
                    await _breaker(deployment).record_failure(probe=permit.probe)
                client_error = api_error_from_upstream(
                    upstream, provider=deployment.provider_slug, secret=deployment.target.api_key
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
            yield deployment, started, permit, result
            return
    raise last_error or ApiError(
        "Every deployment failed.", status=503, code="upstream_unavailable"
    )


async def _budget_refusal(log: CallLog, deployment: Deployment) -> ApiError | None:
    """Move the call's budget hold (routing.pipeline.budget_hold) to ``deployment``'s provider; the
    error to skip it with when that provider's budget is spent."""
    hold = log.admission.hold if log.admission is not None else None
    return None if hold is None else await hold.move_to(deployment)


def circuit_open(deployment: Deployment) -> ApiError:
    return ApiError(
        f"Provider {deployment.provider_slug!r} is failing; its circuit breaker is open "
        "until a probe succeeds.",
        status=503, code="circuit_open", retry_after=breaker_config().cooldown,
        error_class="circuit_open", provider=deployment.provider_slug,
    )  # fmt: skip


def _breaker(deployment: Deployment) -> CircuitBreaker:
    return circuit_breaker_for(deployment.provider_id, deployment.model, breaker_config())


async def _adapter_chat(deployment: Deployment, body: JSON) -> JSON:
    return await adapter_of(deployment).chat(deployment.target, upstream_body(body, deployment))


def as_upstream_error(error: BaseException, deployment: Deployment) -> UpstreamError:
    """Adapters raise UpstreamError; anything else is an adapter bug, reported as a 502."""
    if isinstance(error, UpstreamError):
        return error
    if isinstance(error, ApiError):
        raise error
    logger.exception("adapter for %s raised %r", deployment.provider_slug, error)
    return UpstreamError(
        "the provider's answer could not be handled", status=502, error_class="adapter_error"
    )


async def _chained(
    held: list[StreamChunk],
    rest: AsyncIterator[StreamChunk],
    deployment: Deployment,
    log: CallLog,
    started: float,
    permit: BreakerPermit,
) -> AsyncIterator[StreamChunk]:
    """Yield the chunks held then the rest; always closes the upstream iterator (cancels it).
    Every chunk has passed the accounting layer when the upstream ends, so the live stats
    take the provider's token count (none when it reported no usage)."""
    error: BaseException | None = None
    first_at = time.perf_counter()
    try:
        for chunk in held:
            yield chunk
        async for chunk in rest:
            yield chunk
    except BaseException as exc:
        error = exc
        raise
    finally:
        await _close(rest)
        log.attempt_streamed(deployment, started, error)
        failed = isinstance(error, UpstreamError)
        call_ended(
            deployment, ok=not failed, ttft_ms=(first_at - started) * 1000,
            output_tokens=log.output_tokens,
            generation_seconds=time.perf_counter() - first_at,
        )  # fmt: skip
        breaker = _breaker(deployment)
        with contextlib.suppress(Exception):  # a breaker backend blip must not mask the stream
            if failed:
                await breaker.record_failure(probe=permit.probe)
            elif error is None:
                await breaker.record_success(probe=permit.probe)


def _first_token_limit(deployment: Deployment, log: CallLog) -> float:
    """The provider's first-token limit, narrowed by the caller's when it set one."""
    limit = timeouts_for(deployment.target).first_token
    wanted = log.caller_limits.first_token_timeout
    return min(limit, wanted) if wanted else limit


def _elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def _close(chunks: Any) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:  # closing a failed upstream must not mask the real error
            logger.debug("closing upstream stream failed", exc_info=True)
