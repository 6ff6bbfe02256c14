"""Browser pages: sign-in, the workspace list, and each workspace's pages under /w/<slug>/.

Every page inside a workspace takes ``workspace_slug``; object pages name their object
``<model>_id`` (tests/hub/test_page_isolation_sweep.py fills those in from another workspace).
"""

from django.urls import path

from workspaces import views

WS = "w/<slug:workspace_slug>"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("invite/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("w/", views.workspace_list, name="workspace-list"),
    path(f"{WS}/settings/", views.SettingsView.as_view(), name="workspace-settings"),
    path(f"{WS}/delete/", views.DeleteView.as_view(), name="workspace-delete"),
    path(f"{WS}/members/", views.MembersView.as_view(), name="member-list"),
    path(
        f"{WS}/members/<int:membership_id>/role/",
        views.MemberRoleView.as_view(),
        name="member-role",
    ),
    path(
        f"{WS}/members/<int:membership_id>/remove/",
        views.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path(
        f"{WS}/invitations/<int:invitation_id>/revoke/",
        views.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path(f"{WS}/keys/", views.KeysView.as_view(), name="key-list"),
    path(f"{WS}/keys/<int:key_id>/revoke/", views.KeyRevokeView.as_view(), name="key-revoke"),
]
