"""Admin for the workbench's tables: conversations, playground runs, imports.

Mostly for support and clean-up; people use the workbench pages day to day."""

from __future__ import annotations

from django.contrib import admin

from hub.workbench.models import (
    ChatSettings,
    Conversation,
    ImportedConversation,
    Message,
    PlaygroundRun,
    PlaygroundSlot,
    Vote,
)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ["title", "workspace", "user", "model", "pinned_at", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["active_leaf"]


@admin.register(ChatSettings)
class ChatSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace", "title_model"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["conversation", "role", "model", "provider_slug", "status", "created_at"]
    list_filter = ["role", "status"]
    search_fields = ["content", "request_id"]
    raw_id_fields = ["conversation", "parent"]


class SlotInline(admin.TabularInline):
    model = PlaygroundSlot
    extra = 0


@admin.register(PlaygroundRun)
class PlaygroundRunAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "user", "blind", "created_at"]
    list_filter = ["blind", "workspace"]
    inlines = [SlotInline]


@admin.register(PlaygroundSlot)
class PlaygroundSlotAdmin(admin.ModelAdmin):
    list_display = ["run", "position", "model", "status"]
    list_filter = ["status"]


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ["run", "kind", "created_at"]
    list_filter = ["kind"]


@admin.register(ImportedConversation)
class ImportedConversationAdmin(admin.ModelAdmin):
    list_display = ["conversation", "workspace", "source", "external_id", "imported_at"]
    list_filter = ["source"]
    search_fields = ["external_id"]
    raw_id_fields = ["conversation"]
