"""Documents into chunks that follow their structure and fit the embedding model.

A chunk never crosses a section (so its page and heading path are exact), is cut at sentence
and line ends where it can, then at spaces, and only a word longer than a chunk is cut
inside. Sizes are counted with the embedding model's own tokenizer (``TokenCounter``), so no
chunk is silently truncated; consecutive chunks of a section share up to ``overlap_tokens``.
A chunk's text is exactly ``document.text[start:end]``: a citation opens what was embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rag.reading import ParsedDocument

TokenCounter = Callable[[str], int]
SENTENCE_END = re.compile("(?<=[.!?\u3002\uff01\uff1f])\\s+|\n+")
SECTION_GAP = 2  # sections are joined by a blank line in ParsedDocument.text


@dataclass(frozen=True)
class ChunkSettings:
    max_tokens: int = 200
    overlap_tokens: int = 32

    def __post_init__(self) -> None:
        if self.max_tokens < 8:
            raise ValueError("A chunk holds at least 8 tokens.")
        if not 0 <= self.overlap_tokens <= self.max_tokens // 2:
            raise ValueError("The overlap is between 0 and half a chunk.")


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    start: int  # character span in the document's text
    end: int
    tokens: int
    page: int | None
    heading_path: tuple[str, ...]


def chunk_document(
    document: ParsedDocument, *, count: TokenCounter, settings: ChunkSettings | None = None
) -> list[Chunk]:
    settings = settings or ChunkSettings()
    text = document.text
    chunks: list[Chunk] = []
    offset = 0
    for section in document.sections:
        units = list(_units(text, offset, offset + len(section.text), count, settings.max_tokens))
        for start, end in _pack(text, units, count, settings):
            chunks.append(
                Chunk(
                    index=len(chunks),
                    text=text[start:end],
                    start=start,
                    end=end,
                    tokens=count(text[start:end]),
                    page=section.page,
                    heading_path=section.heading_path,
                )
            )
        offset += len(section.text) + SECTION_GAP
    return chunks


def _units(
    text: str, start: int, end: int, count: TokenCounter, limit: int
) -> Iterator[tuple[int, int]]:
    """Spans of sentences and lines; one too long is cut at spaces, a word too long inside."""
    for piece_start, piece_end in _split(text, start, end, SENTENCE_END):
        if count(text[piece_start:piece_end]) <= limit:
            yield piece_start, piece_end
            continue
        for word_start, word_end in _split(text, piece_start, piece_end, re.compile(r"\s+")):
            if count(text[word_start:word_end]) <= limit:
                yield word_start, word_end
            else:
                yield from _cut(text, word_start, word_end, count, limit)


def _split(text: str, start: int, end: int, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The non-blank spans of ``text[start:end]`` between matches of ``pattern``."""
    position = start
    for match in pattern.finditer(text, start, end):
        yield from _trimmed(text, position, match.start())
        position = match.end()
    yield from _trimmed(text, position, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


def _cut(
    text: str, start: int, end: int, count: TokenCounter, limit: int
) -> Iterator[tuple[int, int]]:
    """A run without spaces, in the longest pieces that fit (found by bisection)."""
    while start < end:
        low, high = start + 1, end
        while low < high:
            middle = (low + high + 1) // 2
            if count(text[start:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        yield start, low
        start = low


def _pack(
    text: str, units: list[tuple[int, int]], count: TokenCounter, settings: ChunkSettings
) -> Iterator[tuple[int, int]]:
    """Consecutive units into spans of at most ``max_tokens``, each new one starting with
    the last units of the one before that fit in ``overlap_tokens``."""
    current: list[tuple[int, int]] = []
    for unit in units:
        if current and count(text[current[0][0] : unit[1]]) > settings.max_tokens:
            yield current[0][0], current[-1][1]
            current = _overlap(text, current, count, settings.overlap_tokens)
            while current and count(text[current[0][0] : unit[1]]) > settings.max_tokens:
                current = current[1:]
        current.append(unit)
    if current:
        yield current[0][0], current[-1][1]


def _overlap(
    text: str, units: list[tuple[int, int]], count: TokenCounter, budget: int
) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for unit in reversed(units[1:]):  # never the whole chunk again
        if count(text[unit[0] : units[-1][1]]) > budget:
            break
        kept.insert(0, unit)
    return kept
