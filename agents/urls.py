"""Agent pages under /w/<slug>/agents/."""

from django.urls import path

from agents import views

A = "w/<slug:workspace_slug>/agents"
AGENT = f"{A}/<int:agent_id>"
RUN = f"{A}/runs/<int:agent_run_id>"

urlpatterns = [
    path(f"{A}/", views.AgentListView.as_view(), name="agent-list"),
    path(f"{A}/new/", views.AgentCreateView.as_view(), name="agent-create"),
    path(f"{AGENT}/", views.AgentDetailView.as_view(), name="agent-detail"),
    path(f"{AGENT}/edit/", views.AgentEditView.as_view(), name="agent-edit"),
    path(f"{AGENT}/delete/", views.AgentDeleteView.as_view(), name="agent-delete"),
    path(f"{AGENT}/run/", views.RunStartView.as_view(), name="agent-run-start"),
    path(f"{RUN}/", views.RunDetailView.as_view(), name="agent-run-detail"),
    path(f"{RUN}/cancel/", views.RunCancelView.as_view(), name="agent-run-cancel"),
]
