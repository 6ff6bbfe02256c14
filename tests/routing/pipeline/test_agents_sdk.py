"""The OpenAI Agents SDK, unmodified, with its default model (the Responses API) and a
function tool, through an alias without a slash (the SDK reads ``a/b`` as a provider
prefix), against the live hub and the simulated provider."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from routing.models import ModelAlias
from tests.live_hub import recorded_usage

RUNNER = Path(__file__).with_name("agents_sdk_run.py")


def test_an_agent_calls_its_tool_and_answers_through_an_alias(gateway, tmp_path):
    ModelAlias.objects.create(
        workspace=gateway.workspace, name="weather-bot", candidates=[{"model": "sim/echo"}]
    )
    done = subprocess.run(
        [sys.executable, "-I", str(RUNNER), gateway.v1, gateway.key, "weather-bot"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "OPENAI_AGENTS_DISABLE_TRACING": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    run = json.loads(done.stdout.strip().splitlines()[-1])
    assert run["items"] == ["tool_call_item", "tool_call_output_item", "message_output_item"]
    assert run["final"] == "The tool answered: sunny in Paris"
    assert run["streamed_final"] == "The tool answered: sunny in Oslo"
    records = recorded_usage()
    assert len(records) == 4 and {r.endpoint for r in records} == {"responses"}
    assert all(r.status == "success" and r.model == "weather-bot" for r in records)
    assert {r.provider_slug for r in records} == {"sim"}
