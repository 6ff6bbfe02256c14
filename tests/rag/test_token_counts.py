"""Chunks sized with the local model's counter are read whole by the model itself: checked with
the Hugging Face tokenizer sentence-transformers uses for all-MiniLM-L6-v2, from the bundled
files (no download)."""

from __future__ import annotations

from transformers import AutoTokenizer

from rag.chunking import ChunkSettings, chunk_document
from rag.reading import read_upload
from rag.token_counts import (
    LOCAL_MODEL_MAX_SEQUENCE,
    LOCAL_MODEL_MAX_TOKENS,
    local_model_counter,
    local_model_path,
)

# Long words split into many pieces; numbers, symbols and accents too.
TEXT = "\n\n".join(
    f"Section {n}: the hub's circuit-breakers (état {n}) re-route 12,345 requests/second "
    f"through {'antidisestablishmentarianism ' * (n % 4)}fallbacks. " * 6
    for n in range(40)
)


def test_counts_are_the_models_own_word_pieces_without_the_128_limit_of_its_file():
    count = local_model_counter()
    hugging_face = AutoTokenizer.from_pretrained(str(local_model_path()))
    sample = "Circuit-breakers re-route requests. " * 60  # far past 128 pieces
    expected = len(hugging_face(sample, add_special_tokens=False)["input_ids"])
    assert expected > 128 and count(sample) == expected


def test_chunks_sized_by_it_fit_the_models_window_whole():
    document = read_upload("guide.md", f"# Guide\n{TEXT}".encode()).documents[0]
    chunks = chunk_document(
        document,
        count=local_model_counter(),
        settings=ChunkSettings(max_tokens=LOCAL_MODEL_MAX_TOKENS, overlap_tokens=32),
    )
    hugging_face = AutoTokenizer.from_pretrained(str(local_model_path()))
    lengths = [len(hugging_face(chunk.text)["input_ids"]) for chunk in chunks]
    assert len(chunks) > 10
    assert max(lengths) <= LOCAL_MODEL_MAX_SEQUENCE  # [CLS] + pieces + [SEP]: nothing cut off
    assert max(lengths) > LOCAL_MODEL_MAX_SEQUENCE - 40  # and chunks are filled, not tiny
