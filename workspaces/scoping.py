"""The one way to read workspace-owned rows: a queryset scoped to a workspace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models

if TYPE_CHECKING:
    from workspaces.models import Workspace


class WorkspaceScopedQuerySet(models.QuerySet):
    def for_workspace(self, workspace: Workspace) -> Self:
        return self.filter(workspace=workspace)


WorkspaceScopedManager = models.Manager.from_queryset(WorkspaceScopedQuerySet)
