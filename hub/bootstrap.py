"""First-run set-up for ``make run``: an admin user and a Default workspace.

Idempotent: running it again changes nothing that exists.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from workspaces.models import Membership, Role, Workspace
from workspaces.services import workspace_create

DEFAULT_WORKSPACE = "Default"


@dataclass(frozen=True)
class BootstrapResult:
    username: str
    generated_password: str | None  # set only on the run that created the admin
    workspace: Workspace


@transaction.atomic
def bootstrap_admin_and_workspace(*, username: str, password: str | None) -> BootstrapResult:
    """Create the admin (password given, else generated) and the Default workspace if missing."""
    users = get_user_model()
    generated = None
    admin = users.objects.filter(username=username).first()
    if admin is None:
        generated = None if password else secrets.token_urlsafe(12)
        admin = users.objects.create_superuser(
            username=username, email=f"{username}@localhost", password=password or generated
        )
    workspace = Workspace.objects.filter(memberships__user=admin, name=DEFAULT_WORKSPACE).first()
    if workspace is None:
        workspace = Workspace.objects.filter(slug="default").first()
        if workspace is None:
            workspace = workspace_create(name=DEFAULT_WORKSPACE, owner=admin)
        else:
            Membership.objects.get_or_create(
                user=admin, workspace=workspace, defaults={"role": Role.OWNER}
            )
    return BootstrapResult(username=username, generated_password=generated, workspace=workspace)
