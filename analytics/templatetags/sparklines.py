"""Sparklines as small inline SVGs: a line per run of known values, drawn in the text colour
of the card (so both themes work) and light enough for a page that loads no chart library."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

WIDTH, HEIGHT, PAD = 120, 32, 2

Number = int | float | Decimal


def sparkline_runs(values: Sequence[Number | None]) -> list[list[tuple[float, float]]]:
    """Points in the SVG's box, split where a value is missing (a day with no latency)."""
    known = [float(value) for value in values if value is not None]
    if not known:
        return []
    low, high = min(0.0, *known), max(known)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        y = HEIGHT - PAD - (float(value) - low) / span * (HEIGHT - 2 * PAD)
        runs[-1].append((round(PAD + index * step, 1), round(y, 1)))
    return [run for run in runs if run]


@register.simple_tag
def sparkline(values: Sequence[Number | None], label: str) -> SafeString:
    """``<svg>`` of ``values`` (oldest first); ``label`` is what a screen reader hears."""
    runs = sparkline_runs(values)
    lines = format_html_join(
        "", '<polyline points="{}"/>', ((" ".join(f"{x},{y}" for x, y in run),) for run in runs)
    )
    dots = format_html_join("", '<circle cx="{}" cy="{}" r="1.8"/>', (run[-1] for run in runs[-1:]))
    return format_html(
        '<svg class="sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}" preserveAspectRatio="none">{}{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        lines,
        dots,
    )
