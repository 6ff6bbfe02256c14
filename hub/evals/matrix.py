"""A run's cells: every prompt x model x case x repeat, with the messages each one sends.

Prompts are rendered when the run starts, so a cell keeps exactly what it asked even if the
case or prompt is edited later; a case that leaves a prompt's variable empty becomes a cell
in error that says which, and the rest of the run goes on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from hub.evals.models import Case, Cell, CellStatus, Run, SuitePrompt
from hub.prompts.rendering import substitute, variables_in

JSON = dict[str, Any]


def prompt_texts(prompt: SuitePrompt) -> tuple[str, str]:
    """(system prompt, body) of a library version or of the suite's own text."""
    if prompt.version is not None:
        return prompt.version.system_prompt, prompt.version.body
    return prompt.system_prompt, prompt.body


def messages_render(prompt: SuitePrompt, variables: dict[str, Any]) -> tuple[list[JSON], str]:
    """The chat messages for one case, or ([], why) when a variable has no value."""
    system, body = prompt_texts(prompt)
    values = {k: v if isinstance(v, str) else json.dumps(v) for k, v in variables.items()}
    missing = [name for name in variables_in(system, body) if not values.get(name, "").strip()]
    if missing:
        return [], f"The case gives no value for {', '.join(missing)}."
    messages = [{"role": "system", "content": substitute(system, values)}] if system else []
    messages.append({"role": "user", "content": substitute(body, values)})
    return messages, ""


def question_of(cell: Cell) -> str:
    """What a cell asked: its last user message."""
    users = [m for m in cell.messages if m.get("role") == "user"]
    content = users[-1].get("content") if users else ""
    return content if isinstance(content, str) else json.dumps(content)


def cache_key(messages: list[JSON], model: str, params: JSON, repeat: int) -> str:
    """What decides an answer. The repeat index is part of it, so repeats stay real samples."""
    material = json.dumps(
        {"messages": messages, "model": model, "params": params, "repeat": repeat},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(material.encode()).hexdigest()


def cells_build(
    run: Run,
    prompts: Sequence[SuitePrompt],
    cases: Sequence[Case],
    suite_assertions: list[JSON],
) -> Iterator[Cell]:
    """The run's cells, unsaved, in grid order: case, then prompt, then model, then repeat."""
    for case in cases:
        for prompt in prompts:
            messages, problem = messages_render(prompt, case.variables)
            for model in run.model_names:
                for repeat in range(run.repeats):
                    yield Cell(
                        workspace_id=run.workspace_id,
                        run=run,
                        prompt=prompt,
                        prompt_label=prompt.label,
                        case=case,
                        case_key=case.key,
                        tags=case.tags,
                        model_name=model,
                        repeat=repeat,
                        messages=messages,
                        variables=case.variables,
                        assertions=[*suite_assertions, *case.assertions],
                        cache_key=cache_key(messages, model, run.params, repeat),
                        status=CellStatus.ERROR if problem else CellStatus.PENDING,
                        error=problem,
                        passed=False if problem else None,
                        score=0.0 if problem else None,
                    )
