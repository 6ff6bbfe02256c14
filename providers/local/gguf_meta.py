"""What a GGUF file is, read from its header without loading the weights: architecture,
size in parameters, context length, quantisation, layer and head counts, chat template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUANT_IN_NAME = re.compile(r"[-_.](?P<quant>(?:I?Q\d(?:_[A-Z0-9]+)*)|F16|BF16|F32)$", re.IGNORECASE)
# llama.cpp's general.file_type values for the common quantisations.
FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
              10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
              16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16"}  # fmt: skip


class GGUFError(ValueError):
    """The file is not a usable GGUF model; the message says why."""


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    name: str
    family: str  # the model name without its quantisation suffix: variants share it
    architecture: str
    quantisation: str
    size_bytes: int
    parameters: int
    context_length: int
    block_count: int
    head_count: int
    head_count_kv: int
    embedding_length: int
    chat_template: str
    is_embedding_model: bool

    @property
    def head_dim(self) -> int:
        return self.embedding_length // max(self.head_count, 1)

    @property
    def id(self) -> str:
        return self.path.stem


def gguf_info(path: Path | str) -> GGUFInfo:
    """Read the header; raises GGUFError for anything that is not a loadable GGUF."""
    from gguf import GGUFReader

    path = Path(path)
    try:
        reader = GGUFReader(str(path), "r")
    except (ValueError, OSError, IndexError, KeyError, TypeError) as error:
        raise GGUFError(f"{path.name} is not a valid GGUF file ({error})") from None

    def field(key: str, default: Any = None) -> Any:
        entry = reader.fields.get(key)
        if entry is None:
            return default
        try:
            value = entry.contents()
        except (ValueError, IndexError, TypeError):
            return default
        return value if value is not None else default

    architecture = field("general.architecture")
    if not architecture:
        raise GGUFError(f"{path.name} has no general.architecture: not a model file")

    def arch(key: str, default: int = 0) -> int:
        return int(field(f"{architecture}.{key}", default) or default)

    match = QUANT_IN_NAME.search(path.stem)
    file_type = field("general.file_type")
    quantisation = (
        match["quant"].upper() if match else FILE_TYPES.get(int(file_type), "unknown")
        if file_type is not None else "unknown"
    )  # fmt: skip
    family = path.stem[: match.start()] if match else path.stem
    parameters = sum(int(t.n_elements) for t in reader.tensors)
    head_count = arch("attention.head_count", 1)
    return GGUFInfo(
        path=path,
        name=str(field("general.name", path.stem)),
        family=family,
        architecture=str(architecture),
        quantisation=quantisation,
        size_bytes=path.stat().st_size,
        parameters=parameters,
        context_length=arch("context_length", 2048),
        block_count=arch("block_count", 0),
        head_count=head_count,
        head_count_kv=arch("attention.head_count_kv", head_count),
        embedding_length=arch("embedding_length", 0),
        chat_template=str(field("tokenizer.chat_template", "")),
        is_embedding_model=architecture in {"bert", "nomic-bert", "jina-bert-v2", "t5encoder"}
        or field(f"{architecture}.pooling_type") is not None,
    )
