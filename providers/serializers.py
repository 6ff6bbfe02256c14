"""REST shapes for providers and credentials.

A credential's ``secret`` is write-only: responses carry ``secret_hint`` and nothing that
could be turned back into the secret. Field limits match the columns, so an oversized
value is a 400 on every database rather than a 500 on PostgreSQL.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from providers.kinds import ProviderKind
from providers.models import Credential, Provider

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


# One named schema component: the same choices under two field names (``kind``,
# ``provider_kind``) would otherwise get two enum names and a schema warning.
@extend_schema_field(
    {"type": "string", "enum": list(ProviderKind.values)}, component_name="ProviderKind"
)
class ProviderKindField(serializers.ChoiceField):
    """A provider kind, documented as one enum wherever it appears."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=ProviderKind.choices, **kwargs)


class CredentialSerializer(serializers.ModelSerializer):
    provider_kind = ProviderKindField(read_only=True)

    class Meta:
        model = Credential
        fields = [
            "id",
            "provider_kind",
            "name",
            "organization",
            "secret_hint",
            "created_at",
            "rotated_at",
            "last_used_at",
        ]
        read_only_fields = fields


class CredentialCreateSerializer(serializers.Serializer):
    provider_kind = ProviderKindField()
    name = serializers.CharField(max_length=120)
    secret = serializers.CharField(max_length=4096, write_only=True)
    organization = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class CredentialUpdateSerializer(serializers.Serializer):
    """Every field optional; a non-blank ``secret`` rotates the stored one."""

    name = serializers.CharField(max_length=120, required=False)
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    secret = serializers.CharField(
        max_length=4096, required=False, allow_blank=True, write_only=True
    )


class ProviderSerializer(serializers.ModelSerializer):
    kind = ProviderKindField(read_only=True)
    credential = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Provider
        fields = [
            "id",
            "kind",
            "name",
            "slug",
            "base_url",
            "credential",
            "enabled",
            "priority",
            "options",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProviderWriteSerializer(serializers.Serializer):
    """The credential is an id, resolved by the view within the caller's workspace only."""

    kind = ProviderKindField()
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=64, required=False, allow_blank=True)
    base_url = serializers.CharField(max_length=500, required=False, allow_blank=True)
    credential = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=INT32_MAX * 2**32
    )
    enabled = serializers.BooleanField(required=False)
    priority = serializers.IntegerField(required=False, min_value=INT32_MIN, max_value=INT32_MAX)
    options = serializers.DictField(required=False)
