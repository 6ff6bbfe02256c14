"""Call step: try the candidates in order; a retryable failure moves on to the next.

For streams the first chunk is awaited before returning, so a provider that fails before
answering can still be replaced while no byte has reached the client.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from providers.adapters.base import JSON, ProviderAdapter, StreamChunk, UpstreamError
from routing.call_log import CallLog
from routing.candidates import Candidate
from routing.errors import ApiError, api_error_from_upstream

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
    for number, candidate in enumerate(candidates, start=1):
        started = log.attempt_started(candidate)
        chunks = adapter_for_candidate(candidate).chat_stream(
            candidate.target, upstream_body(body, candidate)
        )
        try:
            first = await anext(aiter(chunks), None)
        except Exception as error:
            await _close(chunks)
            _give_up_unless_retryable(
                error, candidate, log, started, last=number == len(candidates)
            )
            continue
        log.upstream_ms += _elapsed_ms(started)  # waiting for the first chunk is upstream time
        return _chained(first, chunks, candidate, log, started)
    raise AssertionError("no candidates")  # candidates_for never returns an empty list


async def _first_success(
    candidates: list[Candidate], log: CallLog, attempt: Callable[[Candidate], Awaitable[JSON]]
) -> JSON:
    for number, candidate in enumerate(candidates, start=1):
        started = log.attempt_started(candidate)
        try:
            result = await attempt(candidate)
        except Exception as error:
            _give_up_unless_retryable(
                error, candidate, log, started, last=number == len(candidates)
            )
            continue
        log.attempt_ended(candidate, started)
        return result
    raise AssertionError("no candidates")


async def _adapter_chat(candidate: Candidate, body: JSON) -> JSON:
    return await adapter_for_candidate(candidate).chat(
        candidate.target, upstream_body(body, candidate)
    )


def _give_up_unless_retryable(
    error: Exception, candidate: Candidate, log: CallLog, started: float, *, last: bool
) -> None:
    """Note the failed attempt; raise the client-facing error unless another candidate may help."""
    upstream = as_upstream_error(error, candidate)
    log.attempt_ended(candidate, started, upstream)
    if upstream.retryable and not last:
        return
    raise api_error_from_upstream(
        upstream, provider=candidate.provider_slug, secret=candidate.target.api_key
    ) from error


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
) -> AsyncIterator[StreamChunk]:
    """Yield the first chunk then the rest; always closes the upstream iterator (cancels it)."""
    error: BaseException | None = None
    try:
        if first is not None:
            yield first
        async for chunk in rest:
            yield chunk
    except BaseException as exc:
        error = exc
        raise
    finally:
        await _close(rest)
        log.attempts.append(_attempt_row(len(log.attempts) + 1, candidate, started, error))


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
    import time

    return (time.perf_counter() - started) * 1000


async def _close(chunks: Any) -> None:
    aclose = getattr(chunks, "aclose", None)
    if aclose is not None:
        try:
            await aclose()
        except Exception:  # closing a failed upstream must not mask the real error
            logger.debug("closing upstream stream failed", exc_info=True)
