"""From an uploaded file to the conversations in it: size limits, the zip archives ChatGPT
and Claude hand out, JSON, and which export it is. Every failure is a FileRejected
(workspaces.uploads) whose message can be shown to the user as is."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.workbench.models import ImportSource
from hub.workbench.portability import chatgpt, claude, hub_format
from hub.workbench.portability.parsed import ParsedConversation
from workspaces.uploads import (
    FileRejected,
    megabytes,
    upload_json,
    upload_limit_bytes,
    upload_size_check,
)

MAX_CONVERSATIONS = 20_000


def max_json_bytes() -> int:
    """A zip's conversations.json may be larger than the zip; still bounded."""
    return 2 * upload_limit_bytes()


@dataclass(frozen=True)
class ExportFile:
    source: str
    items: list[Any]
    parse: Callable[[Any], ParsedConversation]

    @property
    def source_label(self) -> str:
        return ImportSource(self.source).label


def export_read(raw: bytes) -> ExportFile:
    """The conversations of an uploaded ChatGPT, Claude or hub export (JSON or zip)."""
    if raw[:4] == b"PK\x03\x04":
        upload_size_check(len(raw))
        return _detect(upload_json(_json_from_zip(raw), limit=max_json_bytes()))
    return _detect(upload_json(raw, hint="; upload the export's JSON"))


def _detect(data: Any) -> ExportFile:
    if hub_format.looks_like(data):
        items = data.get("conversations")
        if not isinstance(items, list):
            raise FileRejected("This hub export has no “conversations” list.")
        return _checked(ExportFile(ImportSource.HUB, items, hub_format.conversation_parse))
    if isinstance(data, dict) and (chatgpt.looks_like(data) or claude.looks_like(data)):
        data = [data]  # one conversation on its own
    if not isinstance(data, list):
        raise FileRejected(
            "This is not a ChatGPT, Claude or Provider Hub export: expected a list of "
            "conversations or a hub export object."
        )
    first = next((item for item in data if isinstance(item, dict)), None)
    if first is None:
        raise FileRejected("The file holds no conversations.")
    if chatgpt.looks_like(first):
        return _checked(ExportFile(ImportSource.CHATGPT, data, chatgpt.conversation_parse))
    if claude.looks_like(first):
        return _checked(ExportFile(ImportSource.CLAUDE, data, claude.conversation_parse))
    raise FileRejected(
        "This is not a ChatGPT, Claude or Provider Hub export: its conversations have "
        "neither a “mapping” (ChatGPT) nor “chat_messages” (Claude)."
    )


def _checked(export: ExportFile) -> ExportFile:
    if not export.items:
        raise FileRejected("The file holds no conversations.")
    if len(export.items) > MAX_CONVERSATIONS:
        raise FileRejected(f"At most {MAX_CONVERSATIONS} conversations per file.")
    return export


def _json_from_zip(raw: bytes) -> bytes:
    """``conversations.json`` from an export archive, read no further than the limit (a
    zip's stated sizes are not trusted)."""
    limit = max_json_bytes()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "conversations.json"]
            if not names:
                raise FileRejected("The zip file has no conversations.json.")
            with archive.open(min(names, key=len)) as member:
                data = member.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        OSError,
    ):
        raise FileRejected("The zip file is damaged or encrypted.") from None
    if len(data) > limit:
        raise FileRejected(f"conversations.json in the zip is larger than {megabytes(limit)}.")
    return data
