"""Every REST error in OpenAI's error shape: {"error": {"message", "type", "code", "param"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


def _first_message(detail: Any) -> tuple[str | None, str]:
    """The first field name (or None) and its first message from a DRF error detail."""
    if isinstance(detail, dict):
        for field, value in detail.items():
            _, message = _first_message(value)
            param = None if field in ("non_field_errors", "__all__") else str(field)
            return param, message
        return None, "Invalid request."
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else (None, "Invalid request.")
    return None, str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(detail=str(exc) or "Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    param, message = _first_message(detail)
    code = getattr(getattr(exc, "detail", None), "code", None) or getattr(exc, "default_code", None)
    extra = (
        {"fields": detail}
        if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict)
        else {}
    )
    response.data = error_body(
        message, status_code=response.status_code, code=code, param=param, **extra
    )
    return response
