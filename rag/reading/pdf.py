"""PDF with pypdf: one section per page, page numbers kept; encrypted or broken files refused."""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from rag.reading.parsed import ParsedDocument, Section, Unreadable, document_of

MEDIA_TYPE = "application/pdf"


def read_pdf(name: str, data: bytes) -> ParsedDocument:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("It is encrypted (password-protected); upload an unprotected copy.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise Unreadable(f"It is not a readable PDF ({type(error).__name__}).") from error
    return document_of(
        name,
        MEDIA_TYPE,
        data,
        [Section(text.strip(), page=number) for number, text in enumerate(pages, start=1)],
    )
