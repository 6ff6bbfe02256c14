"""The limits that keep an agent run from running away: steps, tokens, dollars, wall-clock
time, and a repeat guard that stops a model calling the same tool with the same arguments
over and over (a loop that agent frameworks are known to fall into at full context).

``RunBudget`` is plain bookkeeping the loop asks before each step and tool call; it never
sleeps or touches the database, so it is tested on its own.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class StopReason(StrEnum):
    MAX_STEPS = "max_steps"
    BUDGET = "budget"  # tokens or dollars
    TIMEOUT = "timeout"
    REPEAT = "repeat"


@dataclass(frozen=True)
class RunLimits:
    max_steps: int = 10
    max_tokens: int | None = None
    max_usd: Decimal | None = None
    max_seconds: float | None = 300.0
    repeat_limit: int = 3  # the same tool call (name and arguments) this many times stops


@dataclass
class Stop:
    reason: StopReason
    message: str


def call_fingerprint(name: str, arguments: Any) -> str:
    """A tool call's identity: its name and its arguments, key order aside."""
    try:
        canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        canonical = repr(arguments)
    return f"{name}:{canonical}"


@dataclass
class RunBudget:
    limits: RunLimits
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=0.0)
    steps: int = 0
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    calls: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def seconds_left(self) -> float | None:
        if self.limits.max_seconds is None:
            return None
        return max(0.0, self.limits.max_seconds - (self.clock() - self.started))

    def before_step(self) -> Stop | None:
        """Whether another model step may start."""
        if self.steps >= self.limits.max_steps:
            return Stop(StopReason.MAX_STEPS, f"Stopped after {self.steps} steps (the limit).")
        if self.seconds_left == 0.0:
            return Stop(StopReason.TIMEOUT, f"Stopped after {self.limits.max_seconds:g} s.")
        return self._spent()

    def step_done(self, *, tokens: int, cost_usd: Decimal) -> Stop | None:
        self.steps += 1
        self.tokens += tokens
        self.cost_usd += cost_usd
        return self._spent()

    def before_tool(self, name: str, arguments: Any) -> Stop | None:
        """Count the call; the ``repeat_limit``-th identical one stops the run."""
        fingerprint = call_fingerprint(name, arguments)
        self.calls[fingerprint] += 1
        if self.calls[fingerprint] >= self.limits.repeat_limit:
            return Stop(
                StopReason.REPEAT,
                f"Stopped: {name} was called {self.calls[fingerprint]} times with the same "
                "arguments.",
            )
        return None

    def _spent(self) -> Stop | None:
        limits = self.limits
        if limits.max_tokens is not None and self.tokens >= limits.max_tokens:
            return Stop(StopReason.BUDGET, f"Stopped at {self.tokens} tokens (the limit is "
                        f"{limits.max_tokens}).")  # fmt: skip
        if limits.max_usd is not None and self.cost_usd >= limits.max_usd:
            return Stop(StopReason.BUDGET, f"Stopped at ${self.cost_usd:.4f} (the limit is "
                        f"${limits.max_usd}).")  # fmt: skip
        return None
