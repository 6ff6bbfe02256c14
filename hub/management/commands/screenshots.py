"""``manage.py screenshots OUTDIR``: the whole interface at once (see hub.screenshots)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hub.screenshots import take_screenshots


class Command(BaseCommand):
    help = "Screenshot every page at desktop and phone width, light and dark, into OUTDIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args: object, out_dir: Path, **options: object) -> None:
        try:
            written = take_screenshots(out_dir, log=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{len(written) - 1} screenshots; open {written[-1]}"))
