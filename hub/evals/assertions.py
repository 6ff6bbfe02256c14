"""A suite's assertions: text, JSON, tool calls, latency and cost are checked here; semantic
similarity and LLM judges call models and are checked in ``model_graded``.

An assertion is data (``Assertion``), checked by ``assertion_parse`` when a user writes it,
so a bad one is refused with its reason instead of failing every cell of a run. No user
code runs: a pattern is matched by ``regex`` with a time limit, a schema is read by
``jsonschema``. Values may name the case's variables (``{{expected}}``); they are filled in
literally.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jsonschema
import regex
from django.core.exceptions import ValidationError

from hub.prompts.rendering import substitute

REGEX_SECONDS = 0.25  # a pattern that backtracks longer fails its cell, it never hangs a run
MAX_PATTERN = 2_000


class Kind(StrEnum):
    EQUALS = "equals"
    CONTAINS = "contains"
    REGEX = "regex"
    IS_JSON = "is-json"
    JSON_SCHEMA = "json-schema"
    TOOL_CALL = "tool-call"
    LATENCY = "latency"
    COST = "cost"
    SIMILAR = "similar"  # cosine similarity of embeddings, at least ``threshold``
    JUDGE = "judge"  # an LLM grades the answer against a rubric, 0..1, at least ``threshold``


MODEL_GRADED = frozenset({Kind.SIMILAR, Kind.JUDGE})
DEFAULT_THRESHOLD = {Kind.SIMILAR: 0.8, Kind.JUDGE: 0.5}
MAX_RUBRIC = 5_000
MAX_WEIGHT = 1_000_000.0


@dataclass(frozen=True)
class Assertion:
    kind: Kind
    value: Any = None  # text, list of texts, pattern, schema, tool name, or ceiling
    mode: str = "any"  # contains: "any" or "all"
    ignore_case: bool = False
    arguments: Mapping[str, Any] = field(default_factory=dict)  # tool-call: must match
    weight: float = 1.0
    threshold: float = 1.0  # similar and judge: the least score that passes
    model: str = ""  # similar: an embedding model (empty: the bundled one); judge: required


@dataclass(frozen=True)
class ToolCall:
    name: str
    arguments: Mapping[str, Any]


@dataclass(frozen=True)
class Output:
    """What a cell produced: the answer, its tool calls, and what it took."""

    text: str
    tool_calls: Sequence[ToolCall] = ()
    latency_ms: float | None = None
    cost_usd: float | None = None


@dataclass(frozen=True)
class Verdict:
    kind: str
    passed: bool
    reason: str
    weight: float = 1.0
    graded: float | None = None  # similar and judge: the measured score, 0..1

    @property
    def score(self) -> float:
        if self.graded is not None:
            return self.graded
        return 1.0 if self.passed else 0.0


def assertion_parse(raw: Any, *, where: str = "assertion") -> Assertion:
    """A user's assertion (a JSON object), or ValidationError saying what is wrong."""
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be an object.")
    try:
        kind = Kind(str(raw.get("type")))
    except ValueError:
        kinds = ", ".join(k.value for k in Kind)
        raise ValidationError(f"{where}.type must be one of: {kinds}.") from None
    if holds_nul(raw):
        raise ValidationError(f"{where} holds a NUL character (\\u0000), which cannot be stored.")
    weight = raw.get("weight", 1.0)
    if not _number(weight) or not 0 <= weight <= MAX_WEIGHT:
        raise ValidationError(f"{where}.weight must be a number from 0 to {MAX_WEIGHT:g}.")
    threshold = raw.get("threshold", DEFAULT_THRESHOLD.get(kind, 1.0))
    if not _number(threshold) or not 0 <= threshold <= 1:
        raise ValidationError(f"{where}.threshold must be a number from 0 to 1.")
    model = raw.get("model", "")
    if not isinstance(model, str) or len(model) > 200:
        raise ValidationError(f"{where}.model must be a model name or alias.")
    assertion = Assertion(
        kind=kind,
        value=raw.get("value"),
        mode=raw.get("mode", "any"),
        ignore_case=bool(raw.get("ignore_case", False)),
        arguments=raw.get("arguments") or {},
        weight=float(weight),
        threshold=float(threshold),
        model=model.strip(),
    )
    _value_check(assertion, where)
    return assertion


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _value_check(a: Assertion, where: str) -> None:
    value = a.value
    if a.kind in (Kind.EQUALS, Kind.TOOL_CALL) and not (isinstance(value, str) and value):
        raise ValidationError(f"{where}.value must be a non-empty string.")
    if a.kind == Kind.CONTAINS:
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise ValidationError(f"{where}.value must be a non-empty list of strings.")
        if a.mode not in ("any", "all"):
            raise ValidationError(f'{where}.mode must be "any" or "all".')
    if a.kind == Kind.REGEX:
        if not isinstance(value, str) or not value or len(value) > MAX_PATTERN:
            raise ValidationError(
                f"{where}.value must be a pattern of 1 to {MAX_PATTERN} characters."
            )
        try:
            regex.compile(value)
        except regex.error as error:
            raise ValidationError(f"{where}.value is not a valid pattern: {error}.") from None
    if a.kind == Kind.JSON_SCHEMA:
        if not isinstance(value, dict):
            raise ValidationError(f"{where}.value must be a JSON Schema object.")
        try:
            jsonschema.validators.validator_for(value).check_schema(value)
        except jsonschema.SchemaError as error:
            raise ValidationError(f"{where}.value is not a valid schema: {error.message}") from None
        except RecursionError:
            raise ValidationError(f"{where}.value is nested too deeply.") from None
        _schema_keywords_check(value, where)
    if a.kind in (Kind.LATENCY, Kind.COST) and not (_number(value) and value >= 0):
        raise ValidationError(f"{where}.value must be a ceiling of 0 or more.")
    if a.kind == Kind.TOOL_CALL and not isinstance(a.arguments, dict):
        raise ValidationError(f"{where}.arguments must be an object.")
    if a.kind in MODEL_GRADED and not (isinstance(value, str) and value.strip()):
        what = "the expected text" if a.kind == Kind.SIMILAR else "the rubric"
        raise ValidationError(f"{where}.value must be {what}.")
    if a.kind == Kind.JUDGE and len(value) > MAX_RUBRIC:
        raise ValidationError(f"{where}.value: a rubric of at most {MAX_RUBRIC} characters.")
    if a.kind == Kind.JUDGE and not a.model:
        raise ValidationError(f"{where}.model must name the judge model.")


def _schema_keywords_check(schema: Any, where: str) -> None:
    """``pattern`` would run in ``re`` with no time limit, and a ``$ref`` outside the schema
    would be fetched: both are refused (a regex assertion matches text under a limit)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if "pattern" in node and isinstance(node["pattern"], str):
                raise ValidationError(
                    f"{where}.value: patterns are not supported in schemas; add a regex assertion."
                )
            if "patternProperties" in node:
                raise ValidationError(f"{where}.value: patternProperties is not supported.")
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                raise ValidationError(
                    f"{where}.value: only references inside the schema (#/...) are allowed."
                )
            stack.extend(node.values())


def check(a: Assertion, output: Output, variables: Mapping[str, str] | None = None) -> Verdict:
    """The verdict of one assertion that needs no model (see ``MODEL_GRADED``)."""
    values = variables or {}
    assert a.kind not in MODEL_GRADED, "similar and judge are checked by model_graded"
    passed, reason = _CHECKS[a.kind](a, output, values)
    return Verdict(kind=a.kind.value, passed=passed, reason=reason, weight=a.weight)


def _equals(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    wanted, got = substitute(a.value, values).strip(), output.text.strip()
    same = wanted.casefold() == got.casefold() if a.ignore_case else wanted == got
    return same, "equal" if same else f"expected {wanted[:80]!r}"


def _contains(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    text = output.text.casefold() if a.ignore_case else output.text
    wanted = [substitute(v, values) for v in a.value]
    found = [v for v in wanted if (v.casefold() if a.ignore_case else v) in text]
    missing = [v for v in wanted if v not in found]
    if a.mode == "all":
        return not missing, "all found" if not missing else f"missing {missing[0][:80]!r}"
    return bool(found), f"found {found[0][:80]!r}" if found else "none found"


def _regex(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    """Variables fill the pattern as literal text: ``{{city}}`` matches the city's name."""
    flags = regex.IGNORECASE if a.ignore_case else 0
    pattern = substitute(a.value, {k: regex.escape(v) for k, v in values.items()})
    try:
        match = regex.search(pattern, output.text, flags=flags, timeout=REGEX_SECONDS)
    except TimeoutError:
        return False, f"the pattern took over {REGEX_SECONDS} s on this output"
    return match is not None, f"matched {match[0][:80]!r}" if match else "no match"


def _parsed(text: str) -> tuple[bool, Any]:
    stripped = text.strip()
    if stripped.startswith("```"):  # a fenced block, as models like to answer
        stripped = stripped.strip("`").removeprefix("json").strip()
    try:
        return True, json.loads(stripped)
    except (ValueError, RecursionError):
        return False, None


def _is_json(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    ok, _ = _parsed(output.text)
    return ok, "valid JSON" if ok else "not JSON"


def _json_schema(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    ok, document = _parsed(output.text)
    if not ok:
        return False, "not JSON"
    validator = jsonschema.validators.validator_for(a.value)(a.value)
    try:
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    except Exception as problem:  # an unresolvable "#/..." reference, a document too deep
        return False, f"the schema cannot be applied: {str(problem)[:160]}"
    if error is None:
        return True, "matches the schema"
    where = "/".join(str(p) for p in error.absolute_path) or "the document"
    return False, f"{where}: {error.message[:160]}"


def _tool_call(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    named = [call for call in output.tool_calls if call.name == a.value]
    if not named:
        called = ", ".join(c.name for c in output.tool_calls) or "no tool"
        return False, f"called {called}, not {a.value}"
    wanted = {k: substitute(v, values) if isinstance(v, str) else v for k, v in a.arguments.items()}
    for call in named:
        if all(call.arguments.get(k) == v for k, v in wanted.items()):
            return True, f"called {a.value} with the arguments"
    first = next(k for k, v in wanted.items() if named[0].arguments.get(k) != v)
    return False, f"{a.value} called with {first}={named[0].arguments.get(first)!r}"


def _ceiling(measured: float | None, limit: float, unit: str) -> tuple[bool, str]:
    if measured is None:
        return False, "not measured"
    return measured <= limit, f"{measured:g} {unit} (ceiling {limit:g})"


def _latency(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    return _ceiling(output.latency_ms, float(a.value), "ms")


def _cost(a: Assertion, output: Output, values: Mapping[str, str]) -> tuple[bool, str]:
    return _ceiling(output.cost_usd, float(a.value), "USD")


_CHECKS = {
    Kind.EQUALS: _equals,
    Kind.CONTAINS: _contains,
    Kind.REGEX: _regex,
    Kind.IS_JSON: _is_json,
    Kind.JSON_SCHEMA: _json_schema,
    Kind.TOOL_CALL: _tool_call,
    Kind.LATENCY: _latency,
    Kind.COST: _cost,
}


def cell_outcome(verdicts: Sequence[Verdict]) -> tuple[bool, float]:
    """A cell passes when every assertion does; its score is their weighted mean."""
    if not verdicts:
        return True, 1.0
    total = sum(v.weight for v in verdicts)
    score = sum(v.weight * v.score for v in verdicts) / total if total else 0.0
    return all(v.passed for v in verdicts), score


def holds_nul(value: Any) -> bool:
    """Whether a NUL hides anywhere in ``value``: PostgreSQL's text and jsonb refuse it."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
