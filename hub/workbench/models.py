"""Workbench tables: conversations as a tree of messages, playground runs, their slots, votes,
and where an imported conversation came from.

Every row hangs off a workspace and a user; reads go through ``hub.workbench.selectors``,
which scope them to the actor's workspace and to the actor's own rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class GenerationStatus(models.TextChoices):
    COMPLETE = "complete", "Complete"
    STREAMING = "streaming", "Streaming"
    ERROR = "error", "Error"
    CANCELLED = "cancelled", "Cancelled"


def streaming_index(name: str) -> models.Index:
    """The few rows still streaming, which the interrupted-answer sweep scans every minute."""
    return models.Index(
        fields=["status"], condition=models.Q(status=GenerationStatus.STREAMING), name=name
    )


class Conversation(models.Model):
    """One chat. Its messages form a tree (edits and regenerations branch); ``active_leaf``
    is the branch shown, so a reload returns to where the user was."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="conversations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations"
    )
    title = models.CharField(max_length=200, default="New chat")
    system_prompt = models.TextField(blank=True)
    model = models.CharField(max_length=300, blank=True, help_text="Model or alias last used.")
    params = models.JSONField(default=dict, blank=True)
    active_leaf = models.ForeignKey(
        "workbench.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    total_cost_usd = models.DecimalField(max_digits=16, decimal_places=8, default=0)
    pinned_at = models.DateTimeField(
        null=True, blank=True, help_text="Pinned chats head the list, newest pin first."
    )
    collections = models.ManyToManyField(
        "rag.Collection",
        blank=True,
        related_name="+",
        help_text="Each question is grounded in these.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = [models.F("pinned_at").desc(nulls_last=True), "-updated_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "user", "-updated_at"], name="conversation_list")
        ]

    def __str__(self) -> str:
        return self.title


class ChatSettings(models.Model):
    """A workspace's chat settings; a workspace without a row has the defaults."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="chat_settings"
    )
    title_model = models.CharField(
        max_length=300,
        blank=True,
        help_text="Model or alias that names a new chat after its first answer; "
        "empty: the chat is named after its first words.",
    )

    objects = WorkspaceScopedManager()

    class Meta:
        verbose_name = "chat settings"
        verbose_name_plural = "chat settings"

    def __str__(self) -> str:
        return f"Chat settings of {self.workspace}"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"


class Message(models.Model):
    """A node of the conversation tree; siblings (same parent) are alternative branches.
    Assistant messages carry what answered and what it cost, copied from the usage record:
    the columns from ``provider_slug`` to ``request_id`` are a ``GenerationResult``."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    role = models.CharField(max_length=16, choices=MessageRole.choices)
    content = models.TextField(blank=True)
    model = models.CharField(max_length=300, blank=True, help_text="As requested.")
    provider_slug = models.CharField(max_length=64, blank=True)
    upstream_model = models.CharField(max_length=200, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=16, decimal_places=8, default=0)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    ttft_ms = models.PositiveIntegerField(null=True, blank=True)
    tokens_per_second = models.FloatField(null=True, blank=True)
    route_reason = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=GenerationStatus.choices, default=GenerationStatus.COMPLETE
    )
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the generation writing it."
    )
    # An answer grounded in collections: the citations its [1], [2] point at (rag.grounding).
    sources = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        indexes = [streaming_index("message_streaming")]

    def __str__(self) -> str:
        return f"{self.role}: {self.content[:40]}"


class PlaygroundRun(models.Model):
    """One prompt sent to several models at once; ``history`` holds earlier turns (for a
    conversation compared in the playground) as OpenAI-shaped messages."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="playground_runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="playground_runs"
    )
    prompt = models.TextField()
    system_prompt = models.TextField(blank=True)
    history = models.JSONField(default=list, blank=True)
    blind = models.BooleanField(default=False, help_text="Model names hidden until a vote.")
    collections = models.ManyToManyField("rag.Collection", blank=True, related_name="+")
    # Retrieved once for the run, so every slot answers from the same sources.
    sources = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.prompt[:60]

    @property
    def revealed(self) -> bool:
        """Names are shown unless the run is blind and nobody has voted yet."""
        return not self.blind or hasattr(self, "vote")


class PlaygroundSlot(models.Model):
    """One model's answer in a run; ``metrics`` holds tokens, cost, latency, TTFT, tokens/s."""

    run = models.ForeignKey(PlaygroundRun, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    model = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    output = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=GenerationStatus.choices, default=GenerationStatus.STREAMING
    )
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the generation writing it."
    )

    class Meta:
        ordering = ["position"]
        indexes = [streaming_index("slot_streaming")]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="unique_slot_position")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.model}"

    @property
    def label(self) -> str:
        """Model A, Model B, …: how a blind run names its slots."""
        return f"Model {chr(ord('A') + self.position)}"


class VoteKind(models.TextChoices):
    BEST = "best", "Best of several"
    AB = "ab", "A/B winner"
    TIE = "tie", "Tie"
    BOTH_BAD = "both_bad", "All bad"


class Vote(models.Model):
    """The user's verdict on a run; one per run (voting reveals a blind run's names)."""

    run = models.OneToOneField(PlaygroundRun, on_delete=models.CASCADE, related_name="vote")
    kind = models.CharField(max_length=16, choices=VoteKind.choices)
    winners = models.ManyToManyField(PlaygroundSlot, blank=True, related_name="wins")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} on run {self.run_id}"


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
