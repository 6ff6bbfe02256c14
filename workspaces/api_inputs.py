"""How every REST endpoint reads its input: JSON bodies nested past what Python can parse are
a 400, not a RecursionError (a 500), and pagination numbers past what a database column can
hold are bounded instead of overflowing."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

MAX_PAGE = 500  # rows one request may ask for
MAX_OFFSET = 2**31 - 1  # past any table here; a larger one would overflow the database


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class BoundedPagination(LimitOffsetPagination):
    """``?limit=`` up to MAX_PAGE, ``?offset=`` up to MAX_OFFSET (an empty page beyond)."""

    max_limit = MAX_PAGE

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
