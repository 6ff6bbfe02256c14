"""Scripted faults: chosen by model name (``fault-500``) or by a script of steps.

A script is a JSON file ``{"sequence": ["500", "ok", "429"], "repeat": false}``: each request
takes the next step; when the sequence runs out every request succeeds (or it starts over
with ``"repeat": true``). Steps and model suffixes share one vocabulary, listed in FAULTS.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

FAULTS = {
    "ok": "answer normally",
    "500": "HTTP 500 with an error body",
    "503": "HTTP 503, the provider is overloaded",
    "429": "HTTP 429 with Retry-After: 1",
    "401": "HTTP 401, the key was refused",
    "hang": "never answer (until the client gives up)",
    "cut": "streams: cut the connection after three chunks; otherwise before any byte",
    "malformed": "HTTP 200 with a body that is not JSON",
    "slow": "wait SLOW_FIRST_TOKEN_S before the first byte",
    "stall": "streams: send the headers and a first chunk with the role only, then nothing",
}
SLOW_FIRST_TOKEN_S = 3.0


class ScriptError(ValueError):
    """The --script file cannot be used; the message says why."""


class FaultPlan:
    """Which fault the next request meets. Thread-safe: uvicorn may serve requests concurrently."""

    def __init__(self, sequence: list[str] | None = None, *, repeat: bool = False) -> None:
        self._sequence = list(sequence or [])
        self._repeat = repeat
        self._position = 0
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: str | Path) -> FaultPlan:
        try:
            data = json.loads(Path(path).read_text())
        except (OSError, ValueError) as error:
            raise ScriptError(f"cannot read the script {path}: {error}") from None
        if not isinstance(data, dict) or not isinstance(data.get("sequence"), list):
            raise ScriptError('a script is {"sequence": ["500", "ok", ...], "repeat": false}')
        unknown = [step for step in data["sequence"] if step not in FAULTS]
        if unknown:
            raise ScriptError(f"unknown steps {unknown}; known: {', '.join(FAULTS)}")
        return cls(data["sequence"], repeat=bool(data.get("repeat")))

    def next_fault(self, model: str) -> str:
        """The fault for a request to ``model``: its name wins, then the script."""
        if model.startswith("fault-") and model[6:] in FAULTS:
            return model[6:]
        with self._lock:
            if not self._sequence:
                return "ok"
            if self._position >= len(self._sequence):
                if not self._repeat:
                    return "ok"
                self._position = 0
            step = self._sequence[self._position]
            self._position += 1
            return step
