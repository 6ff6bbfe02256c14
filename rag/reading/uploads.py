"""One upload (a file or a ZIP of files) into documents, each file on its own: a file that is
malformed, encrypted, empty, too big or of another type is refused with its reason, and the
rest of the batch is still read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from rag.reading.docx import read_docx
from rag.reading.html import read_html
from rag.reading.parsed import ParsedDocument, Unreadable
from rag.reading.pdf import read_pdf
from rag.reading.table import read_csv
from rag.reading.text import read_markdown, read_text

Reader = Callable[[str, bytes], ParsedDocument]
READERS: dict[str, Reader] = {
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_text,
    ".text": read_text,
    ".csv": read_csv,
    ".html": read_html,
    ".htm": read_html,
}
SUPPORTED = ", ".join(sorted({*READERS, ".zip"}))
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int = 50 * MEGABYTE  # one document, as sent or once unpacked
    max_files: int = 200  # documents in one upload, ZIP members included
    max_unpacked_bytes: int = 500 * MEGABYTE  # all of a ZIP's members together


@dataclass(frozen=True)
class UploadedFile:
    name: str  # a ZIP member is named "archive.zip/path/in/archive"
    data: bytes


@dataclass
class Unpacked:
    """An upload's files that may be read, and those refused before reading (type, size,
    count, archive problems), each with its reason."""

    files: list[UploadedFile] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


@dataclass
class ReadResult:
    documents: list[ParsedDocument] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def unpack_upload(name: str, data: bytes, limits: UploadLimits | None = None) -> Unpacked:
    """The cheap checks, done when a file arrives; reading its content comes later."""
    limits = limits or UploadLimits()
    result = Unpacked()
    if PurePosixPath(name).suffix.lower() == ".zip":
        _unpack_archive(name, data, limits, result)
    else:
        _accept(name, data, limits, result)
    return result


def read_upload(name: str, data: bytes, limits: UploadLimits | None = None) -> ReadResult:
    """Unpack and read at once (benchmarks and tests; ingestion reads each file in a task)."""
    unpacked = unpack_upload(name, data, limits)
    result = ReadResult(refused=list(unpacked.refused))
    for file in unpacked.files:
        try:
            result.documents.append(read_file(file.name, file.data))
        except Unreadable as reason:
            result.refused.append((file.name, str(reason)))
    return result


def file_refusal(name: str, size: int, limits: UploadLimits) -> str | None:
    """Why a file of this name and size is not taken, or None."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in READERS:
        return f"Files of type {suffix or '(none)'} are not read; send {SUPPORTED}."
    if not size:
        return "It is empty."
    if size > limits.max_file_bytes:
        return f"It is larger than {limits.max_file_bytes // MEGABYTE} MB."
    return None


def _accept(name: str, data: bytes, limits: UploadLimits, result: Unpacked) -> None:
    refusal = file_refusal(name, len(data), limits)
    if refusal is None and len(result.files) >= limits.max_files:
        refusal = f"More than {limits.max_files} files in one upload."
    if refusal is not None:
        result.refused.append((name, refusal))
    else:
        result.files.append(UploadedFile(name, data))


def read_file(name: str, data: bytes) -> ParsedDocument:
    """One file, by its extension, checked against what its bytes say it is."""
    suffix = PurePosixPath(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise Unreadable(f"Files of type {suffix or '(none)'} are not read; send {SUPPORTED}.")
    if not data:
        raise Unreadable("It is empty.")
    if suffix == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise Unreadable("It is named .pdf but is not a PDF.")
    if suffix == ".docx" and not data[:4] == b"PK\x03\x04":
        raise Unreadable("It is named .docx but is not a Word document (an old .doc?).")
    return reader(name, data)


def _unpack_archive(name: str, data: bytes, limits: UploadLimits, result: Unpacked) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and _wanted(m.filename)]
    except (zipfile.BadZipFile, ValueError) as error:
        result.refused.append((name, f"It is not a readable ZIP file ({error})."))
        return
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        result.refused.append(
            (name, f"It unpacks to more than {limits.max_unpacked_bytes // MEGABYTE} MB.")
        )
        return
    for member in members:
        label = f"{name}/{member.filename}"
        if member.flag_bits & 0x1:
            result.refused.append((label, "It is encrypted inside the ZIP."))
            continue
        if member.file_size > limits.max_file_bytes:
            result.refused.append(
                (label, f"It is larger than {limits.max_file_bytes // MEGABYTE} MB.")
            )
            continue
        if PurePosixPath(member.filename).suffix.lower() == ".zip":
            result.refused.append((label, "A ZIP inside a ZIP is not unpacked; send it alone."))
            continue
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            result.refused.append((label, f"It could not be unpacked ({error})."))
            continue
        _accept(label, content, limits, result)


def _wanted(path: str) -> bool:
    """Leaves out what archivers add: macOS forks, hidden files."""
    parts = PurePosixPath(path).parts
    return not any(part.startswith(".") or part == "__MACOSX" for part in parts)
