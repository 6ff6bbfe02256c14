"""The live timeline of a run: a socket per run page that sends each step as it is stored
and the run's state until it ends, and takes a cancel.

A run may be worked by any process (a Celery worker, another replica), so the socket reads
the stored steps, not the worker's memory: a few indexed reads a second while the page is
open, and the same story after a reload. Membership is checked when the socket connects
and on every poll; cancelling needs ``use_models``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string

from agents.models import Run
from agents.selectors import run_state, step_rows
from agents.services import run_cancel
from workspaces.access import Actor
from workspaces.roles import Permission
from workspaces.selectors import actor_for_session

POLL_EVERY_S = 0.4
CLOSE_UNAUTHENTICATED, CLOSE_NOT_FOUND = 4401, 4404


class RunTimelineConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.poller: asyncio.Task[None] | None = None
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = getattr(user, "_wrapped", user)
        kwargs = self.scope["url_route"]["kwargs"]
        self.slug, self.run_id = kwargs["workspace_slug"], int(kwargs["run_id"])
        actor = await self.actor()
        run = await self.run(actor) if actor else None
        if actor is None or run is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.accept()
        self.poller = asyncio.create_task(self.follow(run, after=0))

    async def disconnect(self, code: int) -> None:
        if self.poller is not None:
            self.poller.cancel()

    @database_sync_to_async
    def actor(self) -> Actor | None:
        try:
            return actor_for_session(user=self.user, workspace_slug=self.slug)
        except Http404:
            return None

    @database_sync_to_async
    def run(self, actor: Actor) -> Run | None:
        return Run.objects.for_workspace(actor.workspace).filter(pk=self.run_id).first()

    async def follow(self, run: Run, *, after: int) -> None:
        """Steps past ``after`` and the state, until the run has ended (then close)."""
        while True:
            actor = await self.actor()
            if actor is None:  # removed from the workspace meanwhile
                await self.close(code=CLOSE_NOT_FOUND)
                return
            fresh = await self.run(actor)
            if fresh is None:
                await self.close(code=CLOSE_NOT_FOUND)
                return
            html, after = await self.steps_html(actor, fresh, after)
            if html:
                await self.send_json({"type": "steps", "html": html, "last": after})
            await self.send_json({"type": "state", **run_state(fresh)})
            if fresh.finished:
                await self.close()
                return
            await asyncio.sleep(POLL_EVERY_S)

    @database_sync_to_async
    def steps_html(self, actor: Actor, run: Run, after: int) -> tuple[str, int]:
        steps = step_rows(run, after=after)
        if not steps:
            return "", after
        html = "".join(render_to_string("agents/_step.html", {"step": s,
                       "workspace": actor.workspace}) for s in steps)  # fmt: skip
        return html, steps[-1].number

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "cancel":
            await self.send_json({"type": "error", "message": 'Send {"type": "cancel"}.'})
            return
        actor = await self.actor()
        run = await self.run(actor) if actor else None
        if actor is None or run is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if not actor.can(Permission.USE_MODELS):
            await self.send_json({"type": "error", "message": "Your role may not stop runs."})
            return
        try:
            cancelling = await database_sync_to_async(run_cancel)(actor=actor, run=run)
        except (ValidationError, PermissionDenied) as error:
            await self.send_json({"type": "error", "message": "; ".join(error.messages)
                                  if isinstance(error, ValidationError) else str(error)})  # fmt: skip
            return
        await self.send_json({"type": "cancelling" if cancelling else "ended"})
