"""What a run reports as it goes: text as it streams, each finished step, and the end.

The runner stores steps and sends events to the run's live page; the REST API streams the
same events as server-sent events, so every watcher sees one story.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

JSON = dict[str, Any]


@dataclass
class TextDelta:
    step: int
    text: str
    kind: str = "delta"


@dataclass
class ModelStepDone:
    step: int
    model: str
    answered_by: str = ""
    content: str = ""
    tool_calls: list[JSON] = field(default_factory=list)
    fallbacks: list[JSON] = field(default_factory=list)
    request_id: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    latency_ms: float = 0.0
    error: str = ""
    kind: str = "model_step"


@dataclass
class ToolStepDone:
    step: int
    name: str
    call_id: str
    arguments: Any
    result: str
    is_error: bool = False
    latency_ms: float = 0.0
    child_run_id: int | None = None
    kind: str = "tool_step"


@dataclass
class RunEnded:
    status: str  # a RunStatus value
    output: str = ""
    stop_reason: str = ""
    error: str = ""
    kind: str = "ended"


Event = TextDelta | ModelStepDone | ToolStepDone | RunEnded


def event_json(event: Event) -> JSON:
    """The event as JSON for a socket or an SSE line (amounts as strings)."""
    data = asdict(event)
    if isinstance(data.get("cost_usd"), Decimal):
        data["cost_usd"] = str(data["cost_usd"])
    return data
