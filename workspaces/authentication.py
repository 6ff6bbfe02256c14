"""DRF authentication with workspace API keys (``Authorization: Bearer hub-…`` or ``x-api-key``)."""

from __future__ import annotations

from django.contrib.auth.models import User
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from workspaces.access import Actor
from workspaces.api_keys import actor_for_key, api_key_from_headers
from workspaces.key_failures import KeyAttemptsExceeded


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Sets ``request.auth`` to the key's Actor; the key is bound to one workspace."""

    def authenticate(self, request: Request) -> tuple[User, Actor] | None:
        raw_key = api_key_from_headers(request.headers)
        if raw_key is None:
            return None
        try:
            actor = actor_for_key(raw_key, address=request.META.get("REMOTE_ADDR"))
        except KeyAttemptsExceeded as refused:
            raise exceptions.Throttled(refused.retry_after, str(refused)) from None
        if actor is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API key.")
        return actor.user, actor

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
