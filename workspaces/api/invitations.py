"""/api/workspaces/<slug>/invitations/ and /api/invitations/accept/."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from workspaces import selectors, services
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.api_permissions import require_session
from workspaces.models import Invitation
from workspaces.roles import Permission
from workspaces.serializers import (
    InvitationAcceptSerializer,
    InvitationCreatedSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MembershipSerializer,
)

INVITATION_PATH = "/invite/{token}/"


def invitation_url(request: Request, token: str) -> str:
    """The absolute link a new member opens (the page that accepts it lives at /invite/)."""
    return request.build_absolute_uri(INVITATION_PATH.format(token=token))


class _InvitationView(WorkspaceScopedView[Invitation]):
    """Invitations carry e-mail addresses, so reading them is for member managers."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer
    required_permissions = {
        "GET": Permission.MANAGE_MEMBERS,
        "POST": Permission.MANAGE_MEMBERS,
        "DELETE": Permission.MANAGE_MEMBERS,
    }

    def scoped_queryset(self) -> QuerySet[Invitation]:
        return selectors.invitation_list(workspace=self.actor.workspace)


class InvitationListView(WorkspaceScopedListView[Invitation], _InvitationView):
    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationCreatedSerializer})
    def post(self, request: Request, workspace_slug: str) -> Response:
        data = self.parsed(InvitationCreateSerializer)
        invitation, token = services.invitation_create(
            actor=self.actor, role=data["role"], email=data["email"]
        )
        return self.render(
            invitation,
            status=status.HTTP_201_CREATED,
            serializer_class=InvitationCreatedSerializer,
            token=token,
            url=invitation_url(request, token),
        )


class InvitationDetailView(_InvitationView):
    def get(self, request: Request, workspace_slug: str, pk: int) -> Response:
        return self.render(self.url_object)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_slug: str, pk: int) -> Response:
        services.invitation_revoke(actor=self.actor, invitation=self.url_object)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(generics.GenericAPIView):
    """The signed-in user joins the invitation's workspace with its role."""

    serializer_class = InvitationAcceptSerializer

    @extend_schema(request=InvitationAcceptSerializer, responses={200: MembershipSerializer})
    def post(self, request: Request) -> Response:
        require_session(request)
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            token=serializer.validated_data["token"], user=request.user
        )
        return Response(MembershipSerializer(membership).data)
