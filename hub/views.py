"""Project-wide views: error pages that answer JSON to API clients."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hub.api_errors import error_body

API_PREFIXES = ("/api/", "/v1/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return JsonResponse(error_body("Not found.", status_code=404, code="not_found"), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        body = error_body("The server failed; the error was logged.", status_code=500,
                          code="internal_error")
        return JsonResponse(body, status=500)
    return render(request, "500.html", status=500)
