"""REST shapes of the prompt library. They check types and lengths only; the rules (unique
names, non-empty text, variables that match the text) belong to ``hub.prompts.services``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hub.prompts import selectors
from hub.prompts.exchange import MAX_TEXT
from hub.prompts.models import PromptTemplate, PromptVersion
from hub.prompts.rendering import CHOICE, MAX_OPTION_LENGTH, MAX_OPTIONS, TEXT


class VariableSerializer(serializers.Serializer):
    """One ``{{name}}`` of a version: free text, or a choice among ``options``."""

    name = serializers.CharField(max_length=64)
    type = serializers.ChoiceField(choices=[TEXT, CHOICE], default=TEXT)
    options = serializers.ListField(
        child=serializers.CharField(max_length=MAX_OPTION_LENGTH),
        max_length=MAX_OPTIONS,
        required=False,
        help_text="Only for a choice.",
    )


class PromptVersionSerializer(serializers.ModelSerializer):
    variables = VariableSerializer(many=True, read_only=True)

    class Meta:
        model = PromptVersion
        fields = [
            "number", "system_prompt", "body", "variables", "collections", "label", "note",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PromptVersionAddedSerializer(PromptVersionSerializer):
    """The version a save made, or the latest one when the text was unchanged."""

    created = serializers.SerializerMethodField(
        help_text="False when the text was that of the latest version, so nothing was added."
    )

    class Meta(PromptVersionSerializer.Meta):
        fields = [*PromptVersionSerializer.Meta.fields, "created"]

    def get_created(self, version: PromptVersion) -> bool:
        return bool(self.context.get("created", True))


class PromptSerializer(serializers.ModelSerializer):
    """A prompt as listed; the instance comes annotated from ``selectors.prompt_list``."""

    version_count = serializers.IntegerField(read_only=True)
    latest_version = serializers.IntegerField(
        source="latest_number", read_only=True, allow_null=True
    )
    production_version = serializers.IntegerField(
        source="production_number", read_only=True, allow_null=True
    )

    class Meta:
        model = PromptTemplate
        fields = [
            "id", "name", "category", "description", "version_count", "latest_version",
            "production_version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class PromptDetailSerializer(PromptSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(PromptSerializer.Meta):
        fields = [*PromptSerializer.Meta.fields, "versions"]

    @extend_schema_field(PromptVersionSerializer(many=True))
    def get_versions(self, template: PromptTemplate) -> Any:
        """Newest first."""
        versions = selectors.prompt_version_list(template=template)
        return PromptVersionSerializer(versions, many=True).data


class PromptVersionCreateSerializer(serializers.Serializer):
    """A version is given whole: a field left out is empty, and variables not declared
    here are free text."""

    body = serializers.CharField(max_length=MAX_TEXT, trim_whitespace=False)
    system_prompt = serializers.CharField(
        max_length=MAX_TEXT, trim_whitespace=False, allow_blank=True, default=""
    )
    variables = VariableSerializer(many=True, default=list)
    collections = serializers.ListField(
        child=serializers.CharField(max_length=100), max_length=10, default=list,
        help_text="Names of RAG collections the version's answers are grounded in.",
    )  # fmt: skip
    note = serializers.CharField(max_length=300, allow_blank=True, default="")


class PromptCreateSerializer(PromptVersionCreateSerializer):
    name = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=80, allow_blank=True, default="")
    description = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, default="")


class PromptUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=80, allow_blank=True)
    description = serializers.CharField(max_length=MAX_TEXT, allow_blank=True)


class PromptRenderSerializer(serializers.Serializer):
    values = serializers.DictField(
        default=dict, help_text="One text value per variable: {name: value}."
    )
    version = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="Default: the production version, else the latest.",
    )


class RenderedPromptSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="version.number")
    label = serializers.CharField(source="version.label")
    messages = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))


class PromptImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A file from the export endpoint or the Export page.")


class PromptImportResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField(), help_text="New prompts.")
    updated = serializers.ListField(
        child=serializers.CharField(), help_text="Existing prompts that got new versions."
    )
    versions_added = serializers.IntegerField()
    versions_present = serializers.IntegerField(help_text="Versions the workspace had already.")
    collections_missing = serializers.ListField(
        child=serializers.CharField(),
        help_text="Collection names in the file this workspace has no collection for; the "
        "versions were imported without them.",
    )
