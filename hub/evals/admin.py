"""Admin for evaluations: suites with their prompts and cases inline."""

from __future__ import annotations

from django.contrib import admin

from hub.evals.models import Case, Suite, SuitePrompt


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
