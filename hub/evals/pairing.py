"""Pairwise judging after a run's cells: for each case, prompt and repeat, the answers of
every two different models go to the suite's judge in both orders (``judge_pair``), and the
verdict is kept as a duel for the leaderboard. A pair already judged is not judged again,
so a run handed back by a stopping worker picks up where it was."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
from collections import defaultdict

from django.db import IntegrityError

from hub.evals.matrix import question_of
from hub.evals.model_graded import JudgeFailed, judge_pair
from hub.evals.models import Cell, CellStatus, JudgedPair, Run
from hub.evals.statistics.style_control import markdown_marks
from routing.pipeline.errors import ApiError
from workspaces.access import Actor

logger = logging.getLogger(__name__)
PairKey = tuple[str, str, int, str, str]  # case, prompt, repeat, first model, second model


async def pairs_judge(run: Run, actor: Actor, limit: asyncio.Semaphore) -> int:
    """Judge the pairs not judged yet; returns how many were judged now."""
    groups: dict[tuple[str, str, int], dict[str, Cell]] = defaultdict(dict)
    cells = Cell.objects.filter(run=run, status=CellStatus.DONE).order_by("id")
    async for cell in cells:
        groups[(cell.case_key, cell.prompt_label, cell.repeat)].setdefault(cell.model_name, cell)
    done: set[PairKey] = {
        key
        async for key in JudgedPair.objects.filter(run=run).values_list(
            "case_key", "prompt_label", "repeat", "first_model", "second_model"
        )
    }
    wanted = [
        (group, by_model[first], by_model[second])
        for group, by_model in groups.items()
        for first, second in itertools.combinations(sorted(by_model), 2)
        if (*group, first, second) not in done
    ]
    judged = await asyncio.gather(*(_pair(run, actor, limit, *w) for w in wanted))
    return sum(judged)


async def _pair(
    run: Run, actor: Actor, limit: asyncio.Semaphore, group: tuple[str, str, int],
    first: Cell, second: Cell,
) -> bool:  # fmt: skip
    async with limit:
        try:
            verdict = await judge_pair(
                actor, run.pairwise["model"], run.pairwise["rubric"], question=question_of(first),
                first=first.output, second=second.output,
            )  # fmt: skip
        except (ApiError, JudgeFailed) as error:  # the pair is left out, the run goes on
            logger.warning("Judging a pair of run %s failed: %s", run.pk, error)
            return False
    case_key, prompt_label, repeat = group
    try:
        await JudgedPair.objects.acreate(
            workspace_id=run.workspace_id, run=run, case_key=case_key, prompt_label=prompt_label,
            repeat=repeat, first_model=first.model_name, second_model=second.model_name,
            outcome=verdict.outcome, reasons=list(verdict.reasons),
            answers_key=_answers_key(run, question_of(first), first, second),
            first_chars=len(first.output), second_chars=len(second.output),
            first_markdown=markdown_marks(first.output),
            second_markdown=markdown_marks(second.output),
        )  # fmt: skip
    except IntegrityError:  # judged meanwhile by a worker that took the run over
        return False
    return True


def _answers_key(run: Run, question: str, first: Cell, second: Cell) -> str:
    material = [run.pairwise["model"], run.pairwise["rubric"], question, first.model_name,
                first.output, second.model_name, second.output]  # fmt: skip
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()
