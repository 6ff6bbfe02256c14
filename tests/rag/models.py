"""Test models built from the bundled files: no package ships cross-encoder weights, so a
cross-encoder with random weights is made from all-MiniLM-L6-v2's configuration and
tokenizer. Its scores mean nothing; they exercise the reranking path exactly."""

from __future__ import annotations

from pathlib import Path

from rag.token_counts import local_model_path


def random_cross_encoder(directory: Path) -> Path:
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer

    source = local_model_path()
    config = AutoConfig.from_pretrained(source, num_labels=1)
    torch.manual_seed(0)
    AutoModelForSequenceClassification.from_config(config).save_pretrained(directory)
    AutoTokenizer.from_pretrained(source).save_pretrained(directory)
    return directory
