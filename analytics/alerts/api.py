"""/api/workspaces/<slug>/alert-settings/ and /notifications/: thin views over alert services.

The webhook URL is write-only, like a credential's secret: a Slack or Teams webhook URL is
itself the key to post into a channel, so responses carry only a hint of it.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from analytics.alerts import selectors, services
from analytics.alerts.models import AlertSettings, Notification
from workspaces.api.base import WorkspaceScopedListView, WorkspaceScopedView
from workspaces.roles import Permission


class AlertSettingsSerializer(serializers.ModelSerializer):
    webhook_url_hint = serializers.CharField(read_only=True, help_text="Only the host is shown.")

    class Meta:
        model = AlertSettings
        fields = (
            "email_enabled", "webhook_url_hint", "latency_threshold_ms",
            "error_rate_threshold", "cooldown_minutes", "updated_at",
        )  # fmt: skip


class AlertSettingsWriteSerializer(serializers.ModelSerializer):
    webhook_url = serializers.CharField(
        required=False, allow_blank=True, max_length=500, write_only=True,
        help_text="http(s) URL; empty turns the webhook off.",
    )  # fmt: skip

    class Meta:
        model = AlertSettings
        fields = (
            "email_enabled", "webhook_url", "latency_threshold_ms",
            "error_rate_threshold", "cooldown_minutes",
        )  # fmt: skip


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ("id", "kind", "key", "state", "level", "title", "text", "created_at", "read_at")


class AlertSettingsView(WorkspaceScopedView[AlertSettings]):
    queryset = AlertSettings.objects.none()
    serializer_class = AlertSettingsSerializer
    required_permissions = {"GET": Permission.VIEW, "PATCH": Permission.MANAGE_PROVIDERS}

    def get(self, request: Request, workspace_slug: str) -> Response:
        return self.render(selectors.alert_settings_for(workspace=self.actor.workspace))

    @extend_schema(request=AlertSettingsWriteSerializer, responses=AlertSettingsSerializer)
    def patch(self, request: Request, workspace_slug: str) -> Response:
        fields = self.parsed(AlertSettingsWriteSerializer, partial=True)
        return self.render(services.alert_settings_update(actor=self.actor, **fields))


class NotificationListView(WorkspaceScopedListView[Notification]):
    """The workspace's notifications, newest first; ``?unread=true`` for unread ones only."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer

    def scoped_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notification_list(workspace=self.actor.workspace, unread_only=unread)

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL)])
    def get(self, request: Request, workspace_slug: str) -> Response:
        return super().get(request, workspace_slug)


class NotificationReadView(WorkspaceScopedView[Notification]):
    """Mark one notification read. Read marks are shared by the workspace and change nothing
    else, so anyone who can see the notification may mark it."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    required_permissions = {"POST": Permission.VIEW}

    def scoped_queryset(self) -> QuerySet[Notification]:
        return selectors.notification_list(workspace=self.actor.workspace)

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, workspace_slug: str, pk: int) -> Response:
        notification = self.url_object
        return self.render(
            services.notification_mark_read(actor=self.actor, notification=notification)
        )


class NotificationReadAllView(WorkspaceScopedView[Notification]):
    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    required_permissions = {"POST": Permission.VIEW}

    @extend_schema(
        operation_id="workspaces_notifications_read_all",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, workspace_slug: str) -> Response:
        marked = services.notifications_mark_all_read(actor=self.actor)
        return Response({"marked": marked}, status=status.HTTP_200_OK)
