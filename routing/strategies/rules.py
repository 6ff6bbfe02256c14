"""Routing rules: an ordered list per workspace; the first rule whose conditions all hold
sends the request to an alias or to its own candidate list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, time

from routing.reliability.budgets import BudgetState
from routing.strategies.candidate import Candidate, RouteRequest


@dataclass(frozen=True, slots=True)
class RuleConditions:
    """Every set condition must hold; empty ones match anything. ``needs``: the request
    needs all of these capabilities. The time window is UTC, [start, end), and may wrap
    midnight (22:00-06:00)."""

    tasks: frozenset[str] = frozenset()
    min_prompt_tokens: int | None = None
    max_prompt_tokens: int | None = None
    needs: frozenset[str] = frozenset()
    api_key_ids: frozenset[int] = frozenset()
    budget_states: frozenset[BudgetState] = frozenset()
    start: time | None = None
    end: time | None = None

    def match(self, request: RouteRequest, minute: int) -> bool:
        if self.tasks and request.task not in self.tasks:
            return False
        if self.min_prompt_tokens is not None and request.prompt_tokens < self.min_prompt_tokens:
            return False
        if self.max_prompt_tokens is not None and request.prompt_tokens > self.max_prompt_tokens:
            return False
        if self.needs and not self.needs <= request.needs:
            return False
        if self.api_key_ids and request.api_key_id not in self.api_key_ids:
            return False
        if self.budget_states and request.budget_state not in self.budget_states:
            return False
        if self.start is not None and self.end is not None:
            start = self.start.hour * 60 + self.start.minute
            end = self.end.hour * 60 + self.end.minute
            inside = start <= minute < end if start <= end else minute >= start or minute < end
            if not inside:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Rule:
    """Where matching requests go: ``alias`` by name, or ``candidates`` directly;
    ``strategy`` overrides the alias's own."""

    name: str
    when: RuleConditions
    alias: str = ""
    candidates: tuple[Candidate, ...] = ()
    strategy: str | None = None


def rule_match(rules: Sequence[Rule], request: RouteRequest) -> Rule | None:
    """The first rule whose conditions hold, or ``None``."""
    at = request.at.astimezone(UTC)
    minute = at.hour * 60 + at.minute
    for rule in rules:
        if rule.when.match(request, minute):
            return rule
    return None
