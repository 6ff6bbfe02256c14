"""Import and export pages: upload and summary, clear form errors, downloads, code, roles."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from hub.workbench.models import Conversation
from hub.workbench.portability.hub_format import FORMAT
from tests import factories
from tests.hub.workbench.portability.factories import make_conversation
from tests.hub.workbench.portability.helpers import fixture_bytes

pytestmark = pytest.mark.django_db


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


def upload(content: bytes, name: str = "conversations.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_import_page_imports_and_summarises_then_recognises_the_file(owner_client, workspace):
    page = url("conversation-import", workspace)
    assert owner_client.get(page).status_code == 200
    response = owner_client.post(
        page, {"file": upload(fixture_bytes("chatgpt_conversations.json"))}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "ChatGPT export imported" in body
    tides = Conversation.objects.get(title="Tide tables")
    assert f'href="{url("workbench-conversation", workspace, tides.pk)}"' in body
    assert "6 messages" in body

    again = owner_client.post(page, {"file": upload(fixture_bytes("chatgpt_conversations.json"))})
    assert again.status_code == 200
    assert Conversation.objects.count() == 2


def test_skipped_conversations_are_listed_with_the_reason(owner_client, workspace):
    response = owner_client.post(
        url("conversation-import", workspace),
        {"file": upload(fixture_bytes("claude_conversations.json"))},
    )
    assert "it has no messages with text" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{oops", "not valid JSON"),
        (b'{"some": "thing"}', "not a ChatGPT, Claude or Provider Hub export"),
        (b"PK\x03\x04nope", "damaged or encrypted"),
    ],
)
def test_a_malformed_upload_is_a_form_error_not_a_500(owner_client, workspace, content, message):
    response = owner_client.post(url("conversation-import", workspace), {"file": upload(content)})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Conversation.objects.exists()


def test_a_missing_or_oversized_upload_is_a_form_error(owner_client, workspace, settings):
    page = url("conversation-import", workspace)
    assert owner_client.post(page, {}).status_code == 400
    settings.HUB_IMPORT_MAX_BYTES = 1024
    response = owner_client.post(page, {"file": upload(b"[" + b" " * 4096 + b"]")})
    assert response.status_code == 400 and "the limit is" in response.content.decode()


def test_viewers_cannot_import(member_of, signed_in, workspace):
    client = signed_in(member_of("viewer"))
    page = url("conversation-import", workspace)
    assert client.get(page).status_code == 403
    response = client.post(page, {"file": upload(fixture_bytes("claude_conversations.json"))})
    assert response.status_code == 403 and not Conversation.objects.exists()


def test_json_and_markdown_downloads(owner_client, workspace):
    conversation = make_conversation(workspace, title="Tides: a study")
    response = owner_client.get(url("conversation-export-json", workspace, conversation.pk))
    assert response["Content-Disposition"] == 'attachment; filename="tides-a-study.json"'
    assert json.loads(response.content)["format"] == FORMAT
    response = owner_client.get(url("conversation-export-markdown", workspace, conversation.pk))
    assert response["Content-Type"].startswith("text/markdown")
    assert response.content.decode().startswith("# Tides: a study")


def test_export_all_then_import_elsewhere_round_trips(
    owner_client, signed_in, workspace, other_workspace
):
    make_conversation(workspace, title="One")
    make_conversation(workspace, title="Two")
    make_conversation(workspace, factories.add_member(workspace), title="Not mine")
    response = owner_client.get(url("conversation-export-all", workspace))
    data = json.loads(response.content)
    assert sorted(c["title"] for c in data["conversations"]) == ["One", "Two"]
    client = signed_in(other_workspace.memberships.get(role="owner").user)
    client.post(url("conversation-import", other_workspace), {"file": upload(response.content)})
    titles = Conversation.objects.filter(workspace=other_workspace).values_list("title", flat=True)
    assert sorted(titles) == ["One", "Two"]


def test_code_page_and_partial(owner_client, workspace):
    conversation = make_conversation(workspace, model="sim/echo")
    page = url("conversation-export-code", workspace, conversation.pk)
    full = owner_client.get(page).content.decode()
    assert "<html" in full and "Python (openai)" in full and "LangChain" in full
    assert "http://testserver/v1" in full and "HUB_API_KEY" in full
    partial = owner_client.get(page, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "&quot;sim/echo&quot;" in partial


def test_someone_elses_conversation_is_404_for_every_export(owner_client, workspace, member_of):
    conversation = make_conversation(workspace, member_of("member"))
    for name in (
        "conversation-export-json",
        "conversation-export-markdown",
        "conversation-export-code",
    ):
        assert owner_client.get(url(name, workspace, conversation.pk)).status_code == 404, name


def test_the_export_links_partial_renders_for_a_conversation(workspace):
    conversation = make_conversation(workspace)
    for key in ("workspace", "current_workspace"):  # a page's own, or the context processor's
        html = render_to_string(
            "portability/_export_links.html", {key: workspace, "conversation": conversation}
        )
        for name in ("json", "markdown", "code"):
            assert url(f"conversation-export-{name}", workspace, conversation.pk) in html
