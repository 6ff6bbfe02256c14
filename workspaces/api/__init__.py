"""REST views for workspaces, members, invitations and API keys.

Dependencies run one way: views -> services/selectors -> models; ``base`` is shared.
"""

from workspaces.api import schema as _schema  # noqa: F401  (registers the auth scheme)
from workspaces.api.invitations import (
    InvitationAcceptView,
    InvitationDetailView,
    InvitationListView,
)
from workspaces.api.keys import ApiKeyDetailView, ApiKeyListView
from workspaces.api.members import MembershipDetailView, MembershipListView
from workspaces.api.workspaces import WorkspaceDetailView, WorkspaceListView

__all__ = [
    "ApiKeyDetailView",
    "ApiKeyListView",
    "InvitationAcceptView",
    "InvitationDetailView",
    "InvitationListView",
    "MembershipDetailView",
    "MembershipListView",
    "WorkspaceDetailView",
    "WorkspaceListView",
]
