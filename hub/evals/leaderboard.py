"""The workspace's leaderboard: every pairwise verdict it holds, playground votes and judged
pairs of evaluation runs, ranked by Bradley-Terry with bootstrap 95 % intervals, optionally
net of answer length and markdown (``style_control``).

A vote for one answer beats every other answer of that playground run; a vote for several
makes them tie with each other and beat the rest; "tie" and "all bad" tie every pair.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from hub.evals.models import JudgedPair
from hub.evals.statistics import Duel, Rating, bradley_terry
from hub.evals.statistics.style_control import (
    StyledDuel,
    bradley_terry_styled,
    markdown_marks,
    style_difference,
)
from hub.workbench.models import GenerationStatus, PlaygroundRun, VoteKind
from workspaces.models import Workspace

SOURCES = {"votes": "Playground votes", "judges": "Judged pairs of evaluation runs"}


@dataclass(frozen=True)
class Board:
    ratings: list[Rating]
    duels: int
    by_source: dict[str, int]
    style_effects: dict[str, float] | None = None  # with style control: gamma per feature
    sources: tuple[str, ...] = field(default=tuple(SOURCES))


def _styled(first: str, second: str, outcome: str, a: str, b: str) -> StyledDuel:
    style = (
        style_difference(len(a), len(b)),
        style_difference(markdown_marks(a), markdown_marks(b)),
    )
    return StyledDuel(Duel(first, second, outcome), style)  # type: ignore[arg-type]


def vote_duels(workspace: Workspace) -> list[StyledDuel]:
    duels = []
    runs = (
        PlaygroundRun.objects.for_workspace(workspace)
        .filter(vote__isnull=False)
        .select_related("vote")
        .prefetch_related("slots", "vote__winners")
    )
    for run in runs:
        slots = [s for s in run.slots.all() if s.status == GenerationStatus.COMPLETE]
        winners = {s.pk for s in run.vote.winners.all()}
        tied = run.vote.kind in (VoteKind.TIE, VoteKind.BOTH_BAD) or not winners
        for a, b in itertools.combinations(slots, 2):
            if a.model == b.model:
                continue  # a model against itself says nothing about the ranking
            if tied or (a.pk in winners) == (b.pk in winners):
                outcome = "tie"
            else:
                outcome = "first" if a.pk in winners else "second"
            duels.append(_styled(a.model, b.model, outcome, a.output, b.output))
    return duels


def judged_duels(workspace: Workspace) -> list[StyledDuel]:
    """One duel per distinct pair of answers: runs repeated from the cache add none."""
    rows = JudgedPair.objects.for_workspace(workspace).order_by("id").values_list(
        "answers_key", "first_model", "second_model", "outcome", "first_chars", "second_chars",
        "first_markdown", "second_markdown",
    )  # fmt: skip
    distinct = {row[0] or f"row-{n}": row[1:] for n, row in enumerate(rows)}
    return [
        StyledDuel(
            Duel(first, second, outcome),  # type: ignore[arg-type]
            (style_difference(fc, sc), style_difference(fm, sm)),
        )
        for first, second, outcome, fc, sc, fm, sm in distinct.values()
    ]


def leaderboard(
    workspace: Workspace, *, sources: tuple[str, ...] = tuple(SOURCES), style_control: bool = False
) -> Board:
    found = {
        "votes": vote_duels(workspace) if "votes" in sources else [],
        "judges": judged_duels(workspace) if "judges" in sources else [],
    }
    duels = [d for source in found.values() for d in source]
    counts = {source: len(found[source]) for source in SOURCES}
    if style_control:
        styled = bradley_terry_styled(duels)
        return Board(styled.ratings, len(duels), counts, styled.style_effects, sources)
    return Board(bradley_terry([d.duel for d in duels]), len(duels), counts, None, sources)
