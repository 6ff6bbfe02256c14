"""The notifications page (POST marks them all read) and the alert settings page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from analytics.alerts import selectors, services
from analytics.alerts.forms import AlertSettingsForm
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

PAGE_SIZE = 50


class NotificationListView(WorkspacePageView):
    """Anyone who sees the alerts may mark them read: read marks change nothing else."""

    nav = "notifications"
    template_name = "alerts/notifications.html"
    permissions = {"GET": Permission.VIEW, "POST": Permission.VIEW}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        notifications = selectors.notification_list(workspace=self.actor.workspace)
        page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render_page({"notifications": page.object_list, "page": page})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        marked = services.notifications_mark_all_read(actor=self.actor)
        messages.success(request, f"{marked} notification(s) marked read.")
        return redirect("notification-list", workspace_slug=workspace_slug)


class AlertSettingsPageView(WorkspacePageView):
    nav = "notifications"
    template_name = "alerts/settings.html"
    permissions = {"GET": Permission.MANAGE_PROVIDERS, "POST": Permission.MANAGE_PROVIDERS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        settings = selectors.alert_settings_for(workspace=self.actor.workspace)
        form = AlertSettingsForm(initial=AlertSettingsForm.initial_for(settings))
        return self.render_page({"form": form, "settings": settings})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        settings = selectors.alert_settings_for(workspace=self.actor.workspace)
        form = AlertSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.alert_settings_update(actor=self.actor, **form.service_fields())
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "Alert settings saved.")
                return redirect("notification-list", workspace_slug=workspace_slug)
        return self.render_page({"form": form, "settings": settings}, status=400)
