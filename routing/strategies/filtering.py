"""Drop candidates that cannot serve the request at all: too small a context window for
the prompt plus the output, or a missing capability (tools, vision, JSON mode)."""

from __future__ import annotations

from collections.abc import Sequence

from routing.strategies.candidate import Candidate, RouteRequest, context_label


def candidates_eligible(
    candidates: Sequence[Candidate], request: RouteRequest
) -> tuple[list[Candidate], list[tuple[Candidate, str]]]:
    """(eligible in the given order, [(skipped, why)]). An unknown context window passes:
    the provider will say if it is too small."""
    eligible: list[Candidate] = []
    skipped: list[tuple[Candidate, str]] = []
    needed = request.tokens_needed
    for candidate in candidates:
        window = candidate.context_window
        if window is not None and window < needed:
            skipped.append((candidate, f"context {context_label(window)} < {needed} tokens"))
        elif request.needs and not request.needs <= candidate.capabilities:
            missing = ", ".join(sorted(request.needs - candidate.capabilities))
            skipped.append((candidate, f"no {missing}"))
        else:
            eligible.append(candidate)
    return eligible, skipped
