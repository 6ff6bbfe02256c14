"""Record step: a finished CallLog becomes a usage row, queued for the background writer."""

from __future__ import annotations

from typing import Any

from analytics.recorder import usage_recorder
from providers.adapters.base import JSON
from routing.pipeline.call_log import CallLog
from routing.pipeline.tokens import tokens_in_completion, tokens_in_input, tokens_in_messages


def usage_row(log: CallLog) -> dict[str, Any] | None:
    if log.caller is None:
        return None  # unauthenticated calls belong to no workspace
    from django.utils import timezone

    candidate = log.candidate
    ttft = log.ttft_ms
    return {
        "workspace_id": log.caller.workspace_id,
        "api_key_id": log.caller.api_key_id,
        "user_id": log.caller.user_id,
        "source": log.source,
        "endpoint": log.endpoint,
        "provider_id": candidate.provider_id if candidate else None,
        "provider_slug": candidate.provider_slug if candidate else "",
        "model": log.model[:300],
        "upstream_model": candidate.model_name[:200] if candidate else "",
        "input_tokens": log.input_tokens,
        "output_tokens": log.output_tokens,
        "cached_tokens": log.cached_tokens,
        "tokens_estimated": log.tokens_estimated,
        "cost_usd": log.cost_usd,
        "latency_ms": round(log.latency_ms),
        "ttft_ms": None if ttft is None else round(ttft),
        "stream": log.stream,
        "status": log.status,
        "http_status": log.http_status,
        "error_class": log.error_class[:64],
        "attempts": log.attempts,
        "route": log.route_label[:200],
        "route_reason": log.route_reason[:300],
        "request_id": log.request_id,
        "created_at": timezone.now(),
    }


async def usage_record(log: CallLog) -> None:
    """Queue the call's record; waits (off the event loop) only when the buffer is full."""
    from routing.pipeline.admission import admission_settle

    log.finish()
    await admission_settle(log)
    row = usage_row(log)
    if row is not None:
        await usage_recorder.arecord(row)


def usage_record_nowait(log: CallLog) -> None:
    """For ``finally`` blocks of cancelled streams, which must not await."""
    from routing.pipeline.admission import admission_settle_soon

    admission_settle_soon(log)
    row = usage_row(log)
    if row is not None:
        usage_recorder.record_nowait(row)


def completion_tokens_note(log: CallLog, body: JSON, completion: JSON) -> None:
    """Usage from the provider, or a tiktoken estimate marked as such."""
    if not log.usage_set(completion.get("usage")):
        log.input_tokens = tokens_in_messages(body.get("messages") or [])
        log.output_tokens = tokens_in_completion(completion)
        log.tokens_estimated = True


def embedding_tokens_note(log: CallLog, body: JSON, response: JSON) -> None:
    if not log.usage_set(response.get("usage")):
        log.input_tokens = tokens_in_input(body.get("input"))
        log.tokens_estimated = True
