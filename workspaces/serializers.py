"""REST shapes for workspaces, members, invitations and API keys.

Output serializers render model rows; input serializers only parse and type-check, the
services own the rules. Secrets (invitation tokens, key plaintexts) appear only in the
``…Created`` shapes returned once by a create call.
"""

from __future__ import annotations

from rest_framework import serializers

from workspaces.models import ApiKey, ApiKeyScope, Invitation, Membership, Role, Workspace


class WorkspaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "created_at"]
        read_only_fields = fields


class WorkspaceWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class UserSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "workspace", "role", "created_at"]
        read_only_fields = fields


class MembershipRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class InvitationCreatedSerializer(InvitationSerializer):
    # The row keeps only the token's hash, so the view passes ``token`` and ``url`` in the
    # context (a docstring here would become the schema's description).
    token = serializers.SerializerMethodField(help_text="Shown once; only its hash is kept.")
    url = serializers.SerializerMethodField(help_text="The link to send; shown once.")

    def get_token(self, invitation: Invitation) -> str:
        return str(self.context["token"])

    def get_url(self, invitation: Invitation) -> str:
        return str(self.context["url"])

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "token", "url"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class ApiKeySerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiKeyScope.choices))

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "status",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
        ]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    # The row keeps only the key's hash, so the view passes the plaintext as ``key`` in the
    # context (a docstring here would become the schema's description).
    key = serializers.SerializerMethodField(help_text="The plaintext key; shown once only.")

    def get_key(self, api_key: ApiKey) -> str:
        return str(self.context["key"])

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiKeyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKeyScope.choices), allow_empty=False
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
