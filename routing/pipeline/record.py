"""Record step: a finished CallLog becomes a usage row, queued for the background writer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from analytics.recorder import usage_recorder
from routing.pipeline.call_log import CallLog


def usage_row(log: CallLog) -> dict[str, Any] | None:
    actor = log.actor
    if actor is None:
        return None  # unauthenticated calls belong to no workspace
    deployment = log.deployment
    ttft = log.ttft_ms
    return {
        "workspace_id": actor.workspace.pk,
        "api_key_id": actor.api_key_id,
        "user_id": actor.user.pk,
        "source": log.source,
        "endpoint": log.endpoint,
        "provider_id": deployment.provider_id if deployment else None,
        "provider_slug": deployment.provider_slug if deployment else "",
        "model": log.model[:300],
        "upstream_model": deployment.model[:200] if deployment else "",
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


async def record(log: CallLog) -> None:
    """Queue the call's record; waits (off the event loop) only when the buffer is full."""
    log.finish()
    row = usage_row(log)
    if row is not None:
        await usage_recorder.arecord(row)


def record_nowait(log: CallLog) -> None:
    """For ``finally`` blocks of cancelled streams, which must not await."""
    log.finish()
    row = usage_row(log)
    if row is not None:
        usage_recorder.record_nowait(row)
