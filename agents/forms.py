"""Browser forms of agents. They parse; ``agents.services`` owns the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agents.models import Agent
from agents.services import MAX_INPUT_CHARS, AgentFields
from agents.toolbox import TOOL_CHOICES
from rag.models import Collection


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.template.name} v{obj.number}"


class AgentForm(forms.Form):
    name = forms.SlugField(max_length=64, help_text="Callers use it as the model agent:<name>.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000,
        help_text="What it is good at. Agents that may ask it read this to decide.",
    )  # fmt: skip
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=20_000,
        help_text="The system prompt of every run, unless a prompt version is chosen below.",
    )  # fmt: skip
    instructions_version = VersionChoiceField(
        queryset=None, required=False, label="Instructions from the prompt library",
        help_text="Its system prompt and body replace the text above.",
    )  # fmt: skip
    models = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text="One model or alias per line, in order: the first answers; the next takes "
        "over when it fails before anything streamed.",
    )  # fmt: skip
    first_token_timeout_s = forms.FloatField(
        min_value=0.5, max_value=600, initial=10.0, label="Time to first token (s)",
        help_text="A model that says nothing for this long is left for the next.",
    )  # fmt: skip
    retries = forms.IntegerField(
        min_value=0, max_value=10, initial=3, help_text="Retries of each deployment, with backoff."
    )
    temperature = forms.FloatField(min_value=0, max_value=2, required=False)
    tools = forms.MultipleChoiceField(
        choices=TOOL_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    allowed_hosts = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}), required=False,
        help_text="For the HTTP tool: one host per line (api.example.com, *.example.com). "
        "Private addresses are refused.",
    )  # fmt: skip
    collections: forms.ModelMultipleChoiceField[Collection] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Long-term memory: the document search tool searches these.",
    )  # fmt: skip
    delegates: forms.ModelMultipleChoiceField[Agent] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        label="May ask", help_text="Agents it may hand a task to (a supervisor routes by "
        "their descriptions).",
    )  # fmt: skip
    max_steps = forms.IntegerField(min_value=1, max_value=100, initial=10)
    max_tokens = forms.IntegerField(min_value=1, required=False, label="Max tokens per run")
    max_usd = forms.DecimalField(min_value=0.0001, max_digits=10, decimal_places=4,
                                 required=False, label="Max dollars per run")  # fmt: skip
    max_seconds = forms.IntegerField(min_value=1, max_value=3600, initial=300,
                                     label="Max seconds per run")  # fmt: skip
    repeat_limit = forms.IntegerField(
        min_value=2, max_value=20, initial=3,
        help_text="The same tool call with the same arguments this many times stops the run.",
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        versions: QuerySet[Any],
        collections: QuerySet[Collection],
        agents: QuerySet[Agent],
        known_models: set[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instructions_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["collections"].queryset = collections  # type: ignore[attr-defined]
        self.fields["delegates"].queryset = agents  # type: ignore[attr-defined]
        self.known_models = known_models

    @classmethod
    def initial_for(cls, agent: Agent) -> dict[str, Any]:
        return {
            "name": agent.name, "description": agent.description,
            "instructions": agent.instructions,
            "instructions_version": agent.instructions_version_id,
            "models": "\n".join(agent.model_names),
            "first_token_timeout_s": agent.first_token_timeout_s, "retries": agent.retries,
            "temperature": agent.temperature, "tools": agent.tool_names,
            "allowed_hosts": "\n".join(agent.allowed_hosts),
            "collections": list(agent.collections.all()),
            "delegates": list(agent.delegates.all()),
            "max_steps": agent.max_steps, "max_tokens": agent.max_tokens,
            "max_usd": agent.max_usd, "max_seconds": agent.max_seconds,
            "repeat_limit": agent.repeat_limit,
        }  # fmt: skip

    def clean_models(self) -> list[str]:
        names = _lines(self.cleaned_data["models"])
        unknown = [name for name in names if name not in self.known_models]
        if unknown:
            raise ValidationError(
                f"No model or alias {', '.join(unknown)} in this workspace's catalog."
            )
        return names

    def fields_value(self) -> AgentFields:
        data = self.cleaned_data
        version = data["instructions_version"]
        return AgentFields(
            name=data["name"], description=data["description"],
            instructions=data["instructions"],
            instructions_version_id=version.pk if version else None,
            model_names=data["models"], first_token_timeout_s=data["first_token_timeout_s"],
            retries=data["retries"], temperature=data["temperature"], tool_names=data["tools"],
            allowed_hosts=_lines(data["allowed_hosts"]),
            collection_ids=[c.pk for c in data["collections"]],
            delegate_ids=[a.pk for a in data["delegates"]],
            max_steps=data["max_steps"], max_tokens=data["max_tokens"],
            max_usd=data["max_usd"], max_seconds=data["max_seconds"],
            repeat_limit=data["repeat_limit"],
        )  # fmt: skip


class RunStartForm(forms.Form):
    input = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_INPUT_CHARS, label="Task"
    )
    thread = forms.TypedChoiceField(coerce=int, required=False, empty_value=None,
                                    label="Continue thread")  # fmt: skip
    new_thread = forms.BooleanField(required=False, label="Start a thread")

    def __init__(self, *args: Any, threads: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["thread"].choices = [("", "—"), *threads]  # type: ignore[attr-defined]
