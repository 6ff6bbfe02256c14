"""REST routes for workspaces; the workspace is always the ``workspace_slug`` kwarg."""

from django.urls import path

from workspaces import api

WS = "workspaces/<slug:workspace_slug>"

urlpatterns = [
    path("workspaces/", api.WorkspaceListView.as_view(), name="api-workspace-list"),
    path(f"{WS}/", api.WorkspaceDetailView.as_view(), name="api-workspace-detail"),
    path(f"{WS}/members/", api.MembershipListView.as_view(), name="api-member-list"),
    path(f"{WS}/members/<int:pk>/", api.MembershipDetailView.as_view(), name="api-member-detail"),
    path(f"{WS}/invitations/", api.InvitationListView.as_view(), name="api-invitation-list"),
    path(
        f"{WS}/invitations/<int:pk>/",
        api.InvitationDetailView.as_view(),
        name="api-invitation-detail",
    ),
    path("invitations/accept/", api.InvitationAcceptView.as_view(), name="api-invitation-accept"),
    path(f"{WS}/keys/", api.ApiKeyListView.as_view(), name="api-key-list"),
    path(f"{WS}/keys/<int:pk>/", api.ApiKeyDetailView.as_view(), name="api-key-detail"),
]
