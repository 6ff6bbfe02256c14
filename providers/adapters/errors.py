"""Provider failures as UpstreamError: which statuses are worth another attempt, and why."""

from __future__ import annotations

import json

from providers.adapters.base import UpstreamError

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
MESSAGE_LIMIT = 300


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After in seconds; the HTTP-date form is rare from APIs and read as 'soon'."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return 1.0


def error_message(body: bytes) -> str:
    """The provider's own explanation from any of the common error shapes."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body[:MESSAGE_LIMIT].decode(errors="replace").strip() or "no error body"
    error = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(error, dict):
        message = error.get("message") or error.get("detail") or json.dumps(error)
    else:
        message = str(error)
    return str(message)[:MESSAGE_LIMIT]


def from_status(status: int, body: bytes, retry_after: str | None = None) -> UpstreamError:
    return UpstreamError(
        f"HTTP {status}: {error_message(body)}",
        status=status,
        retryable=status in RETRYABLE_STATUSES,
        retry_after=retry_after_seconds(retry_after),
        error_class=f"http_{status}",
    )


def unreachable(error: Exception) -> UpstreamError:
    """Could not connect: nothing was sent, so another attempt is safe."""
    return UpstreamError(
        f"could not connect ({type(error).__name__})", retryable=True, error_class="connect_error"
    )


def timed_out(what: str) -> UpstreamError:
    return UpstreamError(
        f"no answer in time ({what})", status=504, retryable=True, error_class="timeout"
    )


def malformed(detail: str) -> UpstreamError:
    return UpstreamError(
        f"the answer was not valid JSON ({detail})",
        status=502,
        retryable=True,
        error_class="malformed_response",
    )


def cut(error: Exception) -> UpstreamError:
    """The connection broke mid-answer: the client already has part of it, do not retry."""
    return UpstreamError(
        f"the connection broke mid-answer ({type(error).__name__})",
        status=502,
        retryable=False,
        error_class="stream_cut",
    )
