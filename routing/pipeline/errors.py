"""Errors the pipeline answers with: one exception carrying the HTTP status and OpenAI fields."""

from __future__ import annotations

from providers.adapters.base import UpstreamError


class ApiError(Exception):
    """A failed call as the client should see it. Messages never contain a secret."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        param: str | None = None,
        retry_after: float | None = None,
        error_class: str | None = None,
        provider: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.param = param
        self.retry_after = retry_after
        self.error_class = error_class or code
        self.provider = provider


def invalid(message: str, *, param: str | None = None, code: str = "invalid_request") -> ApiError:
    return ApiError(message, status=400, code=code, param=param)


def api_error_from_upstream(error: UpstreamError, *, provider: str, secret: str = "") -> ApiError:
    """Map a provider failure to the status a client can act on: the provider's own 4xx
    validation answers pass through; its auth failures are the hub's problem (502)."""
    message = error.message.replace(secret, "***") if secret else error.message
    text = f"Provider {provider!r}: {message}"
    status = error.status
    if status == 429:
        return ApiError(
            text, status=429, code="rate_limited", retry_after=error.retry_after,
            error_class=error.error_class, provider=provider,
        )  # fmt: skip
    if status in (400, 404, 413, 422):
        return ApiError(
            text, status=status, code="upstream_rejected_request",
            error_class=error.error_class, provider=provider,
        )  # fmt: skip
    if error.error_class == "timeout" or status in (408, 504):
        return ApiError(
            text, status=504, code="upstream_timeout", error_class=error.error_class,
            provider=provider,
        )  # fmt: skip
    if status is None or status == 503:
        return ApiError(
            text, status=503, code="upstream_unavailable", retry_after=error.retry_after,
            error_class=error.error_class, provider=provider,
        )  # fmt: skip
    return ApiError(
        text, status=502, code="upstream_error", error_class=error.error_class, provider=provider
    )


def database_unavailable() -> ApiError:
    return ApiError(
        "The hub's database is briefly unavailable; retry shortly.",
        status=503,
        code="hub_unavailable",
        retry_after=1,
    )
