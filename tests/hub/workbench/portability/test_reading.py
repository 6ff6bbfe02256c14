"""Uploads as a whole: JSON or zip, which export it is, and clear errors for anything else."""

from __future__ import annotations

import json

import pytest

from hub.workbench.portability.reading import export_read
from tests.archives import zip_bytes
from tests.hub.workbench.portability.helpers import fixture_bytes
from workspaces.uploads import FileRejected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "not valid JSON (line 1, column 1"),
        (b'[{"mapping": {}', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"42", "not a ChatGPT, Claude or Provider Hub export"),
        (b'{"hello": "world"}', "not a ChatGPT, Claude or Provider Hub export"),
        (b"[]", "holds no conversations"),
        (b"[1, 2, 3]", "holds no conversations"),
        (b'[{"title": "x", "messages": []}]', "neither a “mapping” (ChatGPT) nor “chat_messages”"),
        (b'{"format": "provider-hub.conversations"}', "no “conversations” list"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"PK\x03\x04garbage", "damaged or encrypted"),
        (zip_bytes({"users.json": b"[]"}), "no conversations.json"),
    ],
)
def test_an_unusable_file_is_one_clear_error(raw, message):
    with pytest.raises(FileRejected) as raised:
        export_read(raw)
    assert message in " ".join(raised.value.messages)


def test_formats_are_recognised():
    assert export_read(fixture_bytes("chatgpt_conversations.json")).source == "chatgpt"
    assert export_read(fixture_bytes("claude_conversations.json")).source == "claude"
    hub = json.dumps({"format": "provider-hub.conversations", "conversations": [{}]})
    assert export_read(hub.encode()).source == "hub"


def test_one_conversation_on_its_own_is_accepted():
    single = json.loads(fixture_bytes("claude_conversations.json"))[0]
    export = export_read(json.dumps(single).encode())
    assert export.source == "claude" and len(export.items) == 1


def test_a_byte_order_mark_is_fine():
    assert export_read(b"\xef\xbb\xbf" + fixture_bytes("claude_conversations.json")).items


def test_the_export_zip_is_read_for_its_conversations_json():
    archive = zip_bytes(
        {
            "user.json": b"{}",
            "file-abc.png": b"\x89PNG" + b"\0" * 100,
            "conversations.json": fixture_bytes("chatgpt_conversations.json"),
        }
    )
    assert export_read(archive).source == "chatgpt"


def test_files_over_the_limit_are_refused_unread(settings):
    settings.HUB_IMPORT_MAX_BYTES = 1000
    with pytest.raises(FileRejected, match="the limit is"):
        export_read(b"[" + b" " * 2000 + b"]")


def test_a_zip_that_unpacks_past_the_limit_is_refused(settings):
    settings.HUB_IMPORT_MAX_BYTES = 10_000
    bomb = zip_bytes({"conversations.json": b"[" + b" " * 500_000 + b"]"})
    assert len(bomb) < 10_000
    with pytest.raises(FileRejected, match=r"conversations\.json in the zip is larger"):
        export_read(bomb)
