from django import forms
from django.contrib import admin
from django.db import models
from django.utils import timezone

from providers.adapters.base import UpstreamError
from providers.catalog import sync_models
from providers.models import Credential, LocalModelFile, Provider, ProviderModel


class CredentialAdminForm(forms.ModelForm):
    """The secret is write-only: blank on every form, replaced only when something is typed."""

    secret = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="Write-only. Leave blank to keep the current secret.",
    )

    class Meta:
        model = Credential
        fields = ["workspace", "provider_kind", "name", "organization"]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("secret"):
            self.add_error("secret", "Enter the secret.")
        return cleaned

    def save(self, commit: bool = True) -> Credential:
        secret = self.cleaned_data.get("secret")
        if secret:
            if self.instance.pk:
                self.instance.rotated_at = timezone.now()
            self.instance.set_secret(secret.strip())
        return super().save(commit=commit)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    form = CredentialAdminForm
    list_display = [
        "name",
        "provider_kind",
        "workspace",
        "secret_hint",
        "created_at",
        "rotated_at",
        "last_used_at",
    ]
    list_filter = ["provider_kind", "workspace"]
    search_fields = ["name", "organization", "workspace__name"]
    readonly_fields = ["secret_hint", "created_at", "rotated_at", "last_used_at"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "workspace", "base_url", "enabled", "priority"]
    list_filter = ["kind", "enabled", "workspace"]
    search_fields = ["name", "slug", "base_url", "workspace__name"]
    list_editable = ["enabled", "priority"]
    autocomplete_fields = ["workspace", "credential"]
    actions = ["sync_models"]
    # A base URL typed without a scheme is https (Django 6's default, stated now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Sync models from the selected providers")
    def sync_models(self, request, queryset) -> None:

        for provider in queryset.select_related("credential"):
            try:
                result = sync_models(provider)
            except UpstreamError as error:
                self.message_user(request, f"{provider}: {error.message}", level="error")
                continue
            self.message_user(request, f"{provider}: {result.listed} listed, {result.added} new.")


@admin.register(LocalModelFile)
class LocalModelFileAdmin(admin.ModelAdmin):
    list_display = ["path", "note", "enabled", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["path", "note"]


@admin.register(ProviderModel)
class ProviderModelAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "source", "enabled", "context_window",
                    "input_price_per_mtok", "output_price_per_mtok", "prices_overridden"]  # fmt: skip
    list_filter = [
        "source",
        "enabled",
        "is_embedding",
        "is_rerank",
        "prices_overridden",
        "provider__kind",
    ]
    search_fields = ["name", "provider__slug", "provider__name"]
    list_editable = ["enabled"]
