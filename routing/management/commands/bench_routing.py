"""Benchmark the routing decision (50 candidates, 20 rules; target p99 <= 1 ms) and the
breaker, rate-limit and budget checks, in-process and, with REDIS_URL, against Redis."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import time as clock
from decimal import Decimal

import redis.asyncio as aioredis
from django.conf import settings
from django.core.management.base import BaseCommand

from providers.adapters.base import Target
from providers.deployments import Deployment
from routing.reliability.breakers import BreakerBackend, BreakerConfig, LocalBreakers
from routing.reliability.breakers_redis import RedisBreakers
from routing.reliability.budgets import (
    Budget,
    BudgetLedger,
    LocalBudgetLedger,
    Reservation,
    ScopeKind,
)
from routing.reliability.budgets_redis import RedisBudgetLedger
from routing.reliability.limits import (
    LocalRateLimiter,
    RateLimiter,
    api_key_limits,
    workspace_quota,
)
from routing.reliability.limits_redis import RedisRateLimiter
from routing.reliability.periods import Period
from routing.reliability.redis_store import redis_client_for
from routing.strategies import (
    BalancedWeights,
    Candidate,
    Route,
    RouteRequest,
    Rule,
    RuleConditions,
    StrategyOptions,
    route_decide,
)


def bench_candidates(count: int = 50) -> tuple[Candidate, ...]:
    rng = random.Random(1)
    return tuple(
        Candidate(
            Deployment(
                target=Target(i, f"provider{i % 12}", kind="openai", base_url="", model=f"m-{i}"),
                context_window=rng.choice([8_192, 32_768, 128_000, 200_000]),
                capabilities=frozenset(rng.sample(["tools", "vision", "json"], rng.randint(0, 3))),
                input_price=Decimal(f"{rng.uniform(0.05, 5):.4f}"),
                output_price=Decimal(f"{rng.uniform(0.1, 15):.4f}"),
            ),
            in_flight=rng.randint(0, 20),
            ttft_ms=rng.uniform(100, 1500),
            tokens_per_second=rng.uniform(20, 800),
            availability=rng.uniform(0.8, 1),
            quality=rng.uniform(0.3, 0.95),
            weight=rng.randint(1, 5),
            breaker_open=i % 17 == 0,
        )
        for i in range(count)
    )


def bench_rules(count: int = 20) -> list[Rule]:
    """Rules that all miss for the benchmark request but the last: the worst case."""
    rules = [
        Rule(
            f"rule-{i}",
            RuleConditions(
                tasks=frozenset({f"task-{i}"}),
                min_prompt_tokens=100,
                start=clock(0),
                end=clock(23, 59),
            ),
            alias="all",
        )
        for i in range(count - 1)
    ]
    return [
        *rules,
        Rule("last", RuleConditions(max_prompt_tokens=1_000_000), alias="all", strategy="balanced"),
    ]


def percentiles(samples_ns: list[int]) -> str:
    samples = sorted(samples_ns)
    p50 = statistics.median(samples) / 1000
    p99 = samples[int(len(samples) * 0.99) - 1] / 1000
    return f"p50 {p50:8.1f} us   p99 {p99:8.1f} us   (n={len(samples)})"


async def timed(operation: Callable[[], Awaitable[object]], iterations: int) -> list[int]:
    for _ in range(min(iterations // 10, 200)):
        await operation()  # warm up: connections, script cache
    samples = []
    for _ in range(iterations):
        started = time.perf_counter_ns()
        await operation()
        samples.append(time.perf_counter_ns() - started)
    return samples


class Command(BaseCommand):
    help = "p50/p99 of a routing decision and of breaker, limit and budget checks."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=5_000)

    def handle(self, *args, iterations: int, **options):
        self.stdout.write(self.decision(iterations))
        asyncio.run(self.checks(iterations))

    def decision(self, iterations: int) -> str:
        candidates = bench_candidates()
        route = Route("all", candidates, "ordered")
        rules, aliases = bench_rules(), {"all": route}
        request = RouteRequest(4_000, 1_000, needs=frozenset({"tools"}), task="chat", api_key_id=3)
        options = StrategyOptions(weights=BalancedWeights(2, 1, 1, 1), rng=random.Random(0))
        lines = []
        for strategy in ("balanced", "cost", "weighted"):
            samples = []
            for _ in range(iterations):
                started = time.perf_counter_ns()
                route_decide(
                    request,
                    Route("all", candidates, strategy),
                    rules=rules[:-1],
                    aliases=aliases,
                    options=options,
                )
                samples.append(time.perf_counter_ns() - started)
            lines.append(
                f"routing decision, 50 candidates, 19 rules missed, {strategy:<8}  {percentiles(samples)}"
            )
        samples = []
        for _ in range(iterations):
            started = time.perf_counter_ns()
            decision = route_decide(request, route, rules=rules, aliases=aliases, options=options)
            samples.append(time.perf_counter_ns() - started)
        lines.append(
            f"routing decision, 50 candidates, 20th rule hits, balanced  {percentiles(samples)}"
        )
        lines.append(f"  -> {decision.label}: {decision.reason}")
        return "\n".join(lines)

    async def checks(self, iterations: int) -> None:
        # name, the three backends, and the Redis client and key prefix to clean up after
        backends: list[
            tuple[str, BreakerBackend, RateLimiter, BudgetLedger, tuple[aioredis.Redis, str] | None]
        ] = [("in-process", LocalBreakers(), LocalRateLimiter(), LocalBudgetLedger(), None)]
        if settings.REDIS_URL:
            client = redis_client_for(settings.REDIS_URL)
            prefix = f"hub:bench:{uuid.uuid4().hex}:"
            backends.append(
                ("redis", RedisBreakers(client, prefix=prefix), RedisRateLimiter(client, prefix=prefix),
                 RedisBudgetLedger(client, prefix=prefix), (client, prefix))
            )  # fmt: skip
        config = BreakerConfig()
        budgets = [
            Budget("workspace", ScopeKind.WORKSPACE, 1, Period.MONTH, hard_limit=10**15),
            Budget("key", ScopeKind.API_KEY, 1, Period.DAY, hard_limit=10**15, soft_limit=10**14),
        ]
        charges = [
            *api_key_limits(
                key_id=1, requests_per_minute=10**9, tokens_per_minute=10**12, tokens=500
            ),
            *workspace_quota(workspace_id=1, tokens_per_day=10**15, tokens=500),
        ]
        for name, breakers, limiter, ledger, cleanup in backends:

            async def breaker_check(breakers=breakers) -> None:
                await breakers.allow("1:bench", config)
                await breakers.record_success("1:bench", config, probe=False)

            async def budget_cycle(ledger=ledger) -> None:
                reservation = await ledger.reserve(budgets, 1_000)
                assert isinstance(reservation, Reservation)
                await ledger.settle(reservation, 900)

            rows = {
                "breaker allow + record": breaker_check,
                "admission: rpm + tpm + tokens/day": lambda limiter=limiter: limiter.admit(charges),
                "budget reserve + settle (2 budgets)": budget_cycle,
            }
            for label, operation in rows.items():
                samples = await timed(
                    operation, iterations if name == "in-process" else iterations // 5
                )
                self.stdout.write(f"{name:<10} {label:<37} {percentiles(samples)}")
            if cleanup:
                client, prefix = cleanup
                keys = [key async for key in client.scan_iter(match=prefix + "*")]
                if keys:
                    await client.delete(*keys)
                await client.aclose()
