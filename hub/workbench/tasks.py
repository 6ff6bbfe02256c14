"""Background work of the workbench, run by Celery (the embedded worker or the scaled one)."""

from __future__ import annotations

from celery import shared_task

from hub.workbench.generation import generations
from hub.workbench.interruptions import stale_answers_interrupt


@shared_task(name="workbench.interrupt_stale_answers")
def interrupt_stale_answers_task() -> dict[str, int]:
    """Finish answers of every workspace left streaming by a dead server process (every
    minute, see schedules); answers a page or socket opens are handled there at once."""
    return stale_answers_interrupt(running=generations.running_keys())
