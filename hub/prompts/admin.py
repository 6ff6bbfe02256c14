"""Admin for the prompt library: templates with their versions inline."""

from __future__ import annotations

from django.contrib import admin

from hub.prompts.models import PromptTemplate, PromptVersion


class VersionInline(admin.TabularInline):
    model = PromptVersion
    extra = 0


@admin.register(PromptTemplate)
class PromptTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "category", "updated_at"]
    list_filter = ["category", "workspace"]
    search_fields = ["name", "description"]
    inlines = [VersionInline]


@admin.register(PromptVersion)
class PromptVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "label", "created_at"]
    list_filter = ["label"]
