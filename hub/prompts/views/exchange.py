"""Download every prompt as one JSON file; upload such a file to add what is missing."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hub.prompts.exchange import prompts_export, prompts_import
from hub.prompts.views.library import PromptPage
from workspaces.roles import Permission
from workspaces.uploads import UploadForm


class PromptExportView(PromptPage):
    object_kwarg = None

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        data = prompts_export(actor=self.actor)
        stamp = timezone.now().strftime("%Y%m%d")
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        filename = f"prompts-{workspace_slug}-{stamp}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class PromptImportView(PromptPage):
    """A malformed file is a form error naming what is wrong; nothing is written then."""

    object_kwarg = None
    template_name = "prompts/import.html"
    permissions = {"GET": Permission.USE_MODELS, "POST": Permission.USE_MODELS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": UploadForm(label="JSON file")})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, label="JSON file")
        if form.is_valid():
            try:
                result = prompts_import(actor=self.actor, raw=form.cleaned_data["file"].read())
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                fresh = UploadForm(label="JSON file")
                return self.render_page({"form": fresh, "result": result})
        return self.render_page({"form": form}, status=400)
