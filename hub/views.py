"""Project-wide views: error pages that answer JSON to API clients, health, the favicon."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static

from routing.pipeline.errors import error_body

API_PREFIXES = ("/api/", "/v1/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        return JsonResponse(error_body("Not found.", status_code=404, code="not_found"), status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIXES):
        body = error_body(
            "The server failed; the error was logged.", status_code=500, code="internal_error"
        )
        return JsonResponse(body, status=500)
    # Rendered without the request: the database may be what failed, and the context
    # processors (the signed-in user, their workspaces) would query it again.
    return HttpResponseServerError(loader.render_to_string("500.html"))


async def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and compose health checks."""

    def database_answers() -> bool:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except Exception:
            return False

    ok = await sync_to_async(database_answers)()
    return JsonResponse(
        {"status": "ok" if ok else "database unavailable"}, status=200 if ok else 503
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which the admin's and the API docs' pages do not name: the icon's
    hashed URL, looked up per request (at import time the static files may not be collected)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
