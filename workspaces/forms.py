"""Browser forms for workspaces, members, invitations and API keys.

Forms only parse and type-check; the services own the rules. Choices a role may not use
(roles it may not grant, scopes it may not put on a key) are left out of the form.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import UserCreationForm

from workspaces.access import Actor, scopes_allowed_for_role
from workspaces.models import ApiKeyScope, Role
from workspaces.roles import PRIVILEGED_ROLES, Permission


def assignable_roles(actor: Actor) -> list[tuple[str, str]]:
    """The roles ``actor`` may grant: admins hand out member and viewer, owners every role."""
    return [
        (value, label)
        for value, label in Role.choices
        if actor.can(Permission.MANAGE_OWNERS)
        or (value not in PRIVILEGED_ROLES and actor.can(Permission.MANAGE_MEMBERS))
    ]


class WorkspaceNameForm(forms.Form):
    name = forms.CharField(max_length=120, label="Workspace name")


class WorkspaceDeleteForm(forms.Form):
    """Deleting asks the owner to type the slug, so a stray click cannot do it."""

    confirm = forms.CharField(label="Type the workspace's slug to confirm")

    def __init__(self, *args: Any, slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slug = slug
        self.fields["confirm"].widget.attrs["placeholder"] = slug

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.slug:
            raise forms.ValidationError(f"Type {self.slug} exactly to delete the workspace.")
        return value


class InvitationForm(forms.Form):
    role = forms.ChoiceField(initial=Role.MEMBER)
    email = forms.EmailField(
        required=False, help_text="Optional: a note of whom the link is for. No mail is sent."
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = assignable_roles(actor)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignupForm(UserCreationForm):
    """A new account made from an invitation link: a username and a password."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=120, help_text='What uses it, e.g. "nightly eval job".')
    scopes = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(
        required=False,
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The key stops working at the start of this day (UTC).",
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(scopes_allowed_for_role(actor.role))
        cast(forms.MultipleChoiceField, self.fields["scopes"]).choices = [
            (value, label) for value, label in ApiKeyScope.choices if value in allowed
        ]
        if ApiKeyScope.INFERENCE in allowed:
            self.fields["scopes"].initial = [ApiKeyScope.INFERENCE]

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return datetime.combine(day, time.min, tzinfo=UTC)
