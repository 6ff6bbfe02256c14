"""Import under /w/<slug>/import/; exports beside the chat, under /w/<slug>/chat/."""

from django.urls import path

from hub.workbench.portability import views

WS = "w/<slug:workspace_slug>"
CONVERSATION = f"{WS}/chat/<int:conversation_id>/export"

urlpatterns = [
    path(f"{WS}/import/", views.ImportView.as_view(), name="conversation-import"),
    path(
        f"{WS}/chat/export/",
        views.ConversationsExportAllView.as_view(),
        name="conversation-export-all",
    ),
    path(
        f"{CONVERSATION}/json/",
        views.ConversationExportJsonView.as_view(),
        name="conversation-export-json",
    ),
    path(
        f"{CONVERSATION}/markdown/",
        views.ConversationExportMarkdownView.as_view(),
        name="conversation-export-markdown",
    ),
    path(
        f"{CONVERSATION}/code/",
        views.ConversationCodeView.as_view(),
        name="conversation-export-code",
    ),
]
