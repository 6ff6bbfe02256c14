"""/api/workspaces/<slug>/aliases/, /rules/ and /budgets/: list, create, read, change, delete.

Everyone in the workspace may read them; changing aliases and rules takes the providers
permission, budgets the budgets permission (workspaces.roles). Ids of another workspace's
keys, providers or users are refused like unknown ones.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from providers.models import Provider
from routing.models import ModelAlias, RoutingRule, SpendBudget
from routing.serializers import (
    ModelAliasSerializer,
    RoutingRuleSerializer,
    SpendBudgetSerializer,
)
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.models import ApiKey, Membership
from workspaces.roles import Permission


def _permissions(change: Permission) -> dict[str, Permission]:
    return {"GET": Permission.VIEW, "POST": change, "PATCH": change, "DELETE": change}


class _ConfigView(WorkspaceScopedView):
    model: ClassVar[type[Model]]

    def scoped_queryset(self) -> QuerySet:
        return self.model.objects.for_workspace(self.actor.workspace)  # type: ignore[attr-defined]

    def save(self, instance: Model, fields: dict[str, Any]) -> Model:
        api_keys = fields.pop("api_keys", None)
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.workspace = self.actor.workspace  # type: ignore[attr-defined]
        self.check_related(instance, api_keys)
        instance.full_clean()
        try:
            with transaction.atomic():
                instance.save()
                if api_keys is not None:
                    instance.api_keys.set(api_keys)  # type: ignore[attr-defined]
        except IntegrityError:
            raise ValidationError(
                {"name": "That name is already used in this workspace."}
            ) from None
        return instance

    def check_related(self, instance: Model, api_keys: list[int] | None) -> None:
        workspace = self.actor.workspace
        checks = {
            "provider": (getattr(instance, "provider_id", None), Provider.objects.filter(workspace=workspace)),
            "api_key": (getattr(instance, "api_key_id", None), ApiKey.objects.filter(workspace=workspace)),
        }  # fmt: skip
        for field, (pk, allowed) in checks.items():
            if pk is not None and not allowed.filter(pk=pk).exists():
                raise ValidationError({field: "Unknown in this workspace."})
        user_id = getattr(instance, "user_id", None)
        if (
            user_id is not None
            and not Membership.objects.filter(workspace=workspace, user_id=user_id).exists()
        ):
            raise ValidationError({"user": "Not a member of this workspace."})
        if api_keys and ApiKey.objects.filter(workspace=workspace, pk__in=api_keys).count() != len(
            set(api_keys)
        ):
            raise ValidationError({"api_keys": "Unknown in this workspace."})


class _ListView(WorkspaceScopedListView, _ConfigView):
    def post(self, request: Request, workspace_slug: str) -> Response:
        fields = self.parsed(self.get_serializer_class())
        instance = self.save(self.model(), fields)
        return self.render(instance, status=status.HTTP_201_CREATED)


class _DetailView(_ConfigView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.object)  # type: ignore[arg-type]

    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        fields = self.parsed(self.get_serializer_class(), partial=True)
        return self.render(self.save(self.object, fields))  # type: ignore[arg-type]

    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        self.object.delete()  # type: ignore[union-attr]
        return Response(status=status.HTTP_204_NO_CONTENT)


def _views(model: type[Model], serializer: type, change: Permission) -> tuple[type, type]:
    attrs = {
        "model": model,
        "queryset": model.objects.none(),  # type: ignore[attr-defined]
        "serializer_class": serializer,
        "required_permissions": _permissions(change),
    }
    return (
        type(f"{model.__name__}ListView", (_ListView,), attrs),
        type(f"{model.__name__}DetailView", (_DetailView,), attrs),
    )


AliasListView, AliasDetailView = _views(
    ModelAlias, ModelAliasSerializer, Permission.MANAGE_PROVIDERS
)
RuleListView, RuleDetailView = _views(
    RoutingRule, RoutingRuleSerializer, Permission.MANAGE_PROVIDERS
)
BudgetListView, BudgetDetailView = _views(
    SpendBudget, SpendBudgetSerializer, Permission.MANAGE_BUDGETS
)
