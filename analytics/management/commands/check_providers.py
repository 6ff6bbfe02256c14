"""``manage.py check_providers [--workspace SLUG]``: run the health checks once, print a table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.health.checks import CheckOutcome, run_health_checks
from providers.models import Provider

COLUMNS = ("workspace", "provider", "check", "latency", "status", "score", "detail")


class Command(BaseCommand):
    help = (
        "Check every enabled provider now, as the 5-minute schedule does (recording the checks "
        "and raising alerts), and print each one's status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Only this workspace (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        providers = Provider.objects.filter(enabled=True).select_related("workspace", "credential")
        if options["workspace"]:
            providers = providers.filter(workspace__slug=options["workspace"])
        if not providers.exists():
            raise CommandError("No enabled provider matches.")
        rows = [_row(outcome) for outcome in run_health_checks(providers=list(providers))]
        widths = [max(len(str(v)) for v in column) for column in zip(COLUMNS, *rows, strict=True)]
        for values in (COLUMNS, *rows):
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(values, widths, strict=True))
            )


def _row(outcome: CheckOutcome) -> tuple[str, ...]:
    return (
        outcome.provider.workspace.slug,
        outcome.provider.slug,
        "ok" if outcome.ok else "failed",
        f"{outcome.latency_ms:.0f} ms",
        outcome.status.value,
        "—" if outcome.score is None else f"{outcome.score:.1f}",
        outcome.detail[:60],
    )
