"""The models directory: every GGUF file found, grouped into families whose members are the
same model at different quantisations (``llama-3-8b-Q8_0.gguf``, ``llama-3-8b-Q4_K_M.gguf``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError

from providers.local.gguf_meta import GGUFError, GGUFInfo, gguf_info
from providers.models import LocalModelFile

logger = logging.getLogger(__name__)


@dataclass
class LocalModelFiles:
    models: dict[str, GGUFInfo] = field(default_factory=dict)  # id (file stem) -> info
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> why

    def families(self) -> dict[str, list[GGUFInfo]]:
        grouped: dict[str, list[GGUFInfo]] = {}
        for info in self.models.values():
            grouped.setdefault(info.family, []).append(info)
        return grouped


_headers: dict[tuple[Path, float, int], GGUFInfo | str] = {}  # (path, mtime, size) -> result


def model_files_scan(
    directories: Iterable[Path], extra_files: Iterable[Path] = ()
) -> LocalModelFiles:
    """Read every ``*.gguf`` header; broken files are listed with the reason, not raised.
    Headers are remembered by path, mtime and size, so rescanning often is cheap."""
    model_files = LocalModelFiles()
    paths = [p for d in directories if d.is_dir() for p in sorted(d.rglob("*.gguf"))]
    for path in [*paths, *(Path(p) for p in extra_files)]:
        try:
            stat = path.stat()
        except OSError as error:
            model_files.rejected[path.name] = f"{path} cannot be read ({error.strerror})"
            continue
        key = (path, stat.st_mtime, stat.st_size)
        if key not in _headers:
            try:
                _headers[key] = gguf_info(path)
            except GGUFError as error:
                _headers[key] = str(error)
                logger.warning("skipping %s", error)
        found = _headers[key]
        if isinstance(found, str):
            model_files.rejected[path.name] = found
        else:
            model_files.models[found.id] = found
    return model_files


def registered_files() -> list[Path]:
    """GGUF files site administrators registered in the admin (LocalModelFile)."""

    try:
        return [
            Path(p)
            for p in LocalModelFile.objects.filter(enabled=True).values_list("path", flat=True)
        ]
    except DatabaseError:  # the worker keeps serving the directory when the database is away
        logger.warning("could not read registered model files from the database")
        return []
