"""The prompt library's tables: a named template per workspace and its numbered versions.

Versions are never edited: saving a template appends one, so what a version said when it
was used stays readable. At most one version per template carries the ``production`` label.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class PromptTemplate(models.Model):
    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="prompt_templates"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_prompt_name")
        ]

    def __str__(self) -> str:
        return self.name


class VersionLabel(models.TextChoices):
    PRODUCTION = "production", "Production"


class PromptVersion(models.Model):
    """``variables`` is a list of ``{"name", "type": "text"|"choice", "options": [...]}``,
    one per ``{{name}}`` in the system prompt or body (see ``hub.prompts.rendering``)."""

    template = models.ForeignKey(PromptTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    system_prompt = models.TextField(blank=True)
    body = models.TextField()
    variables = models.JSONField(default=list, blank=True)
    # Names of RAG collections: wherever this version is used, answers are grounded in them.
    collections = models.JSONField(default=list, blank=True)
    label = models.CharField(max_length=20, choices=VersionLabel.choices, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_prompt_version"),
            models.UniqueConstraint(
                fields=["template", "label"],
                condition=~Q(label=""),
                name="one_version_per_prompt_label",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_production(self) -> bool:
        return self.label == VersionLabel.PRODUCTION
