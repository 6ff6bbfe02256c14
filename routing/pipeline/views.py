"""/v1 views: thin async wrappers around routing.pipeline. A method a path does not take is
a 405 with an ``Allow`` header and the error body of the path's API."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from routing import selectors
from routing.pipeline import spine
from routing.pipeline.auth import authenticate
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from routing.pipeline.shapes import ANTHROPIC, OPENAI, ApiShape
from routing.pipeline.shapes.base import json_response
from workspaces.access import Actor
from workspaces.roles import Permission

View = Callable[..., Coroutine[Any, Any, HttpResponseBase]]


def allow(*methods: str, shape: ApiShape = OPENAI) -> Callable[[View], View]:
    """Serve ``methods`` only; any other gets 405 in ``shape``'s error body, with Allow."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        async def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method in methods:
                return await view(request, *args, **kwargs)
            allowed = ", ".join(methods)
            error = ApiError(
                f"{request.method} is not allowed on {request.path}; use {allowed}.",
                status=405, code="method_not_allowed",
            )  # fmt: skip
            response = shape.error_response(error, CallLog(source="api"))
            response["Allow"] = allowed
            return response

        return checked

    return decorate


@csrf_exempt
@allow("POST")
async def chat_completions(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_chat(request, OPENAI)


@csrf_exempt
@allow("POST", shape=ANTHROPIC)
async def messages(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_chat(request, ANTHROPIC)


@csrf_exempt
@allow("POST")
async def embeddings(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_embeddings(request)


@allow("GET", "HEAD")
async def model_list(request: HttpRequest) -> HttpResponse:
    log = CallLog(source="api", endpoint="models")
    try:
        actor = await _model_reader(request)
        models = await sync_to_async(selectors.model_list)(actor=actor)
    except ApiError as error:
        return OPENAI.error_response(error, log)
    return json_response({"object": "list", "data": models}, log=log)


@allow("GET", "HEAD")
async def model_detail(request: HttpRequest, model_id: str) -> HttpResponse:
    log = CallLog(source="api", endpoint="models")
    try:
        actor = await _model_reader(request)
        model = await sync_to_async(selectors.model_get)(actor=actor, model_id=model_id)
        if model is None:
            raise ApiError(
                f"The model {model_id!r} does not exist in this workspace.",
                status=404, code="model_not_found", param="model",
            )  # fmt: skip
    except ApiError as error:
        return OPENAI.error_response(error, log)
    return json_response(model, log=log)


async def _model_reader(request: HttpRequest) -> Actor:
    """Keys with the inference scope list what they may call; read-scoped keys may look too."""
    try:
        return await authenticate(request, permission=Permission.USE_MODELS)
    except ApiError as error:
        if error.status != 403:
            raise
        return await authenticate(request, permission=Permission.VIEW)
