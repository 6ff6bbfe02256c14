"""Vendored JavaScript that ships inside Python packages, served as ordinary static files.

plotly.js comes with the ``plotly`` package (``package_data/plotly.min.js``); serving that
file keeps the charts' JavaScript in step with the Python library that draws them, and
off any CDN.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage

PLOTLY_PREFIX = "vendor/plotly"
PLOTLY_FILE = "plotly.min.js"


def _plotly_data_dir() -> Path | None:
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``vendor/plotly/plotly.min.js`` (and nothing else) in the installed plotly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        folder = _plotly_data_dir()
        self.storage: FileSystemStorage | None = None
        if folder is not None and (folder / PLOTLY_FILE).is_file():
            self.storage = FileSystemStorage(location=str(folder))
            self.storage.prefix = PLOTLY_PREFIX  # type: ignore[attr-defined]  # read by collectstatic

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        if self.storage is None:
            return [Error("plotly.min.js not found: install the plotly package.", id="hub.E001")]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:
        """The file's path (a list of it with ``find_all``); Django 5.2 still passes ``all``."""
        find_all = find_all or bool(kwargs.get("all"))
        match = (
            [self.storage.path(PLOTLY_FILE)]
            if self.storage is not None and path == f"{PLOTLY_PREFIX}/{PLOTLY_FILE}"
            else []
        )
        if find_all:
            return match
        return match[0] if match else []

    def list(
        self, ignore_patterns: Iterable[str] | None
    ) -> Iterator[tuple[str, FileSystemStorage]]:
        if self.storage is not None:
            yield PLOTLY_FILE, self.storage
