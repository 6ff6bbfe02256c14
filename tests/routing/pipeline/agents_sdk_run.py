"""Run by test_agents_sdk in a process of its own, isolated (``python -I``): the OpenAI Agents
SDK's package is called ``agents``, like the hub's app, so it cannot be imported beside it.

Usage: agents_sdk_run.py BASE_URL KEY MODEL; prints the run's final output and item types.
"""

# ruff: noqa: I001 - `agents` here is the SDK, not the hub's app of that name
# mypy: ignore-errors
import asyncio
import json
import sys

from agents import Agent, Runner, function_tool, set_default_openai_client, set_tracing_disabled
from openai import AsyncOpenAI


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


async def main(base_url: str, key: str, model: str) -> None:
    set_tracing_disabled(True)  # traces would go to OpenAI's servers
    set_default_openai_client(AsyncOpenAI(base_url=base_url, api_key=key, max_retries=0))
    agent = Agent(name="Weather", instructions="Answer with the tool.", model=model,
                  tools=[get_weather])  # fmt: skip
    result = await Runner.run(agent, "What is the weather in Paris?")
    streamed = Runner.run_streamed(agent, "And the weather in Oslo?")
    async for _event in streamed.stream_events():
        pass
    print(json.dumps({
        "final": result.final_output,
        "items": [item.type for item in result.new_items],
        "streamed_final": streamed.final_output,
    }))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
