"""Evaluation suites: the prompts, models and cases a run multiplies out, and the
assertions each answer is checked against.

A suite's prompt is a version of the prompt library (versions never change, so a run can be
repeated on the same text) or a text of its own. Cases keep a ``key`` so runs of the same
suite can be compared case by case, even after cases were added or reordered.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from hub.prompts.models import PromptVersion
from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class Suite(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="eval_suites")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Model names and aliases of the workspace, as /v1 takes them.
    model_names = models.JSONField(default=list, blank=True)
    repeats = models.PositiveSmallIntegerField(default=1)
    # Request parameters every cell sends (temperature, max_tokens, ...).
    params = models.JSONField(default=dict, blank=True)
    # Checked on every cell; a case may add its own (see hub.evals.assertions).
    assertions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_eval_suite_name")
        ]

    def __str__(self) -> str:
        return self.name


class SuitePrompt(models.Model):
    """A library version (``version``) or the suite's own text (``system_prompt``, ``body``)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=200)
    version = models.ForeignKey(
        PromptVersion, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    system_prompt = models.TextField(blank=True)
    body = models.TextField(blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["suite", "position", "id"]

    def __str__(self) -> str:
        return self.label


class Case(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="cases")
    key = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    variables = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    assertions = models.JSONField(default=list, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["suite", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suite", "key"], name="unique_eval_case_key")
        ]

    def __str__(self) -> str:
        return self.key
