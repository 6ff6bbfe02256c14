"""What a reader makes of a file: sections of text, each with where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


class Unreadable(ValueError):
    """The file cannot be read; ``str()`` is the reason, worded for the person who sent it."""


@dataclass(frozen=True)
class Section:
    """A run of text under one heading path, on one page (PDF) or one record (CSV)."""

    text: str
    heading_path: tuple[str, ...] = ()
    page: int | None = None  # 1-based, PDFs only


@dataclass(frozen=True)
class ParsedDocument:
    name: str
    media_type: str
    sections: list[Section] = field(default_factory=list)
    content_hash: str = ""  # sha256 of the file's bytes: the same file twice adds nothing

    @property
    def text(self) -> str:
        """The document's text, sections joined by blank lines (spans point into this)."""
        return "\n\n".join(section.text for section in self.sections)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_of(name: str, media_type: str, data: bytes, sections: list[Section]) -> ParsedDocument:
    """The document, refused when no text came out of it."""
    kept = [s for s in sections if s.text.strip()]
    if not kept:
        raise Unreadable("It holds no text (an empty file, or a scan without a text layer).")
    return ParsedDocument(name, media_type, kept, content_hash(data))
