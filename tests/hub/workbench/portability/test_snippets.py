"""“Export as code”: the right model, base URL and messages; valid code; never a real key."""

from __future__ import annotations

import ast
import json
import re

import pytest

from hub.workbench.portability.snippets import call_of, curl_snippet, snippets_for
from tests import factories
from tests.hub.workbench.portability.factories import make_conversation
from workspaces.models import ApiKeyScope
from workspaces.services import api_key_create

pytestmark = pytest.mark.django_db

BASE = "https://hub.example.com/v1"
TRICKY = "Line one\nShe said \"hi\" \\ and 'bye' — ünïcode ${HOME} `date` $(rm -rf /)\nJSON"


@pytest.fixture
def conversation(workspace):
    return make_conversation(
        workspace,
        model="openai/gpt-4o-mini",
        system_prompt="You are terse.",
        params={"temperature": 0.2, "max_tokens": 300, "junk": "x"},
        turns=[
            ("user", "First question"),
            ("assistant", "First answer"),
            ("user", TRICKY),
            ("assistant", "Last answer, not part of the request"),
        ],
    )


def test_the_call_is_the_request_that_produced_the_last_answer(conversation):
    call = call_of(conversation, base_url=BASE + "/")
    assert call.base_url == BASE and call.model == "openai/gpt-4o-mini"
    assert call.messages == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "First answer"},
        {"role": "user", "content": TRICKY},
    ]
    assert call.params == {"temperature": 0.2, "max_tokens": 300}


def test_python_snippets_compile_and_carry_model_url_and_messages(conversation):
    snippets = {s.key: s.code for s in snippets_for(call_of(conversation, base_url=BASE))}
    for key in ("python", "langchain"):
        code = snippets[key]
        compile(code, f"<{key}>", "exec")
        literals = [
            node.value
            for node in ast.walk(ast.parse(code))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        assert "openai/gpt-4o-mini" in literals and BASE in literals and TRICKY in literals
        assert 'os.environ["HUB_API_KEY"]' in code
    assert "temperature=0.2" in snippets["python"] and "max_tokens=300" in snippets["langchain"]
    assert "from langchain_openai import ChatOpenAI" in snippets["langchain"]
    assert "AIMessage(content=" in snippets["langchain"]


def test_typescript_snippet_uses_the_openai_package_and_the_hub(conversation):
    code = next(
        s.code for s in snippets_for(call_of(conversation, base_url=BASE)) if s.key == "typescript"
    )
    assert 'import OpenAI from "openai";' in code
    assert f'baseURL: "{BASE}"' in code and "apiKey: process.env.HUB_API_KEY" in code
    assert 'model: "openai/gpt-4o-mini"' in code and "temperature: 0.2" in code
    messages = code[code.index("messages: ") + len("messages: ") : code.index("\n  ],") + 4]
    assert json.loads(messages)[-1]["content"] == TRICKY


def test_curl_sends_the_exact_json_through_a_quoted_heredoc(conversation):
    code = curl_snippet(call_of(conversation, base_url=BASE))
    assert code.startswith(f"curl {BASE}/chat/completions \\\n")
    assert '-H "Authorization: Bearer $HUB_API_KEY"' in code
    body = code.split("<<'JSON'\n", 1)[1].rsplit("\nJSON\n", 1)[0]
    assert "\nJSON\n" not in body  # the heredoc ends only where it should
    assert json.loads(body) == {
        "model": "openai/gpt-4o-mini",
        "messages": call_of(conversation, base_url=BASE).messages,
        "temperature": 0.2,
        "max_tokens": 300,
    }


def test_no_snippet_ever_holds_a_real_key(conversation, workspace):
    owner = workspace.memberships.get(role="owner").user
    _key, raw_key = api_key_create(
        actor=factories.actor_for(owner, workspace), name="mine", scopes=[ApiKeyScope.INFERENCE]
    )
    for snippet in snippets_for(call_of(conversation, base_url=BASE)):
        assert raw_key not in snippet.code
        assert "HUB_API_KEY" in snippet.code
        assert not re.search(r"\b(hub|sk)-[A-Za-z0-9_-]{16,}", snippet.code), snippet.key


def test_an_empty_conversation_still_gives_a_runnable_call(workspace):
    conversation = make_conversation(workspace, model="", turns=[])
    call = call_of(conversation, base_url=BASE)
    assert call.model == "MODEL" and call.messages == [{"role": "user", "content": "Hello!"}]
    for snippet in snippets_for(call):
        if snippet.language == "python":
            compile(snippet.code, snippet.key, "exec")
