"""Browser pages for workspaces, members, invitations and API keys.

Dependencies run one way: ``base`` (actor and object resolution) is imported by the page
modules; nothing here imports another page module.
"""

from workspaces.views.auth import LoginView, LogoutView, home
from workspaces.views.keys import KeyRevokeView, KeysView
from workspaces.views.members import (
    InvitationAcceptView,
    InvitationRevokeView,
    MemberRemoveView,
    MemberRoleView,
    MembersView,
)
from workspaces.views.workspaces import DeleteView, SettingsView, workspace_list

__all__ = [
    "DeleteView",
    "InvitationAcceptView",
    "InvitationRevokeView",
    "KeyRevokeView",
    "KeysView",
    "LoginView",
    "LogoutView",
    "MemberRemoveView",
    "MemberRoleView",
    "MembersView",
    "SettingsView",
    "home",
    "workspace_list",
]
