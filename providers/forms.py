"""Browser forms for providers and credentials.

The credential choices are this workspace's credentials only, so a foreign id is an
invalid choice. A secret field never renders its value back, not even after an error.
A provider's form may take a new API key instead of a saved credential, never both.
"""

from __future__ import annotations

from typing import Any

from django import forms

from providers.kinds import ProviderKind
from providers.models import Credential, Provider
from providers.selectors import credential_list, provider_list
from providers.services import KEY_AND_CREDENTIAL
from workspaces.models import Workspace


class CredentialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Credential) -> str:
        return f"{obj.name} ({obj.get_provider_kind_display()}, {obj.secret_hint})"


class ProviderEndpointForm(forms.Form):
    """Where a provider is called and with which credential: what Test connection needs."""

    kind = forms.ChoiceField(choices=ProviderKind.choices)
    base_url = forms.CharField(
        max_length=500,
        required=False,
        label="Base URL",
        help_text="Blank uses the kind's default endpoint.",
    )
    credential = CredentialChoiceField(
        queryset=Credential.objects.none(),
        required=False,
        empty_label="No credential",
        help_text="A credential of the same kind. Ollama, local and simulated need none.",
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = credential_list(workspace=workspace)  # type: ignore[attr-defined]  # fields[] is typed as Field
        self.fields["base_url"].widget.attrs["placeholder"] = "https://…"


class ProviderForm(ProviderEndpointForm):
    name = forms.CharField(max_length=120, help_text="How the provider is shown in the hub.")
    slug = forms.SlugField(
        max_length=64,
        required=False,
        help_text="Used in model names: <slug>/<model>. Blank derives it from the name.",
    )
    enabled = forms.BooleanField(required=False, initial=True)
    priority = forms.IntegerField(initial=100, help_text="Lower is tried first.")

    field_order = ["kind", "name", "slug", "base_url", "credential", "enabled", "priority"]

    @staticmethod
    def initial_for(provider: Provider) -> dict[str, Any]:
        return {
            "kind": provider.kind,
            "name": provider.name,
            "slug": provider.slug,
            "base_url": provider.base_url,
            "credential": provider.credential_id,
            "enabled": provider.enabled,
            "priority": provider.priority,
        }


class SecretInput(forms.PasswordInput):
    """Write-only: renders empty whatever the bound value, and asks browsers not to fill it."""

    def __init__(self) -> None:
        super().__init__(render_value=False, attrs={"autocomplete": "new-password"})


class CredentialCreateForm(forms.Form):
    provider_kind = forms.ChoiceField(choices=ProviderKind.choices, label="Provider kind")
    name = forms.CharField(max_length=120, help_text='For example "Work OpenAI".')
    secret = forms.CharField(
        widget=SecretInput(), help_text="Stored encrypted; afterwards only a hint is shown."
    )
    organization = forms.CharField(max_length=200, required=False)


class CredentialEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    organization = forms.CharField(max_length=200, required=False)
    secret = forms.CharField(
        widget=SecretInput(),
        required=False,
        label="New secret",
        help_text="Leave blank to keep the current secret; a new one rotates it.",
    )


class NewKeyForm(forms.Form):
    """An API key typed in place of choosing a saved credential; never both."""

    api_key = forms.CharField(
        required=False,
        strip=True,
        label="API key",
        widget=SecretInput(),
        help_text="Saved encrypted as a new credential named after the provider; afterwards "
        "only a hint is shown. Leave blank to use a saved credential, or for kinds that need "
        "no key.",
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned and cleaned.get("api_key") and cleaned.get("credential") is not None:
            self.add_error("api_key", KEY_AND_CREDENTIAL)
        return cleaned


class ProviderCreateForm(ProviderForm, NewKeyForm):
    """The add-provider form: a provider, and optionally its key on the same page."""


class ConnectionTestForm(ProviderEndpointForm, NewKeyForm):
    """What Test connection reads from the add or edit form; other fields are ignored.
    ``provider`` names the provider being edited, whose saved URL was checked already."""

    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, workspace=workspace, **kwargs)
        self.fields["provider"].queryset = provider_list(workspace=workspace)  # type: ignore[attr-defined]  # fields[] is typed as Field
