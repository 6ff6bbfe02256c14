"""Routing configuration as people read and type it on the pages.

Candidates are edited as lines of ``provider/model [weight] [quality]`` and stored as the
JSON list ``routing.models.candidates_validate`` accepts; a rule's conditions are said in
words so the overview reads without knowing the field names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from routing.models import RoutingRule

Candidate = dict[str, Any]


def candidates_parse(text: str) -> list[Candidate]:
    """Lines of ``provider/model [weight] [quality]``; blank lines and ``#`` comments are
    skipped. Raises ValidationError naming every bad line."""
    candidates: list[Candidate] = []
    errors: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            candidate = _candidate_from(line.split())
        except ValueError as error:
            errors.append(f"Line {number}: {error}")
            continue
        if candidate["model"] in seen:
            errors.append(f"Line {number}: {candidate['model']} is listed twice.")
        seen.add(candidate["model"])
        candidates.append(candidate)
    if errors:
        raise ValidationError(errors)
    return candidates


def _candidate_from(words: list[str]) -> Candidate:
    if len(words) > 3:
        raise ValueError("too many values; write provider/model [weight] [quality].")
    model = words[0]
    provider, _, name = model.partition("/")
    if not provider or not name:
        raise ValueError(f"“{model}” is not provider/model, e.g. openai/gpt-4o-mini.")
    candidate: Candidate = {"model": model}
    if len(words) > 1:
        weight = _number(words[1])
        if weight is None or weight < 0:
            raise ValueError(f"weight “{words[1]}” must be a number ≥ 0.")
        candidate["weight"] = weight
    if len(words) > 2:
        quality = _number(words[2])
        if quality is None or not 0 <= quality <= 1:
            raise ValueError(f"quality “{words[2]}” must be between 0 and 1.")
        candidate["quality"] = quality
    return candidate


def _number(word: str) -> int | float | None:
    try:
        value = float(word)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return int(value) if value.is_integer() and "." not in word else value


def candidates_format(candidates: Iterable[Candidate]) -> str:
    """The inverse of ``candidates_parse``: one line per candidate, weight and quality only
    where they say something."""
    lines = []
    for candidate in candidates:
        words = [str(candidate.get("model", ""))]
        weight, quality = candidate.get("weight"), candidate.get("quality")
        if weight is not None or quality is not None:
            words.append(str(1 if weight is None else weight))
        if quality is not None:
            words.append(str(quality))
        lines.append(" ".join(words))
    return "\n".join(lines)


def _either(words: Iterable[str], joiner: str = "or") -> str:
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def rule_conditions(rule: RoutingRule) -> list[str]:
    """Each condition of ``rule`` as a short phrase; a rule with none matches everything.
    Reads ``rule.api_keys``: prefetch it for a list."""
    phrases = []
    if rule.tasks:
        phrases.append(f"task is {_either(rule.tasks)}")
    low, high = rule.min_prompt_tokens, rule.max_prompt_tokens
    if low is not None and high is not None:
        phrases.append(f"prompt has {low:,} to {high:,} tokens")
    elif low is not None:
        phrases.append(f"prompt has at least {low:,} tokens")
    elif high is not None:
        phrases.append(f"prompt has at most {high:,} tokens")
    if rule.needs:
        phrases.append(f"needs {_either(rule.needs, 'and')}")
    keys = [key.name for key in rule.api_keys.all()]
    if keys:
        phrases.append(f"called with key {_either(keys)}")
    if rule.budget_states:
        phrases.append(f"budget is {_either(rule.budget_states)}")
    if rule.start_time is not None and rule.end_time is not None:
        phrases.append(f"between {rule.start_time:%H:%M} and {rule.end_time:%H:%M} UTC")
    return phrases or ["every request made to an alias"]
