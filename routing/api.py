"""/api/workspaces/<slug>/aliases/, /rules/ and /budgets/: list, create, read, change, delete.

Everyone in the workspace may read them; changing aliases and rules takes the providers
permission, budgets the budgets permission (workspaces.roles). Writes go through
routing.services, like the pages, which refuses another workspace's keys, providers and users.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from providers.models import Provider
from routing import services
from routing.models import ModelAlias, RoutingRule, SpendBudget
from routing.serializers import (
    ModelAliasSerializer,
    RoutingRuleSerializer,
    SpendBudgetSerializer,
)
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.models import ApiKey
from workspaces.roles import Permission

# Serializer field (an id) -> the service's field and the model it names.
RELATED_IDS: dict[str, tuple[str, Callable[[], type[Model]]]] = {
    "provider_id": ("provider", lambda: Provider),
    "api_key_id": ("api_key", lambda: ApiKey),
    "user_id": ("user", get_user_model),
}


def _permissions(change: Permission) -> dict[str, Permission]:
    return {"GET": Permission.VIEW, "POST": change, "PATCH": change, "DELETE": change}


def _objects_for_ids(fields: dict[str, Any], workspace) -> dict[str, Any]:
    """Ids in the request body become rows; unknown ids are a 400 naming the field (the
    service then refuses rows of another workspace the same way)."""
    for source, (name, model) in RELATED_IDS.items():
        if source in fields:
            pk = fields.pop(source)
            row = None if pk is None else model()._default_manager.filter(pk=pk).first()
            if pk is not None and row is None:
                raise ValidationError({name: "Unknown in this workspace."})
            fields[name] = row
    if "api_keys" in fields:
        ids = set(fields["api_keys"])
        keys = list(ApiKey.objects.filter(workspace=workspace, pk__in=ids))
        if len(keys) != len(ids):
            raise ValidationError({"api_keys": "Unknown in this workspace."})
        fields["api_keys"] = keys
    return fields


class _ConfigView(WorkspaceScopedView[Model]):
    model: ClassVar[type[Model]]
    create: ClassVar[Callable[..., Model]]
    update: ClassVar[Callable[..., Model]]
    remove: ClassVar[Callable[..., None]]
    object_name: ClassVar[str]

    def scoped_queryset(self) -> QuerySet:
        return self.model.objects.for_workspace(self.actor.workspace)  # type: ignore[attr-defined]  # config models have a workspace manager

    def fields(self, *, partial: bool) -> dict[str, Any]:
        parsed = self.parsed(self.get_serializer_class(), partial=partial)
        return _objects_for_ids(parsed, self.actor.workspace)


class _ListView(WorkspaceScopedListView[Model], _ConfigView):
    def post(self, request: Request, workspace_slug: str) -> Response:
        instance = type(self).create(actor=self.actor, **self.fields(partial=False))
        return self.render(instance, status=status.HTTP_201_CREATED)


class _DetailView(_ConfigView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        fields = self.fields(partial=True)
        instance = self.url_object
        if isinstance(instance, RoutingRule) and "api_keys" not in fields:
            fields["api_keys"] = list(instance.api_keys.all())
        update = type(self).update
        return self.render(update(actor=self.actor, **{self.object_name: instance}, **fields))

    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        type(self).remove(actor=self.actor, **{self.object_name: self.url_object})
        return Response(status=status.HTTP_204_NO_CONTENT)


def _views(
    model: type[Model], serializer: type, change: Permission, name: str
) -> tuple[type[_ListView], type[_DetailView]]:
    attrs = {
        "model": model,
        "queryset": model.objects.none(),  # type: ignore[attr-defined]  # type[Model] has no manager in the stubs
        "serializer_class": serializer,
        "required_permissions": _permissions(change),
        "object_name": name,
        "create": staticmethod(getattr(services, f"{name}_create")),
        "update": staticmethod(getattr(services, f"{name}_update")),
        "remove": staticmethod(getattr(services, f"{name}_delete")),
    }
    # type() with one base builds a subclass of it, which mypy cannot infer from its signature.
    return (
        cast(type[_ListView], type(f"{model.__name__}ListView", (_ListView,), attrs)),
        cast(type[_DetailView], type(f"{model.__name__}DetailView", (_DetailView,), attrs)),
    )


AliasListView, AliasDetailView = _views(
    ModelAlias, ModelAliasSerializer, Permission.MANAGE_PROVIDERS, "alias"
)
RuleListView, RuleDetailView = _views(
    RoutingRule, RoutingRuleSerializer, Permission.MANAGE_PROVIDERS, "rule"
)
BudgetListView, BudgetDetailView = _views(
    SpendBudget, SpendBudgetSerializer, Permission.MANAGE_BUDGETS, "budget"
)
