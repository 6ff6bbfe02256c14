"""``manage.py sync_models [--workspace SLUG] [--provider SLUG]``: refresh model catalogs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.adapters.base import UpstreamError
from providers.catalog import sync_models
from providers.models import Provider


class Command(BaseCommand):
    help = "List each provider's models and merge them with litellm's prices and context sizes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="Only this workspace (slug).")
        parser.add_argument("--provider", help="Only this provider (slug).")

    def handle(self, *args: Any, **options: Any) -> None:
        providers = Provider.objects.filter(enabled=True).select_related("workspace", "credential")
        if options["workspace"]:
            providers = providers.filter(workspace__slug=options["workspace"])
        if options["provider"]:
            providers = providers.filter(slug=options["provider"])
        if not providers.exists():
            raise CommandError("No enabled provider matches.")
        failed = 0
        for provider in providers:
            label = f"{provider.workspace.slug}/{provider.slug}"
            try:
                result = sync_models(provider)
            except UpstreamError as error:
                failed += 1
                self.stderr.write(f"{label}: {error.message}")
                continue
            self.stdout.write(
                f"{label}: {result.listed} listed, {result.added} added, {result.updated} updated"
            )
        if failed:
            raise CommandError(f"{failed} provider(s) could not be synced.")
