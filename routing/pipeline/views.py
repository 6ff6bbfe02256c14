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
from routing.pipeline.shapes import ANTHROPIC, COMPLETIONS, OPENAI, ApiShape
from routing.pipeline.shapes.anthropic_request import anthropic_request_to_openai
from routing.pipeline.shapes.base import json_response
from routing.pipeline.shapes.responses_request import responses_request_parse
from routing.pipeline.stored_responses import (
    conversation_before,
    input_items_get,
    response_delete,
    response_get,
)
from routing.pipeline.token_count import TokenCount, input_tokens_count
from routing.pipeline.validation import body_json, chat_body_validate
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
@allow("POST")
async def completions(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_chat(request, COMPLETIONS)


@csrf_exempt
@allow("POST", shape=ANTHROPIC)
async def messages(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_chat(request, ANTHROPIC)


@csrf_exempt
@allow("POST")
async def responses(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_responses(request)


@csrf_exempt
@allow("GET", "HEAD", "DELETE")
async def stored_response(request: HttpRequest, response_id: str) -> HttpResponse:
    log = CallLog(source="api", endpoint="responses")
    try:
        actor = await authenticate(request, permission=Permission.USE_MODELS)
        if request.method == "DELETE":
            await response_delete(actor, response_id)
            body = {"id": response_id, "object": "response", "deleted": True}
        else:
            body = await response_get(actor, response_id)
    except ApiError as error:
        return OPENAI.error_response(error, log)
    return json_response(body, log=log)


@allow("GET", "HEAD")
async def stored_response_input_items(request: HttpRequest, response_id: str) -> HttpResponse:
    log = CallLog(source="api", endpoint="responses")
    try:
        actor = await authenticate(request, permission=Permission.USE_MODELS)
        items = await input_items_get(actor, response_id)
    except ApiError as error:
        return OPENAI.error_response(error, log)
    ids = [item.get("id") for item in items]
    page = {"object": "list", "data": items, "has_more": False,
            "first_id": ids[0] if ids else None, "last_id": ids[-1] if ids else None}  # fmt: skip
    return json_response(page, log=log)


@csrf_exempt
@allow("POST")
async def embeddings(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_embeddings(request)


@csrf_exempt
@allow("POST")
async def rerank(request: HttpRequest) -> HttpResponseBase:
    return await spine.api_rerank(request)


@csrf_exempt
@allow("POST", shape=ANTHROPIC)
async def messages_count_tokens(request: HttpRequest) -> HttpResponse:
    """Anthropic's count_tokens: ``{"input_tokens": n}`` (how it was counted in a header)."""
    log = CallLog(source="api", endpoint="count_tokens")
    try:
        actor = await authenticate(request, permission=Permission.USE_MODELS)
        body = body_json(request)
        chat = anthropic_request_to_openai({**body, "max_tokens": 1})  # counting takes none
        count = await input_tokens_count(actor, chat, anthropic_body=body)
    except ApiError as error:
        return ANTHROPIC.error_response(error, log)
    return _with_headers(json_response({"input_tokens": count.input_tokens}, log=log), count)


@csrf_exempt
@allow("POST")
async def responses_input_tokens(request: HttpRequest) -> HttpResponse:
    """OpenAI's ``responses.input_tokens.count``: the input of a Responses request, counted
    with the conversation of its previous_response_id."""
    log = CallLog(source="api", endpoint="count_tokens")
    try:
        actor = await authenticate(request, permission=Permission.USE_MODELS)
        parsed = responses_request_parse(body_json(request))
        chat = parsed.chat_body(await conversation_before(actor, parsed.previous_response_id))
        count = await input_tokens_count(actor, chat)
    except ApiError as error:
        return OPENAI.error_response(error, log)
    body = {"object": "response.input_tokens", "input_tokens": count.input_tokens}
    return _with_headers(json_response(body, log=log), count)


@csrf_exempt
@allow("POST")
async def chat_count_tokens(request: HttpRequest) -> HttpResponse:
    """The hub's own: a chat request's input tokens, and how they were counted."""
    log = CallLog(source="api", endpoint="count_tokens")
    try:
        actor = await authenticate(request, permission=Permission.USE_MODELS)
        count = await input_tokens_count(actor, chat_body_validate(body_json(request)))
    except ApiError as error:
        return OPENAI.error_response(error, log)
    body = {"object": "chat.completion.input_tokens", **count.as_json()}
    return _with_headers(json_response(body, log=log), count)


@csrf_exempt
async def unknown_path(request: HttpRequest) -> HttpResponse:
    """Any other /v1 path: 404 in Anthropic's error shape under /v1/messages, else OpenAI's."""
    shape = ANTHROPIC if request.path.startswith("/v1/messages") else OPENAI
    error = ApiError(
        f"There is no {request.method} {request.path} in this API. The hub serves "
        "/v1/chat/completions, /v1/responses, /v1/completions, /v1/messages, "
        "/v1/embeddings, /v1/rerank and /v1/models.",
        status=404, code="unknown_url",
    )  # fmt: skip
    return shape.error_response(error, CallLog(source="api"))


def _with_headers(response: HttpResponse, count: TokenCount) -> HttpResponse:
    for name, value in count.headers().items():
        response[name] = value
    return response


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
