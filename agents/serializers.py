"""REST shapes of agents and runs. They check types and lengths; the rules live in
``agents.services``."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from agents.models import Agent, CustomTool, McpServer, Run, Step
from agents.services import MAX_HOSTS, MAX_INPUT_CHARS, MAX_MODELS


class AgentSerializer(serializers.ModelSerializer):
    collections = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    delegates = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    custom_tools = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    mcp_servers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    model = serializers.SerializerMethodField(help_text="The name /v1 callers use.")

    class Meta:
        model = Agent
        fields = [
            "id", "name", "model", "description", "instructions", "instructions_version",
            "model_names", "first_token_timeout_s", "retries", "temperature", "tool_names",
            "allowed_hosts", "collections", "delegates", "custom_tools", "mcp_servers",
            "hands_off_to", "max_steps", "max_tokens", "max_usd",
            "max_seconds", "repeat_limit", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_model(self, agent: Agent) -> str:
        return f"agent:{agent.name}"


class AgentWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                        default="")  # fmt: skip
    instructions = serializers.CharField(max_length=20_000, required=False, allow_blank=True,
                                         default="")  # fmt: skip
    instructions_version_id = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="A prompt-library version to use as instructions instead of the text.",
    )  # fmt: skip
    model_names = serializers.ListField(
        child=serializers.CharField(max_length=300), min_length=1, max_length=MAX_MODELS,
        help_text="Models or aliases in order: the first answers, the next take over.",
    )  # fmt: skip
    first_token_timeout_s = serializers.FloatField(min_value=0.5, max_value=600, required=False,
                                                   default=10.0)  # fmt: skip
    retries = serializers.IntegerField(min_value=0, max_value=10, required=False, default=3)
    temperature = serializers.FloatField(min_value=0, max_value=2, required=False,
                                         allow_null=True, default=None)  # fmt: skip
    tool_names = serializers.ListField(child=serializers.CharField(max_length=64),
                                       max_length=20, required=False, default=list)  # fmt: skip
    allowed_hosts = serializers.ListField(child=serializers.CharField(max_length=253),
                                          max_length=MAX_HOSTS, required=False, default=list)  # fmt: skip
    collection_ids = serializers.ListField(child=serializers.IntegerField(), max_length=50,
                                           required=False, default=list)  # fmt: skip
    delegate_ids = serializers.ListField(child=serializers.IntegerField(), max_length=50,
                                         required=False, default=list)  # fmt: skip
    custom_tool_ids = serializers.ListField(child=serializers.IntegerField(), max_length=50,
                                            required=False, default=list)  # fmt: skip
    mcp_server_ids = serializers.ListField(child=serializers.IntegerField(), max_length=20,
                                           required=False, default=list)  # fmt: skip
    hands_off_to_id = serializers.IntegerField(
        required=False, allow_null=True, default=None,
        help_text="A sequential pipeline: a completed run's output becomes this agent's task.",
    )  # fmt: skip
    max_steps = serializers.IntegerField(min_value=1, max_value=100, required=False, default=10)
    max_tokens = serializers.IntegerField(min_value=1, required=False, allow_null=True,
                                          default=None)  # fmt: skip
    max_usd = serializers.DecimalField(max_digits=10, decimal_places=4, min_value=Decimal("0.0001"),
                                       required=False, allow_null=True, default=None)  # fmt: skip
    max_seconds = serializers.IntegerField(min_value=1, max_value=3600, required=False,
                                           default=300)  # fmt: skip
    repeat_limit = serializers.IntegerField(min_value=2, max_value=20, required=False, default=3)


class CustomToolSerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomTool
        fields = ["id", "name", "description", "parameters", "url", "timeout_s",
                  "max_response_bytes", "created_at"]  # fmt: skip
        read_only_fields = fields


class CustomToolCreatedSerializer(CustomToolSerializer):
    signing_secret = serializers.CharField(
        read_only=True, help_text="Shown once: verify X-Hub-Signature with it."
    )

    class Meta(CustomToolSerializer.Meta):
        fields = [*CustomToolSerializer.Meta.fields, "signing_secret"]
        read_only_fields = fields


class CustomToolWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    description = serializers.CharField(max_length=1000)
    url = serializers.CharField(max_length=2000)
    parameters = serializers.DictField(required=False,
                                       default=lambda: {"type": "object", "properties": {}})  # fmt: skip
    timeout_s = serializers.FloatField(min_value=0.5, max_value=60, required=False, default=10.0)
    max_response_bytes = serializers.IntegerField(min_value=100, max_value=1_000_000,
                                                  required=False, default=100_000)  # fmt: skip


class McpServerSerializer(serializers.ModelSerializer):
    has_token = serializers.SerializerMethodField()

    class Meta:
        model = McpServer
        fields = ["id", "name", "url", "allowed_tools", "timeout_s", "has_token", "created_at"]
        read_only_fields = fields

    def get_has_token(self, server: McpServer) -> bool:
        return bool(server.token_encrypted)


class McpServerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    url = serializers.CharField(max_length=2000)
    allowed_tools = serializers.ListField(child=serializers.CharField(max_length=128),
                                          max_length=100, required=False, default=list)  # fmt: skip
    token = serializers.CharField(max_length=4000, required=False, allow_null=True,
                                  allow_blank=True, default=None, write_only=True,
                                  help_text="A bearer token; never shown again. Empty removes it.")  # fmt: skip
    timeout_s = serializers.FloatField(min_value=1, max_value=120, required=False, default=15.0)


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = [
            "number", "kind", "model", "answered_by", "content", "tool_calls", "fallbacks",
            "request_id", "input_tokens", "output_tokens", "cost_usd", "tool_name",
            "tool_call_id", "arguments", "result", "is_error", "child_run", "latency_ms",
            "error", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AgentRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = Run
        fields = [
            "id", "agent", "thread", "parent", "input", "status", "stop_reason", "output",
            "error", "steps", "input_tokens", "output_tokens", "cost_usd", "created_at",
            "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class AgentRunDetailSerializer(AgentRunSerializer):
    trace = StepSerializer(many=True, read_only=True)

    class Meta(AgentRunSerializer.Meta):
        fields = [*AgentRunSerializer.Meta.fields, "trace"]
        read_only_fields = fields


class AgentRunStartSerializer(serializers.Serializer):
    input = serializers.CharField(max_length=MAX_INPUT_CHARS)
    thread = serializers.IntegerField(required=False, allow_null=True, default=None,
                                      help_text="Continue this thread of the agent.")  # fmt: skip
    new_thread = serializers.BooleanField(required=False, default=False,
                                          help_text="Start a thread later runs can continue.")  # fmt: skip
    stream = serializers.BooleanField(
        required=False, default=False,
        help_text="Answer the run's events as server-sent events while it works.",
    )  # fmt: skip
    wait = serializers.BooleanField(
        required=False, default=False, help_text="Answer the finished run (200), not 202."
    )
