"""The OpenAI-compatible API under /v1/ (and Anthropic's /v1/messages)."""

from django.urls import path, re_path

from routing.pipeline import views

app_name = "v1"

urlpatterns = [
    path("chat/completions", views.chat_completions, name="chat-completions"),
    path("chat/completions/count_tokens", views.chat_count_tokens, name="chat-count-tokens"),
    path("completions", views.completions, name="completions"),
    path("messages", views.messages, name="messages"),
    path("messages/count_tokens", views.messages_count_tokens, name="messages-count-tokens"),
    path("responses", views.responses, name="responses"),
    path("responses/input_tokens", views.responses_input_tokens, name="responses-input-tokens"),
    path("responses/<str:response_id>", views.stored_response, name="response"),
    path(
        "responses/<str:response_id>/input_items",
        views.stored_response_input_items,
        name="response-input-items",
    ),
    path("embeddings", views.embeddings, name="embeddings"),
    path("rerank", views.rerank, name="rerank"),
    path("models", views.model_list, name="models"),
    path("models/<path:model_id>", views.model_detail, name="model-detail"),
    re_path(r"^.*$", views.unknown_path),  # a JSON 404 in the caller's shape, never HTML
]
