"""CSV: each row a record that carries its header ("name: Ada; role: admin"), so a chunk of
rows still says what each value is; rows are sections of their own, packed into chunks."""

from __future__ import annotations

import csv
import io

from rag.reading.parsed import ParsedDocument, Section, Unreadable, document_of
from rag.reading.text import decoded


def read_csv(name: str, data: bytes) -> ParsedDocument:
    text = decoded(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise Unreadable(f"It is not a readable CSV file ({error}).") from error
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise Unreadable("It holds no records: a header row and at least one row are needed.")
    header = [cell.strip() or f"column {n}" for n, cell in enumerate(rows[0], start=1)]
    sections = [
        Section(
            "; ".join(
                f"{column}: {value.strip()}"
                for column, value in zip(header, row, strict=False)
                if value.strip()
            ),
        )
        for row in rows[1:]
    ]
    return document_of(name, "text/csv", data, sections)
