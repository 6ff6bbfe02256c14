"""Agents, their threads and runs, and each run's steps: the trace a run page shows.

An agent's instructions are its own text or a version of the prompt library. The version is
named by app label (``prompts.PromptVersion``) so this floor imports nothing above it; a
version in use cannot be deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from workspaces.models import Workspace, WorkspaceRow
from workspaces.scoping import WorkspaceScopedManager

NAME_HELP = "Lowercase letters, digits and hyphens; callers use it as the model agent:<name>."


TOOL_NAME = RegexValidator(r"^[a-zA-Z0-9_-]{1,64}$", "Letters, digits, _ and -, at most 64.")


class CustomTool(WorkspaceRow):
    """A tool the workspace serves itself: a JSON Schema and a webhook the hub POSTs each
    call to, signed with the tool's secret (HMAC-SHA256), bounded in time and size."""

    name = models.CharField(max_length=64, validators=[TOOL_NAME])
    description = models.TextField(max_length=1000)
    parameters = models.JSONField(default=dict)  # a JSON Schema object
    url = models.CharField(max_length=2000)  # checked by the private-address guard
    secret_encrypted = models.TextField()  # providers.secrets; never shown again after creation
    timeout_s = models.FloatField(
        default=10.0, validators=[MinValueValidator(0.5), MaxValueValidator(60)]
    )
    max_response_bytes = models.PositiveIntegerField(
        default=100_000, validators=[MinValueValidator(100), MaxValueValidator(1_000_000)]
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_custom_tool_name")
        ]

    def __str__(self) -> str:
        return self.name


class McpServer(WorkspaceRow):
    """An MCP server reached over streamable HTTP; agents are offered only the tools named
    in ``allowed_tools``, as ``<name>__<tool>``."""

    name = models.SlugField(max_length=40)
    url = models.CharField(max_length=2000)  # checked by the private-address guard
    token_encrypted = models.TextField(blank=True)  # sent as a bearer token when set
    allowed_tools = models.JSONField(default=list, blank=True)
    timeout_s = models.FloatField(
        default=15.0, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_mcp_server_name")
        ]

    def __str__(self) -> str:
        return self.name


class Agent(WorkspaceRow):
    name = models.SlugField(max_length=64, help_text=NAME_HELP)
    description = models.TextField(
        blank=True, max_length=1000, help_text="What it is good at: a supervisor routes by this."
    )
    instructions = models.TextField(blank=True, max_length=20_000)
    instructions_version = models.ForeignKey(
        "prompts.PromptVersion", on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    # Model names and aliases of the workspace, in order: the first answers, the others take
    # over (before anything has streamed) when it fails.
    model_names = models.JSONField(default=list)
    first_token_timeout_s = models.FloatField(
        default=10.0, validators=[MinValueValidator(0.5), MaxValueValidator(600)]
    )
    retries = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(10)])
    temperature = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(2)]
    )
    # Built-in tools by name (agents.tools.catalog); custom tools and delegates below.
    tool_names = models.JSONField(default=list, blank=True)
    allowed_hosts = models.JSONField(default=list, blank=True)  # for the http_request tool
    collections = models.ManyToManyField("rag.Collection", blank=True, related_name="+")
    delegates = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="delegated_by"
    )
    # A sequential pipeline: a completed run's output becomes this agent's task.
    hands_off_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    custom_tools = models.ManyToManyField(CustomTool, blank=True, related_name="agents")
    mcp_servers = models.ManyToManyField(McpServer, blank=True, related_name="agents")
    max_steps = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_tokens = models.PositiveIntegerField(null=True, blank=True)
    max_usd = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    max_seconds = models.PositiveIntegerField(
        default=300, validators=[MinValueValidator(1), MaxValueValidator(3600)]
    )
    repeat_limit = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(20)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_agent_name")
        ]

    def __str__(self) -> str:
        return self.name


class Thread(WorkspaceRow):
    """A conversation with an agent that continues across runs."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title or f"Thread {self.pk}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped by a limit"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = (RunStatus.COMPLETED, RunStatus.STOPPED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(WorkspaceRow):
    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="runs")
    thread = models.ForeignKey(
        Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    parent = models.ForeignKey(  # the run that delegated this one
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    input = models.TextField()
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stop_reason = models.CharField(max_length=16, blank=True)  # max_steps, budget, timeout, repeat
    output = models.TextField(blank=True)
    error = models.TextField(blank=True)
    # The conversation this run added (user, assistant and tool messages, OpenAI shape).
    messages = models.JSONField(default=list, blank=True)
    steps = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0))
    cancel_requested = models.BooleanField(default=False)
    # The key that started it: a queued run is worked with that key's scopes, limits and
    # budgets, and stops being worked once the key is revoked.
    api_key = models.ForeignKey(
        "workspaces.ApiKey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["workspace", "agent", "-id"])]

    def __str__(self) -> str:
        return f"{self.agent_id} run {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class StepKind(models.TextChoices):
    MODEL = "model", "Model"
    TOOL = "tool", "Tool"


class Step(models.Model):
    """One model call or one tool call of a run, in order."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="trace")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=StepKind.choices)
    # Model steps: what was asked for, who answered, the text and the calls it asked for.
    model = models.CharField(max_length=300, blank=True)
    answered_by = models.CharField(max_length=300, blank=True)
    content = models.TextField(blank=True)
    tool_calls = models.JSONField(default=list, blank=True)
    fallbacks = models.JSONField(default=list, blank=True)  # candidates that failed first
    request_id = models.CharField(max_length=40, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=Decimal(0))
    # Tool steps: the call and its result.
    tool_name = models.CharField(max_length=128, blank=True)
    tool_call_id = models.CharField(max_length=128, blank=True)
    arguments = models.JSONField(null=True, blank=True)
    result = models.TextField(blank=True)
    is_error = models.BooleanField(default=False)
    child_run = models.ForeignKey(  # a delegation's run
        Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latency_ms = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="unique_agent_step_number")
        ]

    def __str__(self) -> str:
        return f"step {self.number} ({self.kind})"
