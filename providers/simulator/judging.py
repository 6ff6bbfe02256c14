"""The simulated provider as an LLM judge: deterministic verdicts, so evaluation tests can
predict every grade and winner.

A request whose system message starts with the hub's judge instructions gets JSON back: a
grade is the share of the rubric's words (four letters or more) the answer contains; of two
answers, the one containing more of them wins (equal: a tie). A model whose name contains
``biased`` always prefers answer A, like a judge with position bias.
"""

from __future__ import annotations

import json
from typing import Any

JUDGE_INTRO = "You are an evaluation judge."
MIN_WORD = 4


def judge_reply(request: dict[str, Any], messages: list[dict[str, Any]]) -> str | None:
    """The judge's JSON verdict, or None when the request is not a judge's."""
    system = next((m for m in messages if m.get("role") == "system"), None)
    if system is None or not str(system.get("content") or "").startswith(JUDGE_INTRO):
        return None
    user: dict[str, Any] = next((m for m in reversed(messages) if m.get("role") == "user"), {})
    text = str(user.get("content") or "")
    rubric = _words(_section(text, "Rubric:", "\n\nQuestion:"))
    if "\n\nAnswer A:\n" in text:
        a = _overlap(rubric, _section(text, "Answer A:", "\n\nAnswer B:"))
        b = _overlap(rubric, _section(text, "Answer B:", None))
        if "biased" in str(request.get("model") or ""):
            winner = "A"
        else:
            winner = "A" if a > b else "B" if b > a else "tie"
        return json.dumps(
            {"winner": winner, "reason": f"A matched {a}, B matched {b} rubric words"}
        )
    matched = _overlap(rubric, _section(text, "Answer:", None))
    score = round(matched / len(rubric), 4) if rubric else 0.0
    return json.dumps(
        {"score": score, "reason": f"matched {matched} of {len(rubric)} rubric words"}
    )


def _section(text: str, start: str, end: str | None) -> str:
    begin = text.find(start)
    if begin < 0:
        return ""
    begin += len(start)
    stop = text.find(end, begin) if end else -1
    return text[begin : stop if stop >= 0 else len(text)]


def _words(text: str) -> set[str]:
    return {
        w.strip("?!.,;:\"'()").lower()
        for w in text.split()
        if len(w.strip("?!.,;:\"'()")) >= MIN_WORD
    }


def _overlap(rubric: set[str], answer: str) -> int:
    return len(rubric & _words(answer))
