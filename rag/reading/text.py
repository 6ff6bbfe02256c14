"""Plain text and Markdown: Markdown's ``#`` headings become the heading path."""

from __future__ import annotations

import re

from rag.reading.parsed import ParsedDocument, Section, Unreadable, document_of

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def decoded(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Latin-1; bytes with NULs are not text at all."""
    if b"\x00" in data[:8192]:
        raise Unreadable("It is not a text file (it holds binary data).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_text(name: str, data: bytes) -> ParsedDocument:
    return document_of(name, "text/plain", data, [Section(decoded(data).strip())])


def read_markdown(name: str, data: bytes) -> ParsedDocument:
    sections: list[Section] = []
    path: list[str] = []
    lines: list[str] = []
    fenced = False
    for line in decoded(data).splitlines():
        if FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if heading:
            sections.append(Section("\n".join(lines).strip(), tuple(path)))
            lines = []
            level = len(heading[1])
            del path[level - 1 :]
            path.append(heading[2])
        else:
            lines.append(line)
    sections.append(Section("\n".join(lines).strip(), tuple(path)))
    return document_of(name, "text/markdown", data, sections)
