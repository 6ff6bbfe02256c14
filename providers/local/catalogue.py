"""The models directory: every GGUF file found, grouped into families whose members are the
same model at different quantisations (``llama-3-8b-Q8_0.gguf``, ``llama-3-8b-Q4_K_M.gguf``)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from providers.local.gguf_meta import GGUFError, GGUFInfo, gguf_info

logger = logging.getLogger(__name__)


@dataclass
class LocalCatalogue:
    models: dict[str, GGUFInfo] = field(default_factory=dict)  # id (file stem) -> info
    rejected: dict[str, str] = field(default_factory=dict)  # file name -> why

    def families(self) -> dict[str, list[GGUFInfo]]:
        grouped: dict[str, list[GGUFInfo]] = {}
        for info in self.models.values():
            grouped.setdefault(info.family, []).append(info)
        return grouped


def catalogue_scan(directories: Iterable[Path], extra_files: Iterable[Path] = ()) -> LocalCatalogue:
    """Read every ``*.gguf`` header; broken files are listed with the reason, not raised."""
    catalogue = LocalCatalogue()
    paths = [p for d in directories if d.is_dir() for p in sorted(d.rglob("*.gguf"))]
    for path in [*paths, *extra_files]:
        try:
            info = gguf_info(path)
        except GGUFError as error:
            catalogue.rejected[path.name] = str(error)
            logger.warning("skipping %s", error)
            continue
        catalogue.models[info.id] = info
    return catalogue
