"""“Export as code”: the conversation's last call against this hub's ``/v1``, as curl,
Python (openai), TypeScript (openai) and LangChain (langchain-openai).

The API key is always the placeholder ``$HUB_API_KEY`` read from the environment; no key
is ever looked up here. Every literal is written with ``json.dumps``: message lists hold
only strings, so the JSON is also a valid Python and TypeScript literal, and JSON never
holds a raw newline, so the curl heredoc cannot end early.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from textwrap import indent
from typing import Any

from hub.workbench.models import Conversation, GenerationStatus, MessageRole
from hub.workbench.portability.markdown import active_branch
from hub.workbench.services import WORKBENCH_PARAMS

PLACEHOLDER_MODEL = "MODEL"
# The sampling parameters the workbench keeps, with their names in each client.


@dataclass(frozen=True)
class Snippet:
    key: str
    label: str
    language: str
    code: str


@dataclass(frozen=True)
class Call:
    base_url: str
    model: str
    messages: list[dict[str, str]]
    params: dict[str, float | int]


def call_of(conversation: Conversation, *, base_url: str) -> Call:
    """The request that produced the last answer on the branch shown: the system prompt
    and the turns up to the last user message (all of them when it is still unanswered)."""
    branch = [
        m
        for m in active_branch(conversation)
        if m.content.strip() and m.status != GenerationStatus.ERROR
    ]
    last_user = max((n for n, m in enumerate(branch) if m.role == MessageRole.USER), default=-1)
    turns = [{"role": m.role, "content": m.content} for m in branch[: last_user + 1]]
    if not turns:
        turns = [{"role": "user", "content": "Hello!"}]
    system = conversation.system_prompt.strip()
    messages = ([{"role": "system", "content": system}] if system else []) + turns
    answered_by = next((m.model for m in reversed(branch) if m.model), "")
    params = {
        name: value
        for name, value in (conversation.params or {}).items()
        if name in WORKBENCH_PARAMS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    }
    return Call(
        base_url=base_url.rstrip("/"),
        model=conversation.model or answered_by or PLACEHOLDER_MODEL,
        messages=messages,
        params=params,
    )


def snippets_for(call: Call) -> list[Snippet]:
    return [
        Snippet("curl", "curl", "shell", curl_snippet(call)),
        Snippet("python", "Python (openai)", "python", python_snippet(call)),
        Snippet("typescript", "TypeScript (openai)", "typescript", typescript_snippet(call)),
        Snippet("langchain", "LangChain (Python)", "python", langchain_snippet(call)),
    ]


def _literal(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _block(value: Any, level: int, step: int = 4) -> str:
    """A JSON literal over several lines, nested by ``step`` spaces, whose continuation
    lines sit ``level`` spaces in."""
    text = json.dumps(value, ensure_ascii=False, indent=step)
    first, _, rest = text.partition("\n")
    return first + ("\n" + indent(rest, " " * level) if rest else "")


def curl_snippet(call: Call) -> str:
    body = {"model": call.model, "messages": call.messages, **call.params}
    url = shlex.quote(f"{call.base_url}/chat/completions")
    return (
        f"curl {url} \\\n"
        '  -H "Authorization: Bearer $HUB_API_KEY" \\\n'
        '  -H "Content-Type: application/json" \\\n'
        "  -d @- <<'JSON'\n"
        f"{json.dumps(body, ensure_ascii=False, indent=2)}\n"
        "JSON\n"
    )


def python_snippet(call: Call) -> str:
    params = "".join(f"    {name}={value!r},\n" for name, value in call.params.items())
    return (
        "import os\n\n"
        "from openai import OpenAI\n\n"
        "client = OpenAI(\n"
        f"    base_url={_literal(call.base_url)},\n"
        '    api_key=os.environ["HUB_API_KEY"],\n'
        ")\n\n"
        "response = client.chat.completions.create(\n"
        f"    model={_literal(call.model)},\n"
        f"    messages={_block(call.messages, 4)},\n"
        f"{params}"
        ")\n"
        "print(response.choices[0].message.content)\n"
    )


def typescript_snippet(call: Call) -> str:
    params = "".join(f"  {name}: {_literal(value)},\n" for name, value in call.params.items())
    return (
        'import OpenAI from "openai";\n\n'
        "const client = new OpenAI({\n"
        f"  baseURL: {_literal(call.base_url)},\n"
        "  apiKey: process.env.HUB_API_KEY,\n"
        "});\n\n"
        "const completion = await client.chat.completions.create({\n"
        f"  model: {_literal(call.model)},\n"
        f"  messages: {_block(call.messages, 2, step=2)},\n"
        f"{params}"
        "});\n"
        "console.log(completion.choices[0].message.content);\n"
    )


LANGCHAIN_CLASSES = {"system": "SystemMessage", "user": "HumanMessage", "assistant": "AIMessage"}


def langchain_snippet(call: Call) -> str:
    params = "".join(f"    {name}={value!r},\n" for name, value in call.params.items())
    messages = "".join(
        f"    {LANGCHAIN_CLASSES[m['role']]}(content={_literal(m['content'])}),\n"
        for m in call.messages
    )
    used = sorted({LANGCHAIN_CLASSES[m["role"]] for m in call.messages})
    return (
        "import os\n\n"
        f"from langchain_core.messages import {', '.join(used)}\n"
        "from langchain_openai import ChatOpenAI\n\n"
        "llm = ChatOpenAI(\n"
        f"    model={_literal(call.model)},\n"
        f"    base_url={_literal(call.base_url)},\n"
        '    api_key=os.environ["HUB_API_KEY"],\n'
        f"{params}"
        ")\n\n"
        f"messages = [\n{messages}]\n"
        "print(llm.invoke(messages).content)\n"
    )
