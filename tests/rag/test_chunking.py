"""Chunking: structure first (sections, sentences, lines), sizes in the model's tokens, overlap
between neighbours, and spans that give back exactly the text that was chunked."""

from __future__ import annotations

import math

import pytest

from rag.chunking import ChunkSettings, chunk_document
from rag.reading import ParsedDocument, Section


def words(text: str) -> int:
    """A tokenizer where every word is one token: sizes are easy to count by hand."""
    return len(text.split())


def document(*sections: Section) -> ParsedDocument:
    return ParsedDocument("doc.md", "text/markdown", list(sections), "hash")


def sentence(n: int, length: int = 5) -> str:
    return " ".join([f"s{n}"] + [f"w{n}_{k}" for k in range(1, length)]) + "."


def test_chunks_fit_keep_whole_sentences_and_their_spans_are_exact():
    text = " ".join(sentence(n) for n in range(20))  # 20 sentences of 5 words
    doc = document(Section(text, ("Guide",), page=3))
    chunks = chunk_document(
        doc, count=words, settings=ChunkSettings(max_tokens=12, overlap_tokens=5)
    )
    for chunk in chunks:
        assert chunk.tokens <= 12 and chunk.text == doc.text[chunk.start : chunk.end]
        assert chunk.text.startswith("s") and chunk.text.endswith(".")  # whole sentences
        assert (chunk.page, chunk.heading_path) == (3, ("Guide",))
    # Two sentences a chunk (10 words); the second comes back as the next chunk's overlap.
    firsts = [chunk.text.split()[0] for chunk in chunks]
    assert firsts == [f"s{n}" for n in range(19)]
    assert [chunk.index for chunk in chunks] == list(range(len(chunks)))
    assert chunks[-1].text.endswith(sentence(19))


def test_without_overlap_every_word_is_in_exactly_one_chunk():
    text = "\n".join(sentence(n, length=n % 7 + 1) for n in range(40))
    doc = document(Section(text))
    chunks = chunk_document(
        doc, count=words, settings=ChunkSettings(max_tokens=9, overlap_tokens=0)
    )
    assert " ".join(c.text for c in chunks).split() == text.split()
    assert all(c.tokens <= 9 for c in chunks)


def test_chunks_never_cross_a_section():
    doc = document(
        Section(sentence(1), ("A",), page=1),
        Section(sentence(2), ("A", "B"), page=1),
        Section(sentence(3), ("C",), page=2),
    )
    chunks = chunk_document(
        doc, count=words, settings=ChunkSettings(max_tokens=50, overlap_tokens=0)
    )
    assert [(c.text, c.heading_path, c.page) for c in chunks] == [
        (sentence(1), ("A",), 1),
        (sentence(2), ("A", "B"), 1),
        (sentence(3), ("C",), 2),
    ]
    assert [doc.text[c.start : c.end] for c in chunks] == [c.text for c in chunks]


def test_a_sentence_longer_than_a_chunk_is_cut_at_spaces():
    long_sentence = " ".join(f"w{n}" for n in range(25)) + "."
    chunks = chunk_document(
        document(Section(long_sentence)),
        count=words,
        settings=ChunkSettings(max_tokens=10, overlap_tokens=0),
    )
    assert [c.tokens for c in chunks] == [10, 10, 5]
    assert " ".join(c.text for c in chunks) == long_sentence


def test_a_word_longer_than_a_chunk_is_cut_inside_by_the_counter():
    def four_characters_a_token(text: str) -> int:
        return sum(math.ceil(len(word) / 4) for word in text.split())

    token = "x" * 100  # 25 tokens
    chunks = chunk_document(
        document(Section(f"short {token} end")),
        count=four_characters_a_token,
        settings=ChunkSettings(max_tokens=8, overlap_tokens=0),
    )
    assert all(c.tokens <= 8 for c in chunks)
    assert "".join(c.text.replace(" ", "") for c in chunks) == f"short{token}end"
    # "short" (2 tokens), three full pieces of the word (8 each), its last 4 characters with "end".
    assert [c.tokens for c in chunks] == [2, 8, 8, 8, 2]


@pytest.mark.parametrize(("size", "overlap"), [(4, 0), (100, 51), (100, -1)])
def test_settings_that_cannot_work_are_refused(size, overlap):
    with pytest.raises(ValueError):
        ChunkSettings(max_tokens=size, overlap_tokens=overlap)
