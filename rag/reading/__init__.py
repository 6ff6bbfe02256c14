"""Turning uploaded files into text with its structure: pages, headings, records.

``unpack_upload(name, data)`` makes the cheap checks when a file arrives (type, size, count; a
ZIP gives its members), ``read_file(name, data)`` reads one into a ``ParsedDocument`` or raises
``Unreadable`` with a reason a user can act on; ``read_upload`` does both. Dependencies run one way: the
format modules (``pdf``, ``docx``, ``text``, ``table``, ``html``) -> ``parsed``;
``uploads`` picks a format and unpacks archives.
"""

from rag.reading.parsed import ParsedDocument, Section, Unreadable
from rag.reading.uploads import (
    SUPPORTED,
    ReadResult,
    Unpacked,
    UploadedFile,
    UploadLimits,
    read_file,
    read_upload,
    unpack_upload,
)

__all__ = [
    "SUPPORTED",
    "ParsedDocument",
    "ReadResult",
    "Section",
    "Unpacked",
    "Unreadable",
    "UploadLimits",
    "UploadedFile",
    "read_file",
    "read_upload",
    "unpack_upload",
]
