"""Filters for the routing pages: a context window as people say it ("128k context")."""

from __future__ import annotations

from django import template

from routing.strategies.candidate import context_label

register = template.Library()


@register.filter
def context_tokens(tokens: int | None) -> str:
    """``128k context``; "" when the window is unknown."""
    return f"{context_label(tokens)} context" if tokens else ""
