"""WebSocket routes of every app, gathered for the ASGI router."""

from hub.workbench.ws_urls import websocket_urlpatterns as workbench_routes

websocket_urlpatterns: list = [*workbench_routes]
