"""Errors the pipeline answers with: one exception carrying the HTTP status and OpenAI fields,
and the one error body, OpenAI's ``{"error": {"message", "type", "code", "param"}}``, that
/v1 and the REST API (hub.api_errors) both answer with."""

from __future__ import annotations

from typing import Any

from providers.adapters.base import UpstreamError

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    409: "conflict_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def error_body(
    message: str,
    *,
    status_code: int,
    code: str | None = None,
    param: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    error = {
        "message": message,
        "type": ERROR_TYPES.get(status_code, "api_error"),
        "code": code,
        "param": param,
    }
    error.update(extra)
    return {"error": error}


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


def api_error_body(error: ApiError) -> dict[str, Any]:
    """The body of ``error`` as /v1's OpenAI-shaped clients read it."""
    extra = {"provider": error.provider} if error.provider else {}
    return error_body(
        error.message, status_code=error.status, code=error.code, param=error.param, **extra
    )


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
