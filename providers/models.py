"""Provider records and their encrypted credentials."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from providers.kinds import ProviderKind
from providers.secrets import decrypt_secret, encrypt_secret, mask_secret
from workspaces.models import Workspace
from workspaces.scoping import WorkspaceScopedManager


class Credential(models.Model):
    """An API key for a provider kind. The secret is write-only: stored encrypted, shown masked."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="credentials")
    provider_kind = models.CharField(max_length=32, choices=ProviderKind.choices)
    name = models.CharField(max_length=120, help_text='For example "Work OpenAI".')
    secret_encrypted = models.TextField(editable=False)
    secret_hint = models.CharField(max_length=32, editable=False)
    organization = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_credential_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.secret_hint})"

    def set_secret(self, plaintext: str) -> None:
        self.secret_encrypted = encrypt_secret(plaintext)
        self.secret_hint = mask_secret(plaintext)

    def reveal_secret(self) -> str:
        """Plaintext for the outgoing request only; never render, log or return it."""
        return decrypt_secret(self.secret_encrypted)


class Provider(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="providers")
    kind = models.CharField(max_length=32, choices=ProviderKind.choices)
    name = models.CharField(max_length=120, help_text="Display name.")
    slug = models.SlugField(max_length=64, help_text="Used in model names: <slug>/<model>.")
    base_url = models.URLField(max_length=500, blank=True)
    credential = models.ForeignKey(
        Credential, on_delete=models.SET_NULL, null=True, blank=True, related_name="providers"
    )
    enabled = models.BooleanField(default=True)
    priority = models.IntegerField(default=100, help_text="Lower is tried first.")
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["priority", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="unique_provider_slug")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_simulated(self) -> bool:
        return self.kind == ProviderKind.SIMULATED


def model_label(provider_slug: str, model: str) -> str:
    """How a deployment is addressed everywhere (API, pages, records): ``<provider slug>/<model>``."""
    return f"{provider_slug}/{model}"


class ModelSource(models.TextChoices):
    SYNCED = "synced", "Synced from the provider"
    MANUAL = "manual", "Added by hand"


class ProviderModel(models.Model):
    """One model a provider serves, addressed as ``<provider slug>/<name>``.

    Prices are USD per million tokens; ``prices_overridden`` marks prices a workspace set by
    hand, which a sync never overwrites.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="models")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=200, help_text="The upstream model id.")
    source = models.CharField(
        max_length=16, choices=ModelSource.choices, default=ModelSource.SYNCED
    )
    enabled = models.BooleanField(default=True)
    context_window = models.PositiveIntegerField(null=True, blank=True)
    max_output_tokens = models.PositiveIntegerField(null=True, blank=True)
    supports_tools = models.BooleanField(default=False)
    supports_vision = models.BooleanField(default=False)
    supports_json = models.BooleanField(default=False)
    is_embedding = models.BooleanField(default=False)
    # Scores documents against a query (/v1/rerank); never offered for chat.
    is_rerank = models.BooleanField(default=False)
    input_price_per_mtok = models.DecimalField(
        max_digits=14, decimal_places=6, null=True, blank=True
    )
    output_price_per_mtok = models.DecimalField(
        max_digits=14, decimal_places=6, null=True, blank=True
    )
    cached_input_price_per_mtok = models.DecimalField(
        max_digits=14, decimal_places=6, null=True, blank=True
    )
    prices_overridden = models.BooleanField(default=False)
    synced_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()

    class Meta:
        ordering = ["provider__priority", "provider__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="unique_provider_model")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return model_label(self.provider.slug, self.name)


class LocalModelFile(models.Model):
    """A GGUF file outside the models directory that the inference worker should serve too.

    Site-wide (the worker serves every workspace): only site administrators add these, in
    the admin, because a path names a file on the worker's machine.
    """

    path = models.CharField(
        max_length=1000, unique=True, help_text="Absolute path to a .gguf file."
    )
    note = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    def clean(self) -> None:

        if not self.path.startswith("/") or not self.path.endswith(".gguf"):
            raise ValidationError({"path": "Give an absolute path to a .gguf file."})
