"""The prompt library's pages: list, detail with versions and a diff, create, edit, delete,
and the production label. Thin over ``hub.prompts.services`` and ``selectors``."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from hub.prompts import selectors, services
from hub.prompts.diffing import versions_diff
from hub.prompts.forms import PromptForm, PromptSearchForm, use_form
from hub.prompts.models import PromptTemplate, PromptVersion, VersionLabel
from rag.selectors import collection_list
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView, form_add_service_errors

WRITE = {"GET": Permission.USE_MODELS, "POST": Permission.USE_MODELS}


class PromptPage(WorkspacePageView):
    """Members and up write prompts; viewers read and use them."""

    nav = "prompts"
    object_kwarg: ClassVar[str | None] = "prompt_id"

    def scoped_queryset(self) -> QuerySet[PromptTemplate]:
        return PromptTemplate.objects.for_workspace(self.actor.workspace)

    def prompt_form(self, *args: Any, **kwargs: Any) -> PromptForm:
        names = list(collection_list(workspace=self.actor.workspace).values_list("name", flat=True))
        return PromptForm(*args, collection_names=names, **kwargs)

    def version_number(self, key: str) -> PromptVersion | None:
        """The version whose number is in the query string under ``key``, if any; 404 for
        a number this template does not have."""
        raw = self.request.GET.get(key, "")
        if not raw:
            return None
        if not raw.isdigit():
            raise Http404("No such version.")
        try:
            return selectors.prompt_version_by_number(template=self.object, number=int(raw))
        except PromptVersion.DoesNotExist:
            raise Http404("No such version.") from None


class PromptListView(PromptPage):
    object_kwarg = None
    template_name = "prompts/list.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        workspace = self.actor.workspace
        search = PromptSearchForm(
            request.GET, categories=selectors.prompt_categories(workspace=workspace)
        )
        filters = search.cleaned_data if search.is_valid() else {}
        prompts = selectors.prompt_list(
            workspace=workspace,
            search=filters.get("q", ""),
            category=filters.get("category", ""),
        )
        filtered = bool(filters.get("q") or filters.get("category"))
        return self.render_page({"prompts": prompts, "search": search, "filtered": filtered})


class PromptDetailView(PromptPage):
    """One version shown in full (``?version=N``, default: production, else newest), the
    version history, and a line diff against ``?compare=M`` (default: the one before)."""

    template_name = "prompts/detail.html"

    def get(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        template = self.object
        versions = list(selectors.prompt_version_list(template=template))
        shown = self.version_number("version") or selectors.prompt_version_current(
            template=template
        )
        compare = self.version_number("compare")
        if compare is None and shown is not None:
            compare = next((v for v in versions if v.number < shown.number), None)
        diff = versions_diff(compare, shown) if compare and shown and compare != shown else None
        return self.render_page(
            {
                "prompt": template,
                "versions": versions,
                "shown": shown,
                "compare": compare,
                "diff": diff,
                "use_form": use_form(shown) if shown else None,
            }
        )


class PromptCreateView(PromptPage):
    object_kwarg = None
    template_name = "prompts/form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": self.prompt_form()})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = self.prompt_form(request.POST)
        if form.is_valid():
            try:
                template = services.prompt_create(actor=self.actor, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, f"Prompt “{template.name}” saved as version 1.")
                return redirect("prompt-detail", workspace_slug, template.pk)
        return self.render_page({"form": form}, status=400)


class PromptEditView(PromptPage):
    """Saving appends a version (when the text changed); ``?from=N`` starts from version N."""

    template_name = "prompts/form.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        base = self.version_number("from") or self.object.versions.order_by("-number").first()
        form = self.prompt_form(initial=PromptForm.initial_for(self.object, base))
        return self.render_page({"form": form, "prompt": self.object, "base": base})

    def post(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        form = self.prompt_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = self._save(data)
            except ValidationError as error:
                self.object.refresh_from_db()
                form_add_service_errors(form, error)
            else:
                if version is None:
                    messages.info(request, "The text did not change, so no new version was made.")
                else:
                    messages.success(request, f"Saved as version {version.number}.")
                return redirect("prompt-detail", workspace_slug, prompt_id)
        return self.render_page({"form": form, "prompt": self.object}, status=400)

    def _save(self, data: dict[str, Any]) -> PromptVersion | None:
        with transaction.atomic():
            services.prompt_update(
                actor=self.actor,
                template=self.object,
                name=data["name"],
                category=data["category"],
                description=data["description"],
            )
            return services.prompt_version_add(
                actor=self.actor,
                template=self.object,
                body=data["body"],
                system_prompt=data["system_prompt"],
                variables=data["variables"],
                note=data["note"],
                collections=data.get("collections", []),
            )


class PromptDeleteView(PromptPage):
    template_name = "prompts/confirm_delete.html"
    permissions = WRITE

    def get(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        return self.render_page(
            {
                "prompt": self.object,
                "version_count": self.object.versions.count(),
                "cancel_url": reverse("prompt-detail", args=[workspace_slug, prompt_id]),
            }
        )

    def post(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        try:
            services.prompt_delete(actor=self.actor, template=self.object)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("prompt-detail", workspace_slug, prompt_id)
        messages.success(request, f"Prompt “{self.object.name}” deleted.")
        return redirect("prompt-list", workspace_slug)


class PromptVersionLabelView(PromptPage):
    """POST ``label=production`` to move the label to this version, ``label=`` to take it off."""

    permissions = {"POST": Permission.USE_MODELS}

    def post(
        self, request: HttpRequest, workspace_slug: str, prompt_id: int, version_id: int
    ) -> HttpResponse:
        version = get_object_or_404(self.object.versions, pk=version_id)
        if request.POST.get("label", VersionLabel.PRODUCTION) == VersionLabel.PRODUCTION:
            services.prompt_version_mark_production(actor=self.actor, version=version)
            messages.success(request, f"Version {version.number} is now the production version.")
        else:
            services.prompt_version_unmark_production(actor=self.actor, version=version)
            messages.success(request, f"Version {version.number} is no longer in production.")
        target = reverse("prompt-detail", args=[workspace_slug, prompt_id])
        return redirect(f"{target}?version={version.number}")
