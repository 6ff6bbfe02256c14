"""Write a tiny random-weight llama GGUF (well under 1 MB): real llama.cpp loads it and
generates (gibberish) quickly, so tests, benchmarks and demos run without downloading a model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}</s>"
    "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
WORDS = ["hello", "world", "hub", "model", "local", "fast", "token", "yes", "no", "the", "a"]


def vocabulary() -> tuple[list[bytes], list[float], list[int]]:
    """SentencePiece-style: unknown, BOS, EOS, 256 byte-fallback tokens, a few words."""
    from gguf import TokenType

    tokens = [b"<unk>", b"<s>", b"</s>"]
    types = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL]
    tokens += [f"<0x{i:02X}>".encode() for i in range(256)]
    types += [TokenType.BYTE] * 256
    pieces = ["\u2581", *WORDS, *(f"\u2581{w}" for w in WORDS), *"abcdefghijklmnopqrstuvwxyz"]
    tokens += [p.encode() for p in dict.fromkeys(pieces)]
    types += [TokenType.NORMAL] * (len(tokens) - len(types))
    scores = [0.0] * 3 + [-1000.0] * 256 + [-float(i) for i in range(len(tokens) - 259)]
    return tokens, scores, [int(t) for t in types]


def write_tiny_llama(
    path: Path | str,
    *,
    name: str = "tiny-llama",
    embedding: int = 64,
    layers: int = 2,
    heads: int = 4,
    kv_heads: int = 2,
    context: int = 512,
    quantisation: str = "F32",
    seed: int = 0,
) -> Path:
    """A llama-architecture GGUF with random weights. ``quantisation`` is F32 or F16."""
    from gguf import GGMLQuantizationType, GGUFWriter, LlamaFileType

    path = Path(path)
    rng = np.random.default_rng(seed)
    tokens, scores, types = vocabulary()
    dtype = np.float16 if quantisation == "F16" else np.float32
    writer = GGUFWriter(str(path), "llama")
    writer.add_name(name)
    writer.add_context_length(context)
    writer.add_embedding_length(embedding)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(embedding * 2)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_dimension_count(embedding // heads)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(LlamaFileType.MOSTLY_F16 if dtype == np.float16 else LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_chat_template(CHAT_TEMPLATE)

    def tensor(name: str, *shape: int, norm: bool = False) -> None:
        data = np.ones(shape, dtype=np.float32) if norm else rng.normal(0, 0.05, shape)
        # 1-D norms stay F32 as llama.cpp expects; matrices take the file's type.
        kind = np.float32 if norm else dtype
        raw_type = GGMLQuantizationType.F32 if kind == np.float32 else GGMLQuantizationType.F16
        writer.add_tensor(name, data.astype(kind), raw_dtype=raw_type)

    vocab, ff = len(tokens), embedding * 2
    kv_dim = embedding // heads * kv_heads
    tensor("token_embd.weight", vocab, embedding)
    tensor("output_norm.weight", embedding, norm=True)
    tensor("output.weight", vocab, embedding)
    for i in range(layers):
        tensor(f"blk.{i}.attn_norm.weight", embedding, norm=True)
        tensor(f"blk.{i}.attn_q.weight", embedding, embedding)
        tensor(f"blk.{i}.attn_k.weight", kv_dim, embedding)
        tensor(f"blk.{i}.attn_v.weight", kv_dim, embedding)
        tensor(f"blk.{i}.attn_output.weight", embedding, embedding)
        tensor(f"blk.{i}.ffn_norm.weight", embedding, norm=True)
        tensor(f"blk.{i}.ffn_gate.weight", ff, embedding)
        tensor(f"blk.{i}.ffn_up.weight", ff, embedding)
        tensor(f"blk.{i}.ffn_down.weight", embedding, ff)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
