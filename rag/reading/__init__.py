"""Turning uploaded files into text with its structure: pages, headings, records.

``read_upload(name, data)`` gives one ``ParsedDocument`` per file (a ZIP gives one per member)
or raises ``Unreadable`` with a reason a user can act on. Dependencies run one way: the
format modules (``pdf``, ``docx``, ``text``, ``table``, ``html``) -> ``parsed``;
``uploads`` picks a format and unpacks archives.
"""

from rag.reading.parsed import ParsedDocument, Section, Unreadable
from rag.reading.uploads import ReadResult, UploadLimits, read_upload

__all__ = ["ParsedDocument", "ReadResult", "Section", "Unreadable", "UploadLimits", "read_upload"]
