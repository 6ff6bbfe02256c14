"""The clock tool: the current date and time, in UTC or an IANA time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone

from agents.tools.base import JSON, ToolResult, ToolSpec


async def _run(arguments: JSON) -> ToolResult:
    name = str(arguments.get("timezone") or "UTC")
    if name != "UTC" and name not in available_timezones():
        return ToolResult(f"Unknown time zone {name!r}; use an IANA name such as "
                          "Europe/Paris.", is_error=True)  # fmt: skip
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ToolResult(f"Unknown time zone {name!r}.", is_error=True)
    now: datetime = timezone.now().astimezone(zone)
    return ToolResult(f"{now.isoformat(timespec='seconds')} ({now:%A}, {name})")


CLOCK = ToolSpec(
    name="current_time",
    description="The current date and time, in UTC or the IANA time zone given.",
    parameters={
        "type": "object",
        "properties": {"timezone": {"type": "string", "description": "e.g. Europe/Paris"}},
        "additionalProperties": False,
    },
    run=_run,
)
