"""/api/workspaces/<slug>/members/: who belongs, with which role."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from workspaces import selectors, services
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.models import Membership
from workspaces.roles import Permission
from workspaces.serializers import MembershipRoleSerializer, MembershipSerializer


class _MembershipView(WorkspaceScopedView[Membership]):
    queryset = Membership.objects.none()
    serializer_class = MembershipSerializer

    def scoped_queryset(self) -> QuerySet[Membership]:
        return selectors.membership_list(workspace=self.actor.workspace)


class MembershipListView(WorkspaceScopedListView[Membership], _MembershipView):
    """Every member may see who else belongs."""


class MembershipDetailView(_MembershipView):
    # Leaving a workspace needs only membership; the service checks removing others.
    required_permissions = {
        "GET": Permission.VIEW,
        "PATCH": Permission.MANAGE_MEMBERS,
        "DELETE": Permission.VIEW,
    }

    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def patch(self, request: Request, workspace_slug: str, pk: int) -> Response:
        data = self.parsed(MembershipRoleSerializer)
        membership = services.membership_set_role(
            actor=self.actor, membership=self.url_object, role=data["role"]
        )
        return self.render(membership)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.membership_remove(actor=self.actor, membership=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)
