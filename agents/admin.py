from django.contrib import admin

from agents.models import Agent, CustomTool, McpServer, Run, Step, Thread


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "max_steps", "updated_at")
    list_filter = ("workspace",)
    search_fields = ("name", "description")
    filter_horizontal = ("collections", "delegates", "custom_tools", "mcp_servers")


@admin.register(CustomTool)
class CustomToolAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "url", "timeout_s")
    list_filter = ("workspace",)
    exclude = ("secret_encrypted",)  # a secret is never shown again


@admin.register(McpServer)
class McpServerAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "url")
    list_filter = ("workspace",)
    exclude = ("token_encrypted",)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "agent", "workspace", "created_at")
    list_filter = ("workspace",)


class StepInline(admin.TabularInline):
    model = Step
    fk_name = "run"
    extra = 0
    fields = ("number", "kind", "answered_by", "tool_name", "is_error", "cost_usd", "latency_ms")
    readonly_fields = fields
    can_delete = False


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("pk", "agent", "status", "stop_reason", "steps", "cost_usd", "created_at")
    list_filter = ("status", "workspace")
    search_fields = ("input", "output")
    raw_id_fields = ("parent", "thread")
    inlines = [StepInline]


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ("run", "number", "kind", "answered_by", "tool_name", "is_error")
    list_filter = ("kind", "is_error")
    raw_id_fields = ("run", "child_run")
