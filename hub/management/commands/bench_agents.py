"""``python manage.py bench_agents``: what the agent loop costs beyond its model and tool
calls.

Starts the simulated provider and runs an agent on its ``chain-9`` model: nine steps that
each call the calculator, then an answer, so ten model steps and nine tool calls. The same
work is then done without the loop, twice:

- replayed: the same ten requests through the pipeline (``chat_stream``, as the loop sends
  them) and the same nine tool calls, one after another, with nothing stored;
- direct: the same ten requests straight to the simulator over HTTP.

The loop's overhead per step is (run - replayed) / 10: assembling streamed answers, checking
arguments, the limits, the events, and storing the run, its steps and its heartbeat. The
pipeline's own (routing, limits, usage records) is (replayed - direct) / 10. Goal for the
loop: at most 2 ms a step. Run it on a scratch database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_agents
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import httpx
from asgiref.sync import sync_to_async
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from agents.models import Agent, Run
from agents.runner import Context, execute
from agents.toolbox import openai_tools
from agents.tools.builtin import BUILTIN_TOOLS
from analytics.models import UsageSource
from analytics.recorder import usage_recorder
from hub.benchmarks import bench_workspace, free_port, port_wait, processes_stop
from providers.models import Provider, ProviderModel
from routing.pipeline import chat_stream
from workspaces.access import Actor

STEPS = 10
TASK = "Add one to each number, nine times over."


class Command(BaseCommand):
    help = "Benchmark the agent loop's overhead per step against the simulated provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20, help="Runs of ten steps each.")

    def handle(self, *args: Any, runs: int, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        port = free_port()
        sim = subprocess.Popen(
            [sys.executable, "manage.py", "simulate_provider", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            port_wait(port, sim, "the simulated provider")
            asyncio.run(self._bench(port, runs))
        finally:
            processes_stop(sim)
            usage_recorder.flush(timeout=30)

    async def _bench(self, port: int, runs: int) -> None:
        say = self.stdout.write
        actor, agent = await _setup(port)
        await _run(actor, agent)  # warm up: imports, connections, caches
        looped, replayed, direct = [], [], []
        for _ in range(runs):
            run, seconds = await _timed_run(actor, agent)
            looped.append(seconds)
            assert run.status == "completed" and run.steps == STEPS, (run.status, run.error)
            requests = _requests(run.messages)
            replayed.append(await _replay(actor, requests))
            direct.append(await _direct(port, requests))
        loop_ms = (statistics.median(looped) - statistics.median(replayed)) / STEPS * 1000
        pipeline_ms = (statistics.median(replayed) - statistics.median(direct)) / STEPS * 1000
        say(f"{runs} runs of {STEPS} model steps and {STEPS - 1} calculator calls (median):")
        say(f"  agent run:                     {statistics.median(looped) * 1000:8.2f} ms")
        say(f"  replayed through the pipeline: {statistics.median(replayed) * 1000:8.2f} ms")
        say(f"  straight to the simulator:     {statistics.median(direct) * 1000:8.2f} ms")
        say(f"The loop's overhead per step:     {loop_ms:6.2f} ms (goal <= 2 ms)")
        say(f"The pipeline's overhead per step: {pipeline_ms:6.2f} ms (routing, limits, records)")


async def _setup(port: int) -> tuple[Actor, Agent]:
    def make() -> tuple[Actor, Agent]:
        workspace = bench_workspace()
        owner = workspace.memberships.select_related("user").get(role="owner")
        provider, _ = Provider.objects.update_or_create(
            workspace=workspace, slug="bench-agents",
            defaults={"name": "Bench agents", "kind": "simulated",
                      "base_url": f"http://127.0.0.1:{port}"},
        )  # fmt: skip
        ProviderModel.objects.get_or_create(
            workspace=workspace, provider=provider, name=f"chain-{STEPS - 1}",
            defaults={"input_price_per_mtok": Decimal(1), "output_price_per_mtok": Decimal(2)},
        )  # fmt: skip
        agent, _ = Agent.objects.update_or_create(
            workspace=workspace, name="bench-chain",
            defaults={"model_names": [f"bench-agents/chain-{STEPS - 1}"],
                      "tool_names": ["calculator"], "max_steps": STEPS},
        )  # fmt: skip
        return Actor(user=owner.user, workspace=workspace, role=owner.role), agent

    return await sync_to_async(make)()


async def _run(actor: Actor, agent: Agent) -> Run:
    return (await _timed_run(actor, agent))[0]


async def _timed_run(actor: Actor, agent: Agent) -> tuple[Run, float]:
    """A run from its claim to its last write (the caller's creating it aside)."""
    run = await Run.objects.acreate(workspace=actor.workspace, agent=agent, input=TASK,
                                    created_by=actor.user)  # fmt: skip
    started = time.perf_counter()
    async for _ in execute(Context(actor=actor, run=run, agent=agent)):
        pass
    seconds = time.perf_counter() - started
    await run.arefresh_from_db()
    return run, seconds


def _requests(conversation: list[dict[str, Any]]) -> list[tuple[list[dict[str, Any]], list]]:
    """Each model step's messages, and the tool calls its answer asked for."""
    steps = []
    for number, message in enumerate(conversation):
        if message["role"] == "assistant":
            steps.append((conversation[:number], message.get("tool_calls") or []))
    return steps


async def _replay(actor: Actor, requests: list[tuple[list[dict[str, Any]], list]]) -> float:
    tools = openai_tools({"calculator": BUILTIN_TOOLS["calculator"]})
    calculator = BUILTIN_TOOLS["calculator"].run
    started = time.perf_counter()
    for messages, calls in requests:
        body = {"model": "bench-agents/chain-9", "messages": messages, "tools": tools}
        async for _ in chat_stream(actor=actor, body=body, source=UsageSource.AGENT):
            pass
        for call in calls:
            await calculator(json.loads(call["function"]["arguments"]))
    return time.perf_counter() - started


async def _direct(port: int, requests: list[tuple[list[dict[str, Any]], list]]) -> float:
    tools = openai_tools({"calculator": BUILTIN_TOOLS["calculator"]})
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        started = time.perf_counter()
        for messages, _ in requests:
            body = {"model": "chain-9", "messages": messages, "tools": tools, "stream": True}
            async with client.stream("POST", "/v1/chat/completions", json=body) as answer:
                async for _ in answer.aiter_bytes():
                    pass
        return time.perf_counter() - started
