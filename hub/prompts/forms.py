"""Browser forms of the prompt library. They parse; ``hub.prompts.services`` owns the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hub.prompts.models import PromptTemplate, PromptVersion
from hub.prompts.rendering import CHOICE, variables_from_lines, variables_to_lines

USE_PREFIX = "var"


class PromptForm(forms.Form):
    """The template's name and labels plus the text of the version a save appends."""

    name = forms.CharField(max_length=200)
    category = forms.CharField(
        max_length=80, required=False, help_text="Groups prompts in the list, e.g. Support."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    system_prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}), required=False
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        help_text="Write {{name}} where a value goes in; the system prompt may use them too.",
    )
    variables = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        required=False,
        help_text="Optional, one per line: “tone: formal | friendly” offers a choice. "
        "Variables not listed here are free text.",
    )
    note = forms.CharField(
        max_length=300, required=False, help_text="What changed in this version."
    )
    collections = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ground in collections",
        help_text="Wherever this prompt is used, answers search these and cite them.",
    )

    def __init__(
        self, *args: Any, collection_names: list[str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["collections"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(name, name) for name in collection_names or []]
        if not collection_names:
            del self.fields["collections"]

    def clean_variables(self) -> list[dict[str, Any]]:
        try:
            return variables_from_lines(self.cleaned_data["variables"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    @staticmethod
    def initial_for(template: PromptTemplate, version: PromptVersion | None) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": template.name,
            "category": template.category,
            "description": template.description,
        }
        if version is not None:
            initial.update(
                system_prompt=version.system_prompt,
                body=version.body,
                variables=variables_to_lines(
                    [v for v in version.variables if v.get("type") == CHOICE]
                ),
                collections=version.collections,
            )
        return initial


class PromptSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    category = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, categories: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [  # type: ignore[attr-defined]  # fields[] is typed as Field
            (c, c) for c in categories
        ]


def use_form(version: PromptVersion, data: Any = None) -> forms.Form:
    """One field per variable of ``version``: a text area, or a select for a choice."""
    form = forms.Form(data, prefix=USE_PREFIX)
    for spec in version.variables:
        label = spec["name"].replace("_", " ").capitalize()
        if spec.get("type") == CHOICE:
            choices = [("", "Choose…")] + [(o, o) for o in spec["options"]]
            form.fields[spec["name"]] = forms.ChoiceField(label=label, choices=choices)
        else:
            form.fields[spec["name"]] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 2})
            )
    return form


def use_values(data: Any) -> dict[str, Any]:
    """The ``var-<name>`` fields of a posted use form, as ``{name: value}``."""
    prefix = f"{USE_PREFIX}-"
    return {key[len(prefix) :]: data.get(key) for key in data if key.startswith(prefix)}
