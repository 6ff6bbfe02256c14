"""``python manage.py bench_evals``: what an evaluation run costs beyond its model calls.

Starts the simulated provider with a realistic latency, measures it directly at the run's
concurrency, then runs a suite of ``--cells`` cells through the pipeline in this process (as a
worker does: cells a few at a time per provider, judged and saved one by one) and prints

- the ideal wall time: rounds of ``--concurrency`` cells, each as long as a direct call;
- the run's wall time and its ratio to the ideal (goal: at most 1.1);
- the hub's overhead per cell: the time beyond the ideal, per cell and concurrency slot
  (routing, limits, the call's record, the cache lookup, assertions, the cell's write);
- a second run answered wholly from the cache: wall time and time per cell.

Run it on a scratch database:

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python manage.py bench_evals
"""

from __future__ import annotations

import asyncio
import math
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import httpx
from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hub.benchmarks import bench_workspace, free_port, port_wait, processes_stop
from hub.evals.execution import run_actor, run_execute
from hub.evals.models import Run, Suite
from hub.evals.selectors import run_progress
from hub.evals.services import SuiteFields, cases_import, run_start, suite_create, suite_prompt_add
from providers.models import Provider, ProviderModel
from workspaces.access import Actor

PROMPT = "Answer briefly: {{question}}"


class Command(BaseCommand):
    help = "Benchmark an evaluation run against the simulated provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cells", type=int, default=1000)
        parser.add_argument("--concurrency", type=int, default=20, help="Cells at once.")
        parser.add_argument("--latency-ms", type=float, default=200.0,
                            help="The simulated model's time to answer.")  # fmt: skip

    def handle(self, *args: Any, cells: int, concurrency: int, latency_ms: float,
               **options: Any) -> None:  # fmt: skip
        call_command("migrate", interactive=False, verbosity=0)
        port = free_port()
        sim = subprocess.Popen(
            [sys.executable, "manage.py", "simulate_provider", "--port", str(port),
             "--latency-ms", str(latency_ms)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            port_wait(port, sim, "the simulated provider")
            self._bench(port, cells, concurrency)
        finally:
            processes_stop(sim)

    def _bench(self, port: int, cells: int, concurrency: int) -> None:
        say = self.stdout.write
        suite = _suite(port, cells)
        direct = asyncio.run(_direct(port, concurrency, rounds=3))
        say(f"Simulated model, called directly {concurrency} at a time: median "
            f"{direct * 1000:.1f} ms a call")  # fmt: skip
        settings.HUB_EVAL_CONCURRENCY = concurrency
        ideal = math.ceil(cells / concurrency) * direct
        for label, use_cache in (("called", False), ("from the cache", True)):
            started = time.perf_counter()
            run = self._run(suite, use_cache=use_cache)
            wall = time.perf_counter() - started
            progress = run_progress(run)
            say(f"Run #{run.number}, {progress.finished} cells {label}: wall {wall:.2f} s; "
                f"{progress.cache_hits} cache hits; {progress.errors} errors")  # fmt: skip
            if not use_cache:
                overhead = (wall - ideal) * concurrency / cells * 1000
                say(
                    f"  ideal {ideal:.2f} s ({math.ceil(cells / concurrency)} rounds of "
                    f"{direct * 1000:.1f} ms); wall / ideal = {wall / ideal:.3f} (goal <= 1.1)"
                )
                say(f"  hub overhead per cell: {overhead:.2f} ms (goal <= 5 ms)")  # fmt: skip
            else:
                say(f"  {wall / cells * 1000:.2f} ms a cell, no model called")

    def _run(self, suite: Suite, *, use_cache: bool) -> Run:
        actor = run_actor(Run(workspace=suite.workspace, created_by=suite.created_by))
        assert actor is not None
        run = run_start(actor=actor, suite=suite, use_cache=use_cache, queue=False)
        async_to_sync(run_execute)(run.pk)
        run.refresh_from_db()
        return run


def _suite(port: int, cells: int) -> Suite:
    workspace = bench_workspace()
    owner = workspace.memberships.select_related("user").get(role="owner")
    provider, _ = Provider.objects.update_or_create(
        workspace=workspace, slug="bench-evals",
        defaults={"name": "Bench evals", "kind": "simulated", "base_url": f"http://127.0.0.1:{port}"},
    )  # fmt: skip
    ProviderModel.objects.get_or_create(
        workspace=workspace, provider=provider, name="echo",
        defaults={"input_price_per_mtok": Decimal(1), "output_price_per_mtok": Decimal(2)},
    )  # fmt: skip
    actor = Actor(user=owner.user, workspace=workspace, role=owner.role)
    suite = suite_create(
        actor=actor,
        fields=SuiteFields(
            name=f"bench {time.time_ns()}", model_names=["bench-evals/echo"],
            assertions=[{"type": "contains", "value": ["{{question}}"]},
                        {"type": "latency", "value": 60_000}],
        ),
    )  # fmt: skip
    suite_prompt_add(actor=actor, suite=suite, body=PROMPT, label="bench")
    rows = "".join(f"c{n},question number {n}\n" for n in range(cells))
    cases_import(actor=actor, suite=suite, raw=f"_key,question\n{rows}".encode(), filename="c.csv")
    return suite


async def _direct(port: int, concurrency: int, *, rounds: int) -> float:
    """The median time of a call straight to the simulator, ``concurrency`` at once."""
    body = {"model": "echo", "messages": [{"role": "user", "content": "Answer briefly: hi"}]}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:

        async def one() -> float:
            started = time.perf_counter()
            response = await client.post("/v1/chat/completions", json=body)
            response.raise_for_status()
            return time.perf_counter() - started

        times: list[float] = []
        for _ in range(rounds):
            times += await asyncio.gather(*(one() for _ in range(concurrency)))
    return statistics.median(times)
