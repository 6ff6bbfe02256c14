"""Admin for routing configuration (aliases, rules, budgets) and stored /v1 responses."""

from django.contrib import admin
from django.http import HttpRequest

from routing.models import ModelAlias, QualityScore, RoutingRule, SpendBudget, StoredResponse


@admin.register(ModelAlias)
class ModelAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "strategy", "enabled", "updated_at"]
    list_filter = ["strategy", "enabled", "workspace"]
    search_fields = ["name", "description"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "position", "alias", "strategy", "enabled"]
    list_filter = ["enabled", "workspace"]
    search_fields = ["name", "alias"]
    filter_horizontal = ["api_keys"]


@admin.register(SpendBudget)
class SpendBudgetAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "workspace",
        "scope",
        "period",
        "soft_limit_usd",
        "hard_limit_usd",
        "enabled",
    ]
    list_filter = ["scope", "period", "enabled", "workspace"]
    search_fields = ["name"]


@admin.register(StoredResponse)
class StoredResponseAdmin(admin.ModelAdmin):
    """Responses kept for previous_response_id: look or delete, never write; they are what a
    model answered."""

    list_display = ["id", "workspace", "api_key", "created_at", "expires_at"]
    list_filter = ["workspace"]
    search_fields = ["id"]
    readonly_fields = [f.name for f in StoredResponse._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(QualityScore)
class QualityScoreAdmin(admin.ModelAdmin):
    """Published by evaluation suites that feed routing; a deleted row stops steering."""

    list_display = ["model", "task", "score", "margin", "source", "workspace", "measured_at"]
    list_filter = ["workspace"]
    search_fields = ["model", "source"]
