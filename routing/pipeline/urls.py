"""The OpenAI-compatible API under /v1/ (and Anthropic's /v1/messages)."""

from django.urls import path

from routing.pipeline import views

app_name = "v1"

urlpatterns = [
    path("chat/completions", views.chat_completions, name="chat-completions"),
    path("messages", views.messages, name="messages"),
    path("embeddings", views.embeddings, name="embeddings"),
    path("models", views.model_list, name="models"),
    path("models/<path:model_id>", views.model_detail, name="model-detail"),
]
