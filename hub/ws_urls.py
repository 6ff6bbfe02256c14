"""WebSocket routes of every app, gathered for the ASGI router."""

from agents.ws_urls import websocket_urlpatterns as agent_routes
from hub.workbench.ws_urls import websocket_urlpatterns as workbench_routes

websocket_urlpatterns: list = [*workbench_routes, *agent_routes]
