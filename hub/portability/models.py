"""Where an imported conversation came from: the key that makes importing a file twice
add nothing the second time."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hub.workbench.models import Conversation
from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class ImportSource(models.TextChoices):
    CHATGPT = "chatgpt", "ChatGPT"
    CLAUDE = "claude", "Claude"
    HUB = "hub", "Provider Hub"


class ImportedConversation(models.Model):
    """One per imported conversation; deleting the conversation deletes it, so the same
    conversation can be imported again after that."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="import_origin"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=16, choices=ImportSource.choices)
    external_id = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "source", "external_id"],
                name="unique_imported_conversation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.external_id}"
