"""Browser forms of agents. They parse; ``agents.services`` owns the rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agents.models import Agent, CustomTool, McpServer
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
    custom_tools: forms.ModelMultipleChoiceField[CustomTool] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Webhook tools of this workspace (Agents → Tools).",
    )  # fmt: skip
    mcp_servers: forms.ModelMultipleChoiceField[McpServer] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="MCP servers",
        help_text="Their allowlisted tools are offered as <server>__<tool>.",
    )  # fmt: skip
    hands_off_to: forms.ModelChoiceField[Agent] = forms.ModelChoiceField(
        queryset=None, required=False, label="Then hand off to",
        help_text="A sequential pipeline: a completed run's answer becomes this agent's task.",
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
        custom_tools: QuerySet[CustomTool],
        mcp_servers: QuerySet[McpServer],
        known_models: set[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["custom_tools"].queryset = custom_tools  # type: ignore[attr-defined]
        self.fields["mcp_servers"].queryset = mcp_servers  # type: ignore[attr-defined]
        self.fields["hands_off_to"].queryset = agents  # type: ignore[attr-defined]
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
            "custom_tools": list(agent.custom_tools.all()),
            "mcp_servers": list(agent.mcp_servers.all()),
            "hands_off_to": agent.hands_off_to_id,
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
            custom_tool_ids=[t.pk for t in data["custom_tools"]],
            mcp_server_ids=[m.pk for m in data["mcp_servers"]],
            hands_off_to_id=data["hands_off_to"].pk if data["hands_off_to"] else None,
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


class CustomToolForm(forms.Form):
    name = forms.CharField(
        max_length=64, help_text="What the model calls: letters, digits, _ and -."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                                  help_text="What it does; the model reads this.")  # fmt: skip
    url = forms.CharField(max_length=2000, label="Webhook URL",
                          help_text="Each call is POSTed here, signed (X-Hub-Signature).")  # fmt: skip
    parameters = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        initial='{"type": "object", "properties": {}}', help_text="A JSON Schema object.",
    )  # fmt: skip
    timeout_s = forms.FloatField(min_value=0.5, max_value=60, initial=10.0, label="Timeout (s)")
    max_response_bytes = forms.IntegerField(min_value=100, max_value=1_000_000, initial=100_000)

    def clean_parameters(self) -> Any:
        try:
            return json.loads(self.cleaned_data["parameters"])
        except (ValueError, RecursionError) as error:
            raise ValidationError(f"Not JSON: {error}.") from None


class McpServerForm(forms.Form):
    name = forms.SlugField(max_length=40, help_text="Its tools are offered as <name>__<tool>.")
    url = forms.CharField(max_length=2000, label="Streamable HTTP URL",
                          help_text="e.g. https://tools.example.com/mcp")  # fmt: skip
    token = forms.CharField(max_length=4000, required=False, widget=forms.PasswordInput,
                            help_text="Sent as a bearer token; stored encrypted.")  # fmt: skip
    allowed_tools = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text="One tool name per line: only these are ever offered to agents.",
    )
    timeout_s = forms.FloatField(min_value=1, max_value=120, initial=15.0, label="Timeout (s)")
