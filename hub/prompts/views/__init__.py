"""Pages of the prompt library: ``library`` (list, detail, edit), ``use`` (the chat's entry
points), ``exchange`` (JSON export and import). Each depends on services and selectors."""

from hub.prompts.views.exchange import PromptExportView, PromptImportView
from hub.prompts.views.library import (
    PromptCreateView,
    PromptDeleteView,
    PromptDetailView,
    PromptEditView,
    PromptListView,
    PromptVersionLabelView,
)
from hub.prompts.views.use import PromptFromMessageView, PromptPickerView, PromptUseView

__all__ = [
    "PromptCreateView",
    "PromptDeleteView",
    "PromptDetailView",
    "PromptEditView",
    "PromptExportView",
    "PromptFromMessageView",
    "PromptImportView",
    "PromptListView",
    "PromptPickerView",
    "PromptUseView",
    "PromptVersionLabelView",
]
