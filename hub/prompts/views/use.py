"""Prompts from the chat and playground: pick one, fill in its variables, get the text back;
and save a chat message as a new prompt.

``GET  prompts/<id>/use/``  the variable form (an htmx partial)
``POST prompts/<id>/use/``  the rendered text as JSON (or a preview partial for htmx)
``GET  prompts/picker/``    a searchable list of prompts (an htmx partial)
``POST prompts/from-message/`` ``message_id=<id>``: a new template from that message
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from hub.prompts import selectors, services
from hub.prompts.forms import use_form, use_values
from hub.prompts.models import PromptVersion
from hub.prompts.rendering import RenderError
from hub.prompts.views.library import PromptPage
from hub.workbench.models import Message
from rag.selectors import collection_list
from workspaces.roles import Permission


def asks_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def wants_json(request: HttpRequest) -> bool:
    """JSON for scripts and fetch(); htmx gets HTML unless it asks for JSON."""
    return asks_json(request) or not getattr(request, "htmx", False)


def json_error(message: str, status: int = 400, **details: Any) -> JsonResponse:
    return JsonResponse({"error": {"message": message, **details}}, status=status)


def partial_or_page(view: PromptPage, context: dict[str, Any], *, title: str) -> HttpResponse:
    """The view's partial for htmx; the same partial inside a page for a plain visit."""
    if getattr(view.request, "htmx", False):
        return render(
            view.request, view.template_name, {"workspace": view.actor.workspace, **context}
        )
    return view.render_page(
        {**context, "partial": view.template_name, "title": title},
        template_name="prompts/partial_page.html",
    )


class PromptUseView(PromptPage):
    """Rendering writes nothing, so viewers may use prompts too."""

    permissions = {"GET": Permission.VIEW, "POST": Permission.VIEW}
    template_name = "prompts/_use_form.html"

    def get(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        version = self._version(request.GET.get("version"))
        context = {"prompt": self.object, "version": version, "form": use_form(version)}
        return partial_or_page(self, context, title=f"Use “{self.object.name}”")

    def post(self, request: HttpRequest, workspace_slug: str, prompt_id: int) -> HttpResponse:
        if request.content_type == "application/json":
            try:
                payload = json.loads(request.body or b"{}")
            except (json.JSONDecodeError, UnicodeDecodeError):
                return json_error("The body is not valid JSON.")
            except RecursionError:
                return json_error("The body is nested too deeply.")
            if not isinstance(payload, dict) or not isinstance(payload.get("variables", {}), dict):
                return json_error('Send {"version": <number>, "variables": {"name": "value"}}.')
            number, values = payload.get("version"), payload.get("variables", {})
        else:
            number, values = request.POST.get("version"), use_values(request.POST)
        try:
            version = self._version(number)
        except Http404:
            return json_error("This prompt has no such version.", status=404)
        try:
            rendered = services.prompt_render(version=version, values=values)
        except RenderError as error:
            if wants_json(request):
                return JsonResponse({"error": error.as_json()}, status=400)
            return self._preview(version, error=error, status=400)
        if wants_json(request):
            return JsonResponse(self._json(rendered, values))
        return self._preview(version, rendered=rendered)

    def _version(self, number: Any) -> PromptVersion:
        if number in (None, ""):
            version = selectors.prompt_version_current(template=self.object)
            if version is None:
                raise Http404("This prompt has no version.")
            return version
        try:
            return selectors.prompt_version_by_number(template=self.object, number=int(number))
        except (TypeError, ValueError, PromptVersion.DoesNotExist):
            raise Http404("No such version.") from None

    def _json(self, rendered: services.RenderedPrompt, values: dict[str, Any]) -> dict[str, Any]:
        version = rendered.version
        return {
            "prompt": {
                "id": self.object.pk,
                "name": self.object.name,
                "version": version.number,
                "label": version.label,
            },
            "system": rendered.system,
            "text": rendered.text,
            "messages": rendered.messages(),
            "variables": {spec["name"]: values[spec["name"]] for spec in version.variables},
            # Grounded wherever it is used: the chat or playground checks these collections.
            "collections": [
                {"id": c.pk, "name": c.name}
                for c in collection_list(workspace=self.actor.workspace).filter(
                    name__in=version.collections
                )
            ],
        }

    def _preview(self, version: PromptVersion, status: int = 200, **context: Any) -> HttpResponse:
        return render(
            self.request,
            "prompts/_use_result.html",
            {
                "workspace": self.actor.workspace,
                "prompt": self.object,
                "version": version,
                **context,
            },
            status=status,
        )


class PromptPickerView(PromptPage):
    """The prompts to choose from in the chat, filtered by ``?q=``."""

    object_kwarg = None
    template_name = "prompts/_picker.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        prompts = selectors.prompt_list(
            workspace=self.actor.workspace, search=request.GET.get("q", "")[:200]
        )[:50]
        return partial_or_page(self, {"prompts": prompts}, title="Pick a prompt")


class PromptFromMessageView(PromptPage):
    """POST ``message_id`` (and optionally ``name``): the message's text becomes a template.
    Only messages of the user's own conversations in this workspace; others are 404."""

    object_kwarg = None
    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        raw_id = request.POST.get("message_id", "")
        try:
            message = selectors.message_of_user(
                workspace=self.actor.workspace,
                user_id=cast(int, request.user.pk),
                message_id=int(raw_id),
            )
        except (ValueError, Message.DoesNotExist):
            raise Http404("No such message.") from None
        try:
            template = services.prompt_from_message(
                actor=self.actor, message=message, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            text = " ".join(error.messages)
            if asks_json(request):
                return json_error(text)
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        url = reverse("prompt-detail", args=[workspace_slug, template.pk])
        if asks_json(request):
            return JsonResponse({"id": template.pk, "name": template.name, "url": url}, status=201)
        if getattr(request, "htmx", False):
            return render(request, "prompts/_saved.html", {"prompt": template, "url": url})
        messages.success(
            request, f"Saved as the prompt “{template.name}”. Edit it to add variables."
        )
        return redirect("prompt-edit", workspace_slug, template.pk)
