"""Admin for evaluations: suites with their prompts and cases inline."""

from __future__ import annotations

from django.contrib import admin

from hub.evals.models import Case, Cell, JudgedPair, Judgement, Run, Suite, SuitePrompt


class PromptInline(admin.TabularInline):
    model = SuitePrompt
    extra = 0
    raw_id_fields = ["version"]
    exclude = ["workspace"]


class CaseInline(admin.TabularInline):
    model = Case
    extra = 0
    exclude = ["workspace"]


@admin.register(Suite)
class SuiteAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "repeats", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["name", "description"]
    inlines = [PromptInline, CaseInline]

    def save_formset(self, request, form, formset, change):
        """Inline rows take their workspace from the suite, never from the form."""
        for row in formset.save(commit=False):
            row.workspace_id = form.instance.workspace_id
            row.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


@admin.register(SuitePrompt)
class SuitePromptAdmin(admin.ModelAdmin):
    list_display = ["label", "suite", "position", "version"]
    raw_id_fields = ["version", "suite"]
    list_select_related = ["suite"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["key", "suite", "position"]
    search_fields = ["key"]
    raw_id_fields = ["suite"]
    list_select_related = ["suite"]


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Runs are made by their pages and workers; the admin reads them and may fix a status."""

    list_display = ["__str__", "workspace", "status", "cells_total", "created_at"]
    list_filter = ["status", "workspace"]
    list_select_related = ["suite", "workspace"]
    raw_id_fields = ["suite", "baseline", "created_by"]
    readonly_fields = ["number", "model_names", "repeats", "params", "cells_total", "created_at",
                       "started_at", "finished_at", "heartbeat_at"]  # fmt: skip


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ["__str__", "run", "status", "passed", "score", "cached"]
    list_filter = ["status", "passed", "cached"]
    search_fields = ["case_key", "model_name", "request_id"]
    list_select_related = ["run__suite"]
    raw_id_fields = ["run", "prompt", "case"]


@admin.register(Judgement)
class JudgementAdmin(admin.ModelAdmin):
    """Stored judge verdicts; deleting one makes the next run ask the judge again."""

    list_display = ["model", "workspace", "score", "winner", "created_at"]
    list_filter = ["model"]
    readonly_fields = ["key", "created_at"]


@admin.register(JudgedPair)
class JudgedPairAdmin(admin.ModelAdmin):
    list_display = ["first_model", "second_model", "outcome", "run", "case_key"]
    list_filter = ["outcome"]
    raw_id_fields = ["run"]
    list_select_related = ["run__suite"]
