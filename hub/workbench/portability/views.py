"""Import conversations from a file; export one as JSON, Markdown or code; export all.

Conversations are the workbench's and, like there, only the user's own: another member's
conversation id is a 404 exactly as another workspace's is.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from hub.workbench.models import Conversation
from hub.workbench.portability.hub_format import conversations_export
from hub.workbench.portability.importing import conversations_import
from hub.workbench.portability.markdown import conversation_markdown
from hub.workbench.portability.snippets import call_of, snippets_for
from hub.workbench.selectors import conversation_list
from workspaces.roles import Permission
from workspaces.uploads import UploadForm
from workspaces.views.base import WorkspacePageView


def import_form(*args: Any) -> UploadForm:
    return UploadForm(
        *args,
        label="Export file",
        help_text="conversations.json from ChatGPT or Claude (or their .zip), "
        "or a Provider Hub export.",
    )


class ImportView(WorkspacePageView):
    """Upload, then a summary of what was imported, already there, or skipped and why."""

    nav = "import"
    template_name = "portability/import.html"
    permissions = {"GET": Permission.USE_MODELS, "POST": Permission.USE_MODELS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page({"form": import_form()})

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        form = import_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = conversations_import(
                    actor=self.actor, raw=form.cleaned_data["file"].read()
                )
            except ValidationError as error:
                form.add_error("file", error.messages)
            else:
                return self.render_page({"form": import_form(), "result": result})
        return self.render_page({"form": form}, status=400)


class ConversationPage(WorkspacePageView):
    nav = "chat"
    object_kwarg = "conversation_id"

    def scoped_queryset(self) -> QuerySet[Conversation]:
        return conversation_list(actor=self.actor)


def attachment(content: str, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def file_stem(conversation: Conversation) -> str:
    return slugify(conversation.title)[:60] or f"conversation-{conversation.pk}"


class ConversationExportJsonView(ConversationPage):
    """The whole tree in the hub's format; importing it recreates the conversation."""

    def get(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        data = conversations_export([self.object])
        return attachment(
            json.dumps(data, indent=2, ensure_ascii=False),
            filename=f"{file_stem(self.object)}.json",
            content_type="application/json",
        )


class ConversationExportMarkdownView(ConversationPage):
    def get(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        return attachment(
            conversation_markdown(self.object),
            filename=f"{file_stem(self.object)}.md",
            content_type="text/markdown",
        )


class ConversationCodeView(ConversationPage):
    """Snippets repeating the conversation's call; a partial for htmx (a dialog in the chat),
    a page otherwise."""

    template_name = "portability/code.html"

    def get(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        base_url = request.build_absolute_uri(reverse("v1:models")).removesuffix("/models")
        call = call_of(self.object, base_url=base_url)
        context = {
            "conversation": self.object,
            "call": call,
            "snippets": snippets_for(call),
            "keys_url": reverse("key-list", args=[workspace_slug]),
        }
        if getattr(request, "htmx", False):
            context["workspace"] = self.actor.workspace
            return render(request, "portability/_code.html", context)
        return self.render_page(context)


class ConversationsExportAllView(WorkspacePageView):
    """Every conversation of the user in this workspace, as one hub-format file."""

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        conversations = list(conversation_list(actor=self.actor).select_related("import_origin"))
        data = conversations_export(conversations)
        stamp = timezone.now().strftime("%Y%m%d")
        return attachment(
            json.dumps(data, indent=2, ensure_ascii=False),
            filename=f"conversations-{workspace_slug}-{stamp}.json",
            content_type="application/json",
        )
