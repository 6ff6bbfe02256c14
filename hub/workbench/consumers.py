"""WebSocket consumers of the chat and the playground: authenticate, hand work on, forward.

A socket belongs to one signed-in member of one workspace. Membership is checked when it
connects and again on every request (a member removed mid-session is refused at once), and
generating needs ``use_models`` (viewers may watch, not generate). Events reach only the
socket that asked: each connection subscribes its own callback to the generations it starts
or re-attaches to; there are no broadcast groups. Errors are JSON events with a message.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404

from analytics.models import UsageSource
from hub.workbench import chat_turns, playground_runs
from hub.workbench.chat_titles import conversation_title_write
from hub.workbench.generation import Event, generations
from hub.workbench.persistence import MessageSink, SlotSink
from hub.workbench.results import NAMING_FIELDS
from hub.workbench.selectors import message_json
from routing.pipeline.errors import ApiError
from workspaces.access import Actor
from workspaces.roles import Permission
from workspaces.selectors import actor_for_session

logger = logging.getLogger(__name__)
CLOSE_UNAUTHENTICATED, CLOSE_NOT_MEMBER = 4401, 4404


class WorkbenchConsumer(AsyncJsonWebsocketConsumer):
    """Requests are ``{"type": …, "ref": …}``; replies and errors echo ``ref``."""

    actions: ClassVar[dict[str, str]] = {}  # request type -> handler method
    generating: ClassVar[frozenset[str]] = frozenset()  # types that need use_models

    async def connect(self) -> None:
        self.outbox: asyncio.Queue[Event] = asyncio.Queue()
        self.sender: asyncio.Task[None] | None = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = getattr(user, "_wrapped", user)
        self.workspace_slug = self.scope["url_route"]["kwargs"]["workspace_slug"]
        actor = await self.actor()
        if actor is None:
            await self.close(code=CLOSE_NOT_MEMBER)
            return
        await self.accept()
        self.sender = asyncio.create_task(self._send_queued())
        self.deliver({"type": "ready", "can_generate": actor.can(Permission.USE_MODELS)})

    async def disconnect(self, code: int) -> None:
        generations.unsubscribe(self.deliver)
        generations.unsubscribe(self.deliver_blind)
        if self.sender is not None:
            self.sender.cancel()

    def deliver(self, event: Event) -> None:
        """A generation's events for this socket only, in order, never blocking the caller."""
        self.outbox.put_nowait(event)

    def deliver_blind(self, event: Event) -> None:
        """As ``deliver``, minus anything naming the model of a blind playground run."""
        if event["type"] == "routed":
            return
        if event["type"] == "done":
            metrics = {k: v for k, v in event["metrics"].items() if k not in NAMING_FIELDS}
            event = {**event, "metrics": metrics}
        self.deliver(event)

    async def _send_queued(self) -> None:
        while True:
            await self.send_json(await self.outbox.get())

    async def actor(self) -> Actor | None:
        """The user's current role in the workspace, read afresh; None when not a member."""
        try:
            return await database_sync_to_async(actor_for_session)(
                user=self.user, workspace_slug=self.workspace_slug
            )
        except Http404:
            return None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            content = json.loads(text_data or "")
        except (ValueError, RecursionError):  # RecursionError: nested past what JSON parses
            content = None
        if not isinstance(content, dict):
            self.fail({}, "bad_request", "Send one JSON object per message.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        handler = self.actions.get(str(content.get("type")))
        if handler is None:
            self.fail(content, "bad_request", f"Unknown request type {content.get('type')!r}.")
            return
        actor = await self.actor()
        if actor is None:
            await self.send_json(
                {"type": "error", "ref": content.get("ref"), "code": "not_member",
                 "message": "You are no longer a member of this workspace."}
            )  # fmt: skip
            await self.close(code=CLOSE_NOT_MEMBER)
            return
        if content["type"] in self.generating and not actor.can(Permission.USE_MODELS):
            self.fail(
                content,
                "forbidden",
                f"Your role ({actor.role}) can read this workspace but not use its models.",
            )
            return
        try:
            await getattr(self, handler)(actor, content)
        except ValidationError as invalid:
            self.fail(content, "invalid", " ".join(invalid.messages))
        except ObjectDoesNotExist:
            self.fail(content, "not_found", "That does not exist, or is not yours.")
        except ApiError as error:
            self.fail(content, error.code or "model_error", error.message)
        except Exception:
            logger.exception("workbench request %r failed", content.get("type"))
            self.fail(content, "internal", "The hub could not do this; its log has details.")

    def fail(self, request: dict[str, Any], code: str, message: str) -> None:
        self.deliver({"type": "error", "ref": request.get("ref"), "code": code, "message": message})


class ChatConsumer(WorkbenchConsumer):
    """``ws/w/<slug>/chat/``: send, regenerate, stop, attach (after a reload), select."""

    actions = {
        "send": "send_message",
        "regenerate": "regenerate",
        "stop": "stop",
        "attach": "attach",
        "select": "select",
    }
    generating = frozenset({"send", "regenerate", "stop"})

    async def send_message(self, actor: Actor, content: dict[str, Any]) -> None:
        turn = await database_sync_to_async(chat_turns.turn_send)(actor=actor, payload=content)
        self._start(actor, content, turn)

    async def regenerate(self, actor: Actor, content: dict[str, Any]) -> None:
        turn = await database_sync_to_async(chat_turns.turn_regenerate)(
            actor=actor, payload=content
        )
        self._start(actor, content, turn)

    def _start(self, actor: Actor, content: dict[str, Any], turn: chat_turns.Turn) -> None:
        key = f"message:{turn.answer_id}"
        self.deliver(
            {
                "type": "started",
                "ref": content.get("ref"),
                "key": key,
                "conversation": turn.conversation,
                "messages": turn.messages,
            }
        )
        if turn.body is None:  # failed before any call; the answer says why
            return
        generations.start(
            key=key,
            actor=actor,
            body=turn.body,
            source=UsageSource.CHAT,
            sink=MessageSink(turn.answer_id),
            subscriber=self.deliver,
            # A new chat may be named by a model once its first answer is in.
            follow_up=functools.partial(
                conversation_title_write, actor=actor, conversation_id=turn.conversation["id"]
            )
            if turn.starts_conversation
            else None,
        )

    async def stop(self, actor: Actor, content: dict[str, Any]) -> None:
        message = await self._answer(actor, content)
        if not generations.cancel(f"message:{message.pk}", user_id=actor.user.pk):
            self.fail(content, "not_running", "That answer is not being generated any more.")

    async def attach(self, actor: Actor, content: dict[str, Any]) -> None:
        """Follow an answer still streaming (after a reload); else get it as saved."""
        message = await self._answer(actor, content)
        key = f"message:{message.pk}"
        if not generations.attach(key, user_id=actor.user.pk, subscriber=self.deliver):
            # Read again: it may have finished meanwhile, or been left by a dead process.
            message = await database_sync_to_async(chat_turns.answer_as_saved)(
                actor=actor, message_id=message.pk, running=generations.running_keys()
            )
            self.deliver({"type": "message", "key": key, "message": message_json(message)})

    async def select(self, actor: Actor, content: dict[str, Any]) -> None:
        leaf_id = await database_sync_to_async(chat_turns.branch_select)(
            actor=actor, payload=content
        )
        self.deliver({"type": "selected", "ref": content.get("ref"), "leaf_id": leaf_id})

    async def _answer(self, actor: Actor, content: dict[str, Any]):
        message_id = chat_turns.id_from(content, "message_id")
        return await database_sync_to_async(chat_turns.answer_of)(
            actor=actor, message_id=message_id
        )


class PlaygroundConsumer(WorkbenchConsumer):
    """``ws/w/<slug>/playground/``: run one prompt on 2 to 8 models, cancel a slot, vote."""

    actions = {"run": "run", "cancel": "cancel", "vote": "vote", "attach": "attach"}
    generating = frozenset({"run", "cancel", "vote"})

    async def run(self, actor: Actor, content: dict[str, Any]) -> None:
        plan = await database_sync_to_async(playground_runs.run_start)(actor=actor, payload=content)
        self.deliver({"type": "run_started", "ref": content.get("ref"), "run": plan.run})
        subscriber = self.deliver_blind if plan.blind else self.deliver
        for slot_id, body in plan.bodies.items():
            generations.start(
                key=f"slot:{slot_id}",
                actor=actor,
                body=body,
                source=UsageSource.PLAYGROUND,
                sink=SlotSink(slot_id),
                subscriber=subscriber,
            )

    async def cancel(self, actor: Actor, content: dict[str, Any]) -> None:
        slot = await database_sync_to_async(playground_runs.slot_of)(actor=actor, payload=content)
        if not generations.cancel(f"slot:{slot.pk}", user_id=actor.user.pk):
            self.fail(content, "not_running", "That slot has already finished.")

    async def vote(self, actor: Actor, content: dict[str, Any]) -> None:
        run = await database_sync_to_async(playground_runs.vote_record)(
            actor=actor, payload=content
        )
        self.deliver({"type": "voted", "ref": content.get("ref"), "run": run})

    async def attach(self, actor: Actor, content: dict[str, Any]) -> None:
        slot = await database_sync_to_async(playground_runs.slot_of)(actor=actor, payload=content)
        key = f"slot:{slot.pk}"
        subscriber = self.deliver_blind if slot.run.blind else self.deliver
        if not generations.attach(key, user_id=actor.user.pk, subscriber=subscriber):
            saved = await database_sync_to_async(playground_runs.slot_as_saved)(
                actor=actor, payload=content, running=generations.running_keys()
            )
            self.deliver({"type": "slot", "key": key, "slot": saved})
