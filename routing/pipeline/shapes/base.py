"""What the pipeline asks of a wire shape."""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from django.http import HttpResponse

from providers.adapters.base import JSON, StreamChunk
from providers.deployments import Deployment
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError


class ApiShape(ABC):
    endpoint = "chat"  # what usage records call calls in this shape

    @abstractmethod
    def request_to_openai(self, body: JSON) -> JSON:
        """The validated request as an OpenAI chat body; raises ApiError (400) when invalid."""

    @abstractmethod
    def completion_from_openai(self, completion: JSON, body: JSON, log: CallLog) -> JSON:
        """The response body for a complete chat.completion."""

    @abstractmethod
    def stream_events(
        self, chunks: AsyncIterator[StreamChunk], body: JSON, log: CallLog
    ) -> AsyncIterator[bytes]:
        """SSE bytes for the chunks; a failure mid-stream ends them with an error event."""

    @abstractmethod
    def error_json(self, error: ApiError) -> JSON:
        """The error body this shape's clients parse."""

    def for_route(
        self, deployments: list[Deployment], request: JSON, body: JSON
    ) -> tuple[ApiShape, JSON, bool]:
        """Once the route is known: the shape to answer in, the body to send, and whether
        it goes to the providers' native /completions. By default: this shape, chat."""
        return self, body, False

    def error_response(self, error: ApiError, log: CallLog) -> HttpResponse:
        response = json_response(self.error_json(error), status=error.status, log=log)
        if error.retry_after is not None:
            # Whole seconds, rounded up: a client that waits what it is told is let in.
            response["Retry-After"] = str(max(math.ceil(error.retry_after), 1))
        return response


def json_response(body: JSON, *, status: int = 200, log: CallLog) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, separators=(",", ":")), status=status, content_type="application/json"
    )
    for name, value in log.headers().items():
        response[name] = value
    return response
