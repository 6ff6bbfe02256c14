"""Workbench pages under the workspace prefix; object pages name their object ``<model>_id``
(tests/hub/routes.py fills those in for the cross-workspace sweep)."""

from django.urls import path

from hub.workbench import views

WS = "w/<slug:workspace_slug>"
CONVERSATION = f"{WS}/chat/<int:conversation_id>"
RUN = f"{WS}/playground/<int:playground_run_id>"

urlpatterns = [
    path(f"{WS}/chat/", views.ChatView.as_view(), name="workbench-chat"),
    path(f"{WS}/chat/settings/", views.ChatSettingsView.as_view(), name="workbench-chat-settings"),
    path(f"{CONVERSATION}/", views.ConversationView.as_view(), name="workbench-conversation"),
    path(
        f"{CONVERSATION}/rename/",
        views.ConversationRenameView.as_view(),
        name="workbench-conversation-rename",
    ),
    path(
        f"{CONVERSATION}/pin/",
        views.ConversationPinView.as_view(),
        name="workbench-conversation-pin",
    ),
    path(
        f"{CONVERSATION}/delete/",
        views.ConversationDeleteView.as_view(),
        name="workbench-conversation-delete",
    ),
    path(
        f"{CONVERSATION}/fork/",
        views.ConversationForkView.as_view(),
        name="workbench-conversation-fork",
    ),
    path(f"{WS}/playground/", views.PlaygroundView.as_view(), name="workbench-playground"),
    path(f"{RUN}/", views.PlaygroundRunView.as_view(), name="workbench-playground-run"),
    path(
        f"{RUN}/continue/",
        views.PlaygroundContinueView.as_view(),
        name="workbench-playground-continue",
    ),
]
