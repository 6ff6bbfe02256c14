"""The keyword side of search: BM25 as sparse vectors, the form Qdrant's IDF modifier takes.

A chunk's vector holds, for each term, BM25's term-frequency part
``tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / AVERAGE_LENGTH))``; a query's holds 1 per
distinct term. The inverse document frequency is applied at search time over the collection
searched (Qdrant: ``Modifier.IDF``; the embedded store: the same formula), so the scores are
BM25's. Terms are lower-cased words without English stop words, numbered by CRC-32.
``AVERAGE_LENGTH`` is fixed near a chunk's usual size (in terms) instead of measured, so a
chunk's vector never changes when others are added.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75
AVERAGE_LENGTH = 90.0
WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP_WORDS = """a an and are as at be but by for from has have he her his i if in into is it
its me my no not of on or our she so than that the their them then there these they this those
to us was we were what when where which who will with you your"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class SparseVector:
    indices: np.ndarray  # uint32 term numbers, ascending
    values: np.ndarray  # float32

    def to_bytes(self) -> bytes:
        return (
            len(self.indices).to_bytes(4, "little") + self.indices.tobytes() + self.values.tobytes()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> SparseVector:
        size = int.from_bytes(data[:4], "little")
        indices = np.frombuffer(data, dtype=np.uint32, count=size, offset=4)
        values = np.frombuffer(data, dtype=np.float32, count=size, offset=4 + 4 * size)
        return cls(indices, values)


def terms(text: str) -> list[str]:
    return [word for word in WORD.findall(text.lower()) if word not in STOP_WORDS]


def term_number(term: str) -> int:
    return zlib.crc32(term.encode())


def document_vector(text: str) -> SparseVector:
    counts = Counter(term_number(term) for term in terms(text))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH)
    ordered = sorted(counts.items())
    indices = np.fromiter((number for number, _ in ordered), dtype=np.uint32, count=len(ordered))
    frequencies = np.fromiter((tf for _, tf in ordered), dtype=np.float32, count=len(ordered))
    return SparseVector(indices, (frequencies * (K1 + 1) / (frequencies + norm)).astype(np.float32))


def query_vector(text: str) -> SparseVector:
    numbers = sorted({term_number(term) for term in terms(text)})
    return SparseVector(np.array(numbers, dtype=np.uint32), np.ones(len(numbers), np.float32))


def inverse_document_frequency(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """Qdrant's IDF: ln((N - df + 0.5) / (df + 0.5) + 1)."""
    return np.log((documents - document_frequency + 0.5) / (document_frequency + 0.5) + 1.0)
