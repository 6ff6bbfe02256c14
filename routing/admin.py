"""Admin for routing configuration: aliases, rules and budgets."""

from django.contrib import admin

from routing.models import ModelAlias, RoutingRule, SpendBudget


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
