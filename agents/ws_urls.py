"""WebSocket routes of agents, under the workspace's URL prefix."""

from django.urls import path

from agents.consumers import RunTimelineConsumer

websocket_urlpatterns = [
    path("ws/w/<slug:workspace_slug>/agent-runs/<int:run_id>/", RunTimelineConsumer.as_asgi()),
]
