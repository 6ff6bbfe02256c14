"""Assertions that ask a model: semantic similarity (embeddings) and an LLM judge, both
through the pipeline with source ``eval``, so their calls are limited, budgeted and recorded
like any other. A judge's verdict is kept (``Judgement``) under a key of everything it saw,
so running a suite again never pays twice for the same grading.

A pair of answers is judged in both orders and only a verdict that survives the swap counts:
a judge that prefers whichever answer comes first ends in a tie, not in a false winner.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from asgiref.sync import sync_to_async
from django.db import IntegrityError

from analytics.models import UsageSource
from hub.evals.assertions import Assertion, Kind, Verdict
from hub.evals.models import Judgement
from hub.prompts.rendering import substitute
from rag.embedding import BundledEmbedder, EmbeddingFailed, unit_rows
from routing.pipeline import chat, embed
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

JUDGE_INTRO = "You are an evaluation judge."
GRADE_SYSTEM = (
    f"{JUDGE_INTRO} Grade the answer against the rubric. Reply with JSON only: "
    '{"score": <a number from 0 to 1>, "reason": "<one sentence>"}.'
)
PAIR_SYSTEM = (
    f"{JUDGE_INTRO} Compare the two answers against the rubric. Reply with JSON only: "
    '{"winner": "A" or "B" or "tie", "reason": "<one sentence>"}.'
)
MAX_JUDGED_CHARS = 20_000  # of each answer: a judge is not fed a novel


class JudgeFailed(Exception):
    """The judge could not be called, or did not answer in the shape asked for."""


async def graded_check(
    a: Assertion, text: str, *, actor: Actor, question: str, values: Mapping[str, str]
) -> Verdict:
    """The verdict of a ``similar`` or ``judge`` assertion on one answer. A model that fails
    fails the assertion with the reason; it never fails the run."""
    try:
        if a.kind == Kind.SIMILAR:
            measured = await similarity(actor, a.model, text, substitute(a.value, values))
            reason = f"similarity {measured:.3f} (threshold {a.threshold:g})"
        else:
            grade = await judge_grade(
                actor, a.model, substitute(a.value, values), question=question, answer=text
            )
            measured = grade.score
            reason = f"judge {grade.score:.2f} (threshold {a.threshold:g}): {grade.reason}"
    except (ApiError, EmbeddingFailed, JudgeFailed) as error:
        message = error.message if isinstance(error, ApiError) else str(error)
        return Verdict(kind=a.kind.value, passed=False, reason=message, weight=a.weight, graded=0.0)
    measured = min(1.0, max(0.0, measured))
    return Verdict(
        kind=a.kind.value, passed=measured >= a.threshold, reason=reason, weight=a.weight,
        graded=measured,
    )  # fmt: skip


async def similarity(actor: Actor, model: str, text: str, expected: str) -> float:
    """Cosine similarity of the two texts' embeddings (the bundled model when none named)."""
    if not model:
        vectors = await sync_to_async(BundledEmbedder().embed, thread_sensitive=False)(
            [text or " ", expected]
        )
    else:
        result = await embed(
            actor=actor, body={"model": model, "input": [text or " ", expected]},
            source=UsageSource.EVAL,
        )  # fmt: skip
        rows = sorted(result.get("data") or [], key=lambda item: item.get("index", 0))
        if len(rows) != 2:
            raise EmbeddingFailed(f"{model} returned {len(rows)} vectors for 2 texts.")
        vectors = unit_rows(np.array([row["embedding"] for row in rows], dtype=np.float32))
    return float(np.dot(vectors[0], vectors[1]))


@dataclass(frozen=True)
class Grade:
    score: float
    reason: str


async def judge_grade(
    actor: Actor, model: str, rubric: str, *, question: str, answer: str
) -> Grade:
    content = f"Rubric:\n{rubric}\n\nQuestion:\n{question}\n\nAnswer:\n{answer[:MAX_JUDGED_CHARS]}"
    verdict = await _judged(actor, model, GRADE_SYSTEM, content, _graded)
    return Grade(score=float(verdict["score"]), reason=str(verdict.get("reason") or "")[:500])


def _graded(verdict: dict[str, Any]) -> bool:
    score = verdict.get("score")
    return isinstance(score, int | float) and not isinstance(score, bool) and math.isfinite(score)


def _paired(verdict: dict[str, Any]) -> bool:
    return str(verdict.get("winner") or "").strip() in ("A", "B", "tie")


@dataclass(frozen=True)
class PairVerdict:
    outcome: str  # "first", "second" or "tie"
    reasons: tuple[str, str]  # the judge's reason in each order


async def judge_pair(
    actor: Actor, model: str, rubric: str, *, question: str, first: str, second: str
) -> PairVerdict:
    """Which answer is better, judged as (A=first, B=second) and again swapped; the orders
    must agree for a winner."""
    forward = await _pair_once(actor, model, rubric, question, first, second)
    backward = await _pair_once(actor, model, rubric, question, second, first)
    flipped = {"A": "B", "B": "A", "tie": "tie"}[backward[0]]
    outcome = (
        {"A": "first", "B": "second"}.get(forward[0], "tie") if forward[0] == flipped else "tie"
    )
    return PairVerdict(outcome=outcome, reasons=(forward[1], backward[1]))


async def _pair_once(
    actor: Actor, model: str, rubric: str, question: str, a: str, b: str
) -> tuple[str, str]:
    content = (
        f"Rubric:\n{rubric}\n\nQuestion:\n{question}\n\nAnswer A:\n{a[:MAX_JUDGED_CHARS]}"
        f"\n\nAnswer B:\n{b[:MAX_JUDGED_CHARS]}"
    )
    verdict = await _judged(actor, model, PAIR_SYSTEM, content, _paired)
    return str(verdict["winner"]).strip(), str(verdict.get("reason") or "")[:500]


async def _judged(
    actor: Actor, model: str, system: str, content: str, valid: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The judge's JSON verdict: from the workspace's store, or asked and then stored; one
    that is not ``valid`` is refused and never stored, so the next run asks again."""
    key = hashlib.sha256(json.dumps([model, system, content]).encode()).hexdigest()
    workspace_id = actor.workspace.pk
    kept = await Judgement.objects.filter(workspace_id=workspace_id, key=key).afirst()
    if kept is not None:
        return {"score": kept.score, "winner": kept.winner, "reason": kept.reason}
    logs: list[CallLog] = []
    completion = await chat(
        actor=actor,
        body={"model": model, "temperature": 0, "response_format": {"type": "json_object"},
              "messages": [{"role": "system", "content": system},
                           {"role": "user", "content": content}]},
        source=UsageSource.EVAL,
        on_log=logs.append,
    )  # fmt: skip
    verdict = _verdict_json(completion, model)
    if not valid(verdict):
        raise JudgeFailed(f"The judge {model} did not answer with what was asked.")
    score = verdict.get("score")
    # Two cells asking the same at once: the first one's verdict is kept.
    with contextlib.suppress(IntegrityError):
        await Judgement.objects.acreate(
            workspace_id=workspace_id, key=key, model=model,
            score=float(score) if isinstance(score, int | float) else None,
            winner=str(verdict.get("winner") or "")[:8], reason=str(verdict.get("reason") or ""),
            cost_usd=logs[0].cost_usd if logs else Decimal(0),
        )  # fmt: skip
    return verdict


def _verdict_json(completion: dict[str, Any], model: str) -> dict[str, Any]:
    message = ((completion.get("choices") or [{}])[0].get("message")) or {}
    text = (message.get("content") or "").strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        verdict = json.loads(text)
    except ValueError:
        raise JudgeFailed(f"The judge {model} did not answer in JSON.") from None
    if not isinstance(verdict, dict):
        raise JudgeFailed(f"The judge {model} did not answer with a JSON object.")
    return verdict
