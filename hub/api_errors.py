"""Every REST error in the error body /v1 answers with (routing.pipeline.errors.error_body):
{"error": {"message", "type", "code", "param"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from routing.pipeline.errors import error_body


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
