"""Tiny random-weight GGUF models written by the tests, and a live inference worker."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from providers.local.tiny_model import write_tiny_llama
from tests.simulated import ROOT, free_port


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """Two variants of one family (F32, F16), a second family, and a corrupt file."""
    directory = tmp_path_factory.mktemp("models")
    write_tiny_llama(directory / "tiny-F32.gguf", quantisation="F32")
    write_tiny_llama(directory / "tiny-F16.gguf", quantisation="F16")
    write_tiny_llama(directory / "other-F16.gguf", quantisation="F16", seed=1, layers=1)
    (directory / "broken-Q4_0.gguf").write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 64)
    return directory


class Worker:
    def __init__(self, models_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "inference_worker", "--models-dir", str(models_dir),
             "--port", str(self.port), *args],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the inference worker did not start") from None
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


@pytest.fixture(scope="session")
def worker(models_dir):
    running = Worker(models_dir, "--concurrency", "1")
    yield running
    running.stop()
