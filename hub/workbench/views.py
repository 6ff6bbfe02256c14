"""Workbench pages: the chat (list, one conversation, rename, delete, fork) and the playground
(new run, one run, continue a slot in chat). Generation itself goes over the WebSocket.
Answers left streaming by a server process that died are marked interrupted before a page
shows them (``hub.workbench.interruptions``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from hub.workbench import interruptions, selectors, services
from hub.workbench.conversation_list import conversation_groups
from hub.workbench.generation import generations
from hub.workbench.model_choices import default_model, model_choices
from hub.workbench.models import Conversation, PlaygroundRun
from rag.selectors import collection_list
from workspaces.access import Actor
from workspaces.roles import Permission
from workspaces.views.base import WorkspacePageView

LIST_LENGTH = 200


class ChatView(WorkspacePageView):
    """A new chat, with the conversation list beside it."""

    nav = "chat"
    template_name = "workbench/chat.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        return self.render_page(self.context(None))

    def context(self, conversation: Conversation | None) -> dict[str, Any]:
        search = self.request.GET.get("q", "")[:200]
        listed = selectors.conversation_list(actor=self.actor, search=search)[:LIST_LENGTH]
        return {
            "groups": conversation_groups(listed, search=search),
            "search": search,
            "can_set_titles": self.actor.can(Permission.MANAGE_PROVIDERS),
            "conversation": conversation,
            "conversation_data": selectors.conversation_json(conversation)
            if conversation
            else None,
            **_models(self.actor),
        }


class ConversationPageView(WorkspacePageView):
    """A page about one of the actor's own conversations."""

    object_kwarg = "conversation_id"
    nav = "chat"

    def scoped_queryset(self) -> QuerySet[Conversation]:
        return selectors.conversation_list(actor=self.actor)


class ConversationView(ConversationPageView, ChatView):
    def get(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:  # type: ignore[override]  # adds the URL's conversation id
        interruptions.conversation_interrupted_mark(
            conversation=self.object, running=generations.running_keys()
        )
        return self.render_page(self.context(self.object))


class ConversationRenameView(ConversationPageView):
    permissions = {"POST": Permission.VIEW}

    def post(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        try:
            services.conversation_rename(
                conversation=self.object, title=request.POST.get("title", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("workbench-conversation", workspace_slug, self.object.pk)


class ConversationPinView(ConversationPageView):
    """Pin (``pinned=1``) or unpin a chat; back to where the form was."""

    permissions = {"POST": Permission.VIEW}

    def post(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        services.conversation_pin(
            conversation=self.object, pinned=request.POST.get("pinned") == "1"
        )
        return redirect("workbench-conversation", workspace_slug, self.object.pk)


class ChatSettingsView(WorkspacePageView):
    """Which model names new chats; admins set it for the whole workspace."""

    nav = "chat"
    template_name = "workbench/chat_settings.html"
    permissions = {"GET": Permission.MANAGE_PROVIDERS, "POST": Permission.MANAGE_PROVIDERS}

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        current = selectors.chat_settings_for(workspace=self.actor.workspace)
        return self.render_page(self.settings_context(current.title_model))

    def post(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        title_model = request.POST.get("title_model", "")
        known = [choice["id"] for choice in model_choices(actor=self.actor)]
        try:
            services.chat_settings_update(
                workspace=self.actor.workspace, title_model=title_model, known_models=known
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_page(self.settings_context(title_model), status=400)
        messages.success(request, "Chat settings saved.")
        return redirect("workbench-chat-settings", workspace_slug)

    def settings_context(self, title_model: str) -> dict[str, Any]:
        return {"models": model_choices(actor=self.actor), "default_model": title_model}


class ConversationDeleteView(ConversationPageView):
    permissions = {"POST": Permission.VIEW}

    def post(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        title = self.object.title
        services.conversation_delete(conversation=self.object)
        messages.success(request, f"Chat “{title}” deleted.")
        return redirect("workbench-chat", workspace_slug)


class ConversationForkView(ConversationPageView):
    """A new conversation holding the branch down to the message named in the form."""

    permissions = {"POST": Permission.USE_MODELS}

    def post(self, request: HttpRequest, workspace_slug: str, conversation_id: int) -> HttpResponse:
        message_id = request.POST.get("message_id", "")
        message = get_object_or_404(
            self.object.messages.all(), pk=int(message_id) if message_id.isdigit() else 0
        )
        fork = services.conversation_fork(
            actor=self.actor, conversation=self.object, message=message
        )
        messages.success(request, f"Forked into “{fork.title}”.")
        return redirect("workbench-conversation", workspace_slug, fork.pk)


class PlaygroundView(WorkspacePageView):
    """A new run; ``?conversation=<id>`` preloads one of the actor's conversations."""

    nav = "playground"
    template_name = "workbench/playground.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        preload: dict[str, Any] = {"history": [], "prompt": "", "system_prompt": "", "model": ""}
        conversation_id = request.GET.get("conversation", "")
        if conversation_id:
            conversation = get_object_or_404(
                selectors.conversation_list(actor=self.actor),
                pk=int(conversation_id) if conversation_id.isdigit() else 0,
            )
            history, prompt = selectors.conversation_history(conversation)
            preload = {
                "history": history,
                "prompt": prompt,
                "system_prompt": conversation.system_prompt,
                "model": conversation.model,
                "from_title": conversation.title,
            }
        return self.render_page(self.context(preload=preload, run=None))

    def context(self, *, preload: dict[str, Any], run: PlaygroundRun | None) -> dict[str, Any]:
        return {
            "preload": preload,
            "run": run,
            "run_data": selectors.playground_run_json(run) if run else None,
            "runs": selectors.playground_run_history(actor=self.actor),
            **_models(self.actor),
            "min_slots": services.MIN_SLOTS,
            "max_slots": services.MAX_SLOTS,
        }


class PlaygroundRunPageView(WorkspacePageView):
    object_kwarg = "playground_run_id"
    nav = "playground"

    def scoped_queryset(self) -> QuerySet[PlaygroundRun]:
        return selectors.playground_run_list(actor=self.actor)


class PlaygroundRunView(PlaygroundRunPageView, PlaygroundView):
    """One earlier run, its answers and its vote; slots still streaming re-attach."""

    def get(  # type: ignore[override]  # adds the URL's run id
        self, request: HttpRequest, workspace_slug: str, playground_run_id: int
    ) -> HttpResponse:
        run = self.object
        interruptions.run_interrupted_mark(run=run, running=generations.running_keys())
        preload = {
            "history": run.history,
            "prompt": run.prompt,
            "system_prompt": run.system_prompt,
            "model": "",
        }
        return self.render_page(self.context(preload=preload, run=run))


class PlaygroundContinueView(PlaygroundRunPageView):
    """Continue in chat: a new conversation ending with the chosen slot's answer."""

    permissions = {"POST": Permission.USE_MODELS}

    def post(
        self, request: HttpRequest, workspace_slug: str, playground_run_id: int
    ) -> HttpResponse:
        slot_id = request.POST.get("slot_id", "")
        slot = get_object_or_404(
            self.object.slots.all(), pk=int(slot_id) if slot_id.isdigit() else 0
        )
        try:
            conversation = services.conversation_from_slot(actor=self.actor, slot=slot)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("workbench-playground-run", workspace_slug, self.object.pk)
        return redirect("workbench-conversation", workspace_slug, conversation.pk)


def _models(actor: Actor) -> dict[str, Any]:
    """The picker's choices and the one to preselect, and the collections to ground in."""
    choices = model_choices(actor=actor)
    return {
        "models": choices,
        "default_model": default_model(choices, actor=actor),
        "collections": collection_list(workspace=actor.workspace),
    }
