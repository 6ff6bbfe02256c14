"""Word documents with python-docx: paragraphs under their heading path, tables as rows."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError

from rag.reading.parsed import ParsedDocument, Section, Unreadable, document_of

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def read_docx(name: str, data: bytes) -> ParsedDocument:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise Unreadable("It is not a readable Word document (.docx).") from error
    sections: list[Section] = []
    path: list[str] = []
    lines: list[str] = []

    def close() -> None:
        if lines:
            sections.append(Section("\n\n".join(lines), tuple(path)))
            lines.clear()

    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        level = _heading_level(paragraph.style.name if paragraph.style else "")
        if level and text:
            close()
            del path[level - 1 :]
            path.append(text)
        elif text:
            lines.append(text)
    close()
    for table in document.tables:
        rows = [" | ".join(cell.text.strip() for cell in row.cells) for row in table.rows]
        sections.append(Section("\n".join(row for row in rows if row.strip(" |"))))
    return document_of(name, MEDIA_TYPE, data, sections)


def _heading_level(style: str) -> int:
    """1 for "Heading 1" (and "Title"), 2 for "Heading 2", …; 0 for body text."""
    if style == "Title":
        return 1
    if style.startswith("Heading "):
        number = style.removeprefix("Heading ").strip()
        return int(number) if number.isdigit() else 0
    return 0
