"""Measure what the gateway adds: the simulated provider straight, then through one hub worker.

Starts ``simulate_provider`` (zero latency) and one uvicorn worker pinned to CPU 0, with
authentication and usage recording on, drives both at each concurrency, non-streaming and
streaming, and prints req/s, added latency p50/p99 and added time-to-first-token p50.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from typing import Any

import aiohttp
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hub.benchmarks import bench_key, bench_workspace, free_port, port_wait, processes_stop
from providers.models import Provider, ProviderModel
from routing.models import ModelAlias

TIMEOUT = aiohttp.ClientTimeout(total=60)
BODY = {"messages": [{"role": "user", "content": "Hello, benchmark."}], "max_tokens": 16}


class Command(BaseCommand):
    help = "Benchmark the /v1 gateway against the simulated provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--requests", type=int, default=2000)
        parser.add_argument("--concurrency", default="1,32")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        levels = [int(c) for c in options["concurrency"].split(",")]
        sim_port, hub_port = free_port(), free_port()
        key = self._workspace(sim_port)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "hub.settings"),
            # The worker runs as in production: DEBUG off, with this process's keys.
            "DEBUG": "false",
            "SECRET_KEY": settings.SECRET_KEY,
            "HUB_ENCRYPTION_KEYS": ",".join(settings.HUB_ENCRYPTION_KEYS),
            # Failover is measured alone: no same-candidate retry, no breaker skipping it.
            "HUB_RETRY_ATTEMPTS": "1",
            "HUB_BREAKER_FAILURES": "1000000000",
        }
        sim = subprocess.Popen(
            [sys.executable, "manage.py", "simulate_provider", "--port", str(sim_port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        hub = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, "-m", "uvicorn", "hub.asgi:application",
             "--port", str(hub_port), "--workers", "1", "--no-access-log", "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        try:
            port_wait(sim_port, sim, "the simulated provider")
            port_wait(hub_port, hub, "the hub")
            if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
                os.sched_setaffinity(0, {1})  # keep the load generator off the hub's core
            asyncio.run(self._run(options["requests"], levels, sim_port, hub_port, key))
            self.stdout.write("failover (c=1, non-streaming):")
            lines = asyncio.run(_failover(sim_port, hub_port, key, min(options["requests"], 300)))
            self.stdout.write("\n".join(lines))
        finally:
            processes_stop(hub, sim)

    def _workspace(self, sim_port: int) -> str:
        """The bench workspace on the simulator at ``sim_port``: models ``fast`` and
        ``fault-500`` and the alias ``failover`` [fault-500, fast]; an inference key."""
        workspace = bench_workspace()
        provider, _ = Provider.objects.update_or_create(
            workspace=workspace, slug="bench",
            defaults={"kind": "simulated", "name": "Bench", "base_url": f"http://127.0.0.1:{sim_port}"},
        )  # fmt: skip
        for name in ("fast", "fault-500"):
            ProviderModel.objects.update_or_create(
                workspace=workspace, provider=provider, name=name,
                defaults={"input_price_per_mtok": Decimal(1), "output_price_per_mtok": Decimal(2)},
            )  # fmt: skip
        ModelAlias.objects.update_or_create(
            workspace=workspace, name="failover",
            defaults={"candidates": [{"model": "bench/fault-500"}, {"model": "bench/fast"}]},
        )  # fmt: skip
        return bench_key("bench")

    async def _run(
        self, total: int, levels: list[int], sim_port: int, hub_port: int, key: str
    ) -> None:
        no_headers: dict[str, str] = {}
        direct = (f"http://127.0.0.1:{sim_port}/v1/chat/completions", no_headers, "fast")
        gateway = (
            f"http://127.0.0.1:{hub_port}/v1/chat/completions",
            {"Authorization": f"Bearer {key}"},
            "bench/fast",
        )
        self.stdout.write(await _first_call(*gateway))
        self.stdout.write(
            f"{'mode':<10}{'c':>4}{'stream':>8}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'ttft p50':>10}"
        )
        for concurrency in levels:
            for stream in (False, True):
                results = {}
                for name, (url, headers, model) in (("upstream", direct), ("gateway", gateway)):
                    await _drive(
                        url, headers, model, stream, concurrency, min(200, total)
                    )  # warm up
                    results[name] = await _drive(url, headers, model, stream, concurrency, total)
                    rate, p50, p99, ttft = results[name]
                    self.stdout.write(
                        f"{name:<10}{concurrency:>4}{stream!s:>8}{rate:>10.0f}{p50:>9.2f}{p99:>9.2f}"
                        f"{(ttft if ttft is not None else float('nan')):>10.2f}"
                    )
                up, gw = results["upstream"], results["gateway"]
                added_ttft = (gw[3] - up[3]) if stream and gw[3] and up[3] else None
                self.stdout.write(
                    f"  added at c={concurrency} stream={stream}: p50 {gw[1] - up[1]:.2f} ms, "
                    f"p99 {gw[2] - up[2]:.2f} ms"
                    + (f", ttft p50 {added_ttft:.2f} ms" if added_ttft is not None else "")
                )


async def _first_call(url: str, headers: dict[str, str], model: str) -> str:
    """What the first call after start-up waits for in the hub (caches are still cold)."""
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as session,
        session.post(url, json={**BODY, "model": model}, headers=headers) as response,
    ):
        await response.read()
        overhead = response.headers.get("x-hub-overhead-ms", "?")
    return f"first call after start: the hub adds {overhead} ms (x-hub-overhead-ms)"


async def _failover(sim_port: int, hub_port: int, key: str, total: int) -> list[str]:
    """p50 of: a call to the alias [fault-500, fast]; the same fast call alone through the
    gateway; the failing call straight to the upstream. Failover adds the difference."""
    auth = {"Authorization": f"Bearer {key}"}
    gateway = f"http://127.0.0.1:{hub_port}/v1/chat/completions"
    cases = {
        "failover": (gateway, auth, "failover"),
        "fast": (gateway, auth, "bench/fast"),
        "failing upstream": (f"http://127.0.0.1:{sim_port}/v1/chat/completions", {}, "fault-500"),
    }
    p50s = {}
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for name, (url, headers, model) in cases.items():
            timings = []
            for _ in range(total):
                started = time.perf_counter()
                async with session.post(url, json={**BODY, "model": model}, headers=headers) as r:
                    await r.read()
                timings.append((time.perf_counter() - started) * 1000)
            p50s[name] = statistics.median(timings[10:])
    added = p50s["failover"] - p50s["fast"] - p50s["failing upstream"]
    return [f"  {name}: p50 {value:.2f} ms" for name, value in p50s.items()] + [
        f"  failover adds p50 {added:.2f} ms beyond the failed attempt"
    ]


async def _drive(
    url: str, headers: dict[str, str], model: str, stream: bool, concurrency: int, total: int
) -> tuple[float, float, float, float | None]:
    """req/s, latency p50/p99 (ms) and time-to-first-chunk p50 (ms; streams only).

    The load generator is aiohttp: it costs about 0.1 ms of CPU per request, so on one core it
    can drive several thousand req/s and never becomes what is measured."""
    latencies: list[float] = []
    ttfts: list[float] = []
    body = json.dumps({**BODY, "model": model, "stream": stream}).encode()
    headers = {**headers, "content-type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        connector=connector, timeout=TIMEOUT, headers=headers
    ) as session:
        remaining = iter(range(total))

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                async with session.post(url, data=body) as response:
                    response.raise_for_status()
                    if stream:
                        first = None
                        async for _chunk in response.content.iter_any():
                            if first is None:
                                first = time.perf_counter()
                        ttfts.append(((first or time.perf_counter()) - started) * 1000)
                    else:
                        await response.read()
                latencies.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return (
        total / elapsed,
        statistics.median(latencies),
        p99,
        statistics.median(ttfts) if ttfts else None,
    )
