"""Browser pages for providers and credentials; thin over providers.services.

Object pages take ``provider_id`` / ``credential_id`` and find them through queries
scoped to the member's workspace (see workspaces.views.base), so a foreign id is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.urls import reverse

from providers import selectors, services
from providers.adapters.base import UpstreamError
from providers.forms import (
    ConnectionTestForm,
    CredentialCreateForm,
    CredentialEditForm,
    ProviderCreateForm,
    ProviderForm,
)
from providers.models import Credential, Provider
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

MANAGE = {"GET": Permission.MANAGE_PROVIDERS, "POST": Permission.MANAGE_PROVIDERS}
# The first sync runs while the user waits for the page after Add provider.
FIRST_SYNC_TIME_LIMIT_S = 10.0


class _ProviderPage(WorkspacePageView):
    nav = "providers"

    def scoped_queryset(self) -> QuerySet[Provider]:
        return selectors.provider_list(workspace=self.actor.workspace)


class ProviderListView(_ProviderPage):
    template_name = "providers/list.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        providers = self.scoped_queryset().annotate(model_count=Count("models"))
        return self.render_page({"providers": providers})


class ProviderDetailView(_ProviderPage):
    """A provider and the catalog models it serves."""

    object_kwarg = "provider_id"
    template_name = "providers/detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        models = selectors.provider_model_list(workspace=self.actor.workspace).filter(
            provider=self.object
        )
        return self.render_page({"provider": self.object, "models": models})


class ProviderCreateView(_ProviderPage):
    """Add a provider (with its key, if typed), then list its models at once. A failed first
    sync keeps the provider and says why; the detail page's Sync models retries it."""

    template_name = "providers/provider_form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": ProviderCreateForm(workspace=self.actor.workspace)})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = ProviderCreateForm(request.POST, workspace=self.actor.workspace)
        if form.is_valid():
            try:
                provider = services.provider_create(actor=self.actor, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Provider “{provider.name}” added.")
                self.first_sync(provider)
                return redirect(
                    "provider-detail", workspace_slug=workspace_slug, provider_id=provider.pk
                )
        return self.render_page({"form": form}, status=400)

    def first_sync(self, provider: Provider) -> None:
        try:
            result = services.provider_sync_models(
                actor=self.actor, provider=provider, time_limit_s=FIRST_SYNC_TIME_LIMIT_S
            )
        except UpstreamError as error:
            messages.warning(
                self.request,
                f"Its models could not be listed: {error.message.rstrip('.')}. Check the URL and key "
                "(Edit), then press Sync models to try again.",
            )
        else:
            messages.success(
                self.request, f"{result.listed} model{pluralize(result.listed)} synced."
            )


class ProviderEditView(_ProviderPage):
    object_kwarg = "provider_id"
    template_name = "providers/provider_form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        form = ProviderForm(
            initial=ProviderForm.initial_for(self.object), workspace=self.actor.workspace
        )
        return self.render_page({"form": form, "provider": self.object})

    def post(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        form = ProviderForm(request.POST, workspace=self.actor.workspace)
        if form.is_valid():
            try:
                services.provider_update(
                    actor=self.actor, provider=self.object, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Provider “{self.object.name}” saved.")
                return redirect(
                    "provider-detail", workspace_slug=workspace_slug, provider_id=provider_id
                )
        return self.render_page({"form": form, "provider": self.object}, status=400)


class ProviderSyncView(_ProviderPage):
    """POST: list the provider's models now and merge them into the catalog."""

    object_kwarg = "provider_id"
    permissions = {"POST": Permission.MANAGE_PROVIDERS}

    def post(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:

        try:
            result = services.provider_sync_models(actor=self.actor, provider=self.object)
        except UpstreamError as error:
            messages.error(
                request, f"Could not list the models of {self.object.name}: {error.message}"
            )
        else:
            messages.success(
                request,
                f"{result.listed} models listed: {result.added} new, {result.updated} updated.",
            )
        return redirect("provider-detail", workspace_slug, provider_id)


class ProviderConnectionTestView(_ProviderPage):
    """POST the add or edit form here to list the endpoint's models without saving anything.

    Answers an htmx fragment (a full page without JavaScript) that says "Connected: N models"
    or why not; the typed key is used for that one request and never rendered back."""

    template_name = "providers/connection_test.html"
    permissions = {"POST": Permission.MANAGE_PROVIDERS}

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = ConnectionTestForm(request.POST, workspace=self.actor.workspace)
        report: services.ConnectionReport | None = None
        problems: list[str] = []
        if form.is_valid():
            try:
                report = services.provider_connection_test(actor=self.actor, **form.cleaned_data)
            except ValidationError as error:
                problems = error.messages
        else:
            problems = [str(message) for errors in form.errors.values() for message in errors]
        context = {"report": report, "problems": problems}
        if request.htmx:  # type: ignore[attr-defined]  # set by HtmxMiddleware
            return self.render_page(context, template_name="providers/_connection_result.html")
        return self.render_page(context)


class ProviderDeleteView(_ProviderPage):
    object_kwarg = "provider_id"
    template_name = "providers/confirm_delete.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        return self.render_page(self.context())

    def post(self, request: HttpRequest, workspace_slug: str, provider_id: int) -> HttpResponse:
        services.provider_delete(actor=self.actor, provider=self.object)
        messages.success(request, f"Provider “{self.object.name}” deleted.")
        return redirect("provider-list", workspace_slug=workspace_slug)

    def context(self) -> dict[str, Any]:
        models = selectors.provider_model_list(workspace=self.actor.workspace)
        return {
            "object": self.object,
            "kind": "provider",
            "consequence": f"Its {models.filter(provider=self.object).count()} catalog models "
            "go with it; requests for them will no longer route here.",
            "cancel_url": reverse(
                "provider-detail", args=[self.actor.workspace.slug, self.object.pk]
            ),
        }


class _CredentialPage(WorkspacePageView):
    nav = "credentials"

    def scoped_queryset(self) -> QuerySet[Credential]:
        return selectors.credential_list(workspace=self.actor.workspace)


class CredentialListView(_CredentialPage):
    """Names, kinds and masked hints; the secret itself never leaves the server."""

    template_name = "providers/credentials.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        credentials = self.scoped_queryset().annotate(provider_count=Count("providers"))
        return self.render_page({"credentials": credentials})


class CredentialCreateView(_CredentialPage):
    template_name = "providers/credential_form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        initial = {"provider_kind": request.GET.get("kind", "openai")}
        return self.render_page({"form": CredentialCreateForm(initial=initial)})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = CredentialCreateForm(request.POST)
        if form.is_valid():
            try:
                credential = services.credential_create(actor=self.actor, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Credential “{credential.name}” saved ({credential.secret_hint})."
                )
                return redirect("credential-list", workspace_slug=workspace_slug)
        return self.render_page({"form": form}, status=400)


class CredentialEditView(_CredentialPage):
    """Rename, or rotate the secret by typing a new one; a blank secret keeps the old."""

    object_kwarg = "credential_id"
    template_name = "providers/credential_form.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, credential_id: int) -> HttpResponse:
        initial = {"name": self.object.name, "organization": self.object.organization}
        return self.render_page(
            {"form": CredentialEditForm(initial=initial), "credential": self.object}
        )

    def post(self, request: HttpRequest, workspace_slug: str, credential_id: int) -> HttpResponse:
        form = CredentialEditForm(request.POST)
        if form.is_valid():
            rotating = bool(form.cleaned_data["secret"])
            try:
                services.credential_update(
                    actor=self.actor, credential=self.object, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                verb = "rotated" if rotating else "saved"
                messages.success(request, f"Credential “{self.object.name}” {verb}.")
                return redirect("credential-list", workspace_slug=workspace_slug)
        return self.render_page({"form": form, "credential": self.object}, status=400)


class CredentialDeleteView(_CredentialPage):
    object_kwarg = "credential_id"
    template_name = "providers/confirm_delete.html"
    permissions = MANAGE

    def get(self, request: HttpRequest, workspace_slug: str, credential_id: int) -> HttpResponse:
        users = selectors.provider_list(workspace=self.actor.workspace).filter(
            credential=self.object
        )
        names = ", ".join(provider.name for provider in users) or "no provider"
        context = {
            "object": self.object,
            "kind": "credential",
            "consequence": f"Used by {names}; those providers are left without a credential.",
            "cancel_url": reverse("credential-list", args=[workspace_slug]),
        }
        return self.render_page(context)

    def post(self, request: HttpRequest, workspace_slug: str, credential_id: int) -> HttpResponse:
        services.credential_delete(actor=self.actor, credential=self.object)
        messages.success(request, f"Credential “{self.object.name}” deleted.")
        return redirect("credential-list", workspace_slug=workspace_slug)
