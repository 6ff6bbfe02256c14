"""The leaderboard page: Bradley-Terry ratings with their intervals drawn on one scale."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from hub.evals.leaderboard import SOURCES, Board, leaderboard
from workspaces.views.base import WorkspacePageView


class LeaderboardView(WorkspacePageView):
    """``?source=votes`` / ``judges`` (both by default), ``?style=on`` for style control."""

    nav = "evals"
    template_name = "evals/leaderboard.html"

    def get(self, request: HttpRequest, workspace_slug: str) -> HttpResponse:
        picked = tuple(s for s in request.GET.getlist("source") if s in SOURCES) or tuple(SOURCES)
        style = request.GET.get("style") == "on"
        board = leaderboard(self.actor.workspace, sources=picked, style_control=style)
        return self.render_page(
            {"board": board, "rows": _rows(board), "sources": SOURCES, "picked": picked,
             "style": style}
        )  # fmt: skip


def _rows(board: Board) -> list[dict[str, Any]]:
    """Each rating with its interval placed on a scale shared by all (percent of the width)."""
    if not board.ratings:
        return []
    low = min(r.low for r in board.ratings) - 10
    high = max(r.high for r in board.ratings) + 10
    span = high - low

    def at(value: float) -> float:
        return round(100 * (value - low) / span, 1)

    return [
        {"rank": n, "rating": r, "left": at(r.low), "width": max(0.5, at(r.high) - at(r.low)),
         "point": at(r.rating)}
        for n, r in enumerate(board.ratings, start=1)
    ]  # fmt: skip
