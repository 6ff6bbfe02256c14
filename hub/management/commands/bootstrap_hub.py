"""Create the first admin and the Default workspace if they do not exist (idempotent)."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from hub.bootstrap import bootstrap_admin_and_workspace
from hub.schedules import periodic_tasks_ensure


class Command(BaseCommand):
    help = (
        "Create the admin user (HUB_ADMIN_USERNAME, HUB_ADMIN_PASSWORD) and the Default workspace."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = bootstrap_admin_and_workspace(
            username=os.environ.get("HUB_ADMIN_USERNAME", "admin"),
            password=os.environ.get("HUB_ADMIN_PASSWORD") or None,
        )
        periodic_tasks_ensure()
        if result.generated_password:
            self.stdout.write(
                f"Admin user {result.username!r} created; password (shown once): "
                f"{result.generated_password}"
            )
        else:
            self.stdout.write(
                f"Admin user {result.username!r} and workspace {result.workspace.name!r} are ready."
            )
