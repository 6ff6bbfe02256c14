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
    # {"model": judge, "rubric": text}: after a run, each case's answers from different
    # models are judged in pairs, for the leaderboard. Empty: no pairwise judging.
    pairwise = models.JSONField(default=dict, blank=True)
    # Each finished run hands its pass rates to routing as the models' quality scores.
    feeds_routing = models.BooleanField(default=False)
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


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    FAILED = "failed", "Failed"


class Run(models.Model):
    """One pass over a suite's matrix. Models, repeats and parameters are copied from the
    suite when the run starts, so editing the suite later never changes what a run meant."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    suite = models.ForeignKey(Suite, on_delete=models.CASCADE, related_name="runs")
    number = models.PositiveIntegerField()  # 1, 2, ... within the suite
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    use_cache = models.BooleanField(default=True)
    model_names = models.JSONField(default=list)
    repeats = models.PositiveSmallIntegerField(default=1)
    params = models.JSONField(default=dict, blank=True)
    pairwise = models.JSONField(default=dict, blank=True)
    baseline = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cells_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Refreshed while a worker works the run; an old one means the worker died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["suite", "number"], name="unique_eval_run_number")
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="eval_run_stalled")]

    def __str__(self) -> str:
        return f"{self.suite.name} #{self.number}"

    @property
    def in_progress(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class CellStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DONE = "done", "Done"
    ERROR = "error", "Error"
    CANCELLED = "cancelled", "Cancelled"


class Cell(models.Model):
    """One prompt x model x case x repeat of a run: what was sent, what came back, and how
    the assertions judged it. What was sent is kept whole, so a cell explains itself even
    after its case or prompt was edited or deleted."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="cells")
    prompt = models.ForeignKey(
        SuitePrompt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prompt_label = models.CharField(max_length=200)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_key = models.CharField(max_length=200)
    tags = models.JSONField(default=list, blank=True)
    model_name = models.CharField(max_length=200)
    repeat = models.PositiveSmallIntegerField(default=0)  # 0-based
    status = models.CharField(max_length=12, choices=CellStatus.choices, default=CellStatus.PENDING)
    messages = models.JSONField(default=list)
    variables = models.JSONField(default=dict, blank=True)
    assertions = models.JSONField(default=list, blank=True)
    # sha256 of what decides the answer (messages, model, parameters, repeat): equal keys in
    # one workspace may reuse an answer instead of calling the model again.
    cache_key = models.CharField(max_length=64, db_index=True)
    output = models.TextField(blank=True)
    tool_calls = models.JSONField(default=list, blank=True)
    verdicts = models.JSONField(default=list, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    latency_ms = models.FloatField(null=True, blank=True)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cached = models.BooleanField(default=False)
    saved_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    answered_by = models.CharField(max_length=300, blank=True)  # provider/model
    request_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "status"], name="eval_cell_run_status")]

    def __str__(self) -> str:
        return f"{self.case_key} · {self.model_name} · {self.prompt_label} #{self.repeat + 1}"


class Judgement(models.Model):
    """An LLM judge's verdict, kept so the same question is never paid for twice: a grade
    (``score``) of one answer, or the ``winner`` of a pair of answers judged in one order."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    # sha256 of the judge model, rubric, question and answer(s) in their order
    key = models.CharField(max_length=64)
    model = models.CharField(max_length=200)
    score = models.FloatField(null=True, blank=True)
    winner = models.CharField(max_length=8, blank=True)  # "A", "B" or "tie"
    reason = models.TextField(blank=True)
    cost_usd = models.DecimalField(max_digits=14, decimal_places=8, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="unique_eval_judgement")
        ]

    def __str__(self) -> str:
        return f"{self.model}: {self.winner or self.score}"


class JudgedPair(models.Model):
    """Two models' answers to one case of a run, judged in both orders: a duel of the
    leaderboard. Lengths and markdown marks let the leaderboard control for style."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="pairs")
    case_key = models.CharField(max_length=200)
    prompt_label = models.CharField(max_length=200)
    repeat = models.PositiveSmallIntegerField(default=0)
    first_model = models.CharField(max_length=200)
    second_model = models.CharField(max_length=200)
    outcome = models.CharField(max_length=8)  # "first", "second" or "tie"
    reasons = models.JSONField(default=list, blank=True)  # the judge's, in each order
    # sha256 of the judge, rubric, question and both answers: a run repeated from the cache
    # judges the same answers again, and the leaderboard counts such a duel once.
    answers_key = models.CharField(max_length=64, db_index=True, default="")
    first_chars = models.PositiveIntegerField(default=0)
    second_chars = models.PositiveIntegerField(default=0)
    first_markdown = models.PositiveIntegerField(default=0)
    second_markdown = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "case_key", "prompt_label", "repeat", "first_model", "second_model"],
                name="unique_eval_judged_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_model} vs {self.second_model}: {self.outcome}"
