"""WebSocket routes of the workbench, under the workspace's URL prefix."""

from django.urls import path

from hub.workbench.consumers import ChatConsumer, PlaygroundConsumer

websocket_urlpatterns = [
    path("ws/w/<slug:workspace_slug>/chat/", ChatConsumer.as_asgi()),
    path("ws/w/<slug:workspace_slug>/playground/", PlaygroundConsumer.as_asgi()),
]
