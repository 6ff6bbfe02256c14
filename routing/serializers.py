"""REST shapes of aliases, rules and budgets. Related objects are given by id and must
belong to the same workspace (checked in routing.api, where the workspace is known)."""

from __future__ import annotations

from rest_framework import serializers

from routing.models import ModelAlias, RoutingRule, SpendBudget


class ModelAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelAlias
        fields = ["id", "name", "description", "strategy", "candidates", "enabled", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class RoutingRuleSerializer(serializers.ModelSerializer):
    api_keys = serializers.ListField(
        child=serializers.IntegerField(), required=False, write_only=True
    )

    class Meta:
        model = RoutingRule
        fields = [
            "id", "name", "position", "enabled", "tasks", "min_prompt_tokens",
            "max_prompt_tokens", "needs", "api_keys", "budget_states", "start_time", "end_time",
            "alias", "candidates", "strategy",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def to_representation(self, instance: RoutingRule) -> dict:
        data = super().to_representation(instance)
        data["api_keys"] = sorted(k.pk for k in instance.api_keys.all())
        return data


class SpendBudgetSerializer(serializers.ModelSerializer):
    provider = serializers.IntegerField(source="provider_id", required=False, allow_null=True)
    api_key = serializers.IntegerField(source="api_key_id", required=False, allow_null=True)
    user = serializers.IntegerField(source="user_id", required=False, allow_null=True)

    class Meta:
        model = SpendBudget
        fields = [
            "id", "name", "scope", "provider", "api_key", "user", "period", "soft_limit_usd",
            "hard_limit_usd", "enabled",
        ]  # fmt: skip
        read_only_fields = ["id"]
