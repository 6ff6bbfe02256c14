"""DRF authentication with workspace API keys (``Authorization: Bearer hub-…``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from workspaces import api_keys
from workspaces.models import Workspace
from workspaces.selectors import actor_for_key


def bearer_token(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Sets ``request.auth`` to the key's Actor; the key is bound to one workspace."""

    def authenticate(self, request: Request):
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is None:
            return None
        record = api_keys.key_record_lookup(token)
        if record is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API key.")
        user = get_user_model().objects.filter(pk=record.user_id, is_active=True).first()
        workspace = Workspace.objects.filter(pk=record.workspace_id).first()
        if user is None or workspace is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked API key.")
        api_keys.key_mark_used(record)
        return user, actor_for_key(record=record, user=user, workspace=workspace)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
