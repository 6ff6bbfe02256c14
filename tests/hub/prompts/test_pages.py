"""Prompt library pages: the write flow, search, roles, the use endpoint, save-from-message."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from hub.prompts.exchange import FORMAT
from hub.prompts.models import PromptTemplate, VersionLabel
from rag.models import Collection
from tests.clients import htmx
from tests.hub.prompts.factories import make_prompt
from tests.hub.workbench.portability.factories import make_conversation

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def url(name: str, workspace, *args) -> str:
    return reverse(name, args=[workspace.slug, *args])


def test_create_edit_compare_label_and_delete(owner_client, workspace):
    response = owner_client.post(
        url("prompt-create", workspace),
        {
            "name": "Support reply",
            "category": "Support",
            "body": "Answer {{question}} kindly.",
            "variables": "tone: formal | friendly",
            "system_prompt": "Use a {{tone}} tone.",
        },
    )
    template = PromptTemplate.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == url("prompt-detail", workspace, template.pk)
    assert template.versions.get().variables[0] == {
        "name": "tone",
        "type": "choice",
        "options": ["formal", "friendly"],
    }

    edit = url("prompt-edit", workspace, template.pk)
    form = owner_client.get(edit).content.decode()
    assert "Answer {{question}} kindly." in form and "tone: formal | friendly" in form
    owner_client.post(
        edit,
        {
            "name": "Support reply",
            "category": "Support",
            "body": "Answer {{question}} briefly.",
            "variables": "tone: formal | friendly",
            "system_prompt": "Use a {{tone}} tone.",
            "note": "shorter",
        },
    )
    assert list(template.versions.values_list("number", flat=True)) == [2, 1]

    detail = owner_client.get(url("prompt-detail", workspace, template.pk)).content.decode()
    assert "Changes from v1 to v2" in detail
    assert 'diff-removed"' in detail and "Answer {{question}} kindly." in detail
    assert 'href="/static/css/library.css"' in detail

    v1 = template.versions.get(number=1)
    owner_client.post(url("prompt-version-label", workspace, template.pk, v1.pk))
    v1.refresh_from_db()
    assert v1.label == VersionLabel.PRODUCTION
    listing = owner_client.get(url("prompt-list", workspace)).content.decode()
    assert "v1" in listing and "Support reply" in listing

    owner_client.post(url("prompt-delete", workspace, template.pk))
    assert not PromptTemplate.objects.exists()


def test_saving_unchanged_text_makes_no_new_version(owner_client, workspace):
    template = make_prompt(workspace, name="Same")
    response = owner_client.post(
        url("prompt-edit", workspace, template.pk),
        {"name": "Same", "body": "Summarise {{topic}} in one line."},
        follow=True,
    )
    assert "no new version" in response.content.decode()
    assert template.versions.count() == 1


def test_form_errors_are_shown_not_raised(owner_client, workspace):
    make_prompt(workspace, name="Taken")
    response = owner_client.post(
        url("prompt-create", workspace), {"name": "Taken", "body": "x", "variables": "q"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "already exists" in page or "Declared but not used" in page
    response = owner_client.post(
        url("prompt-create", workspace), {"name": "New", "body": "x", "variables": ": a"}
    )
    assert response.status_code == 400 and "names no variable" in response.content.decode()


def test_list_searches_and_filters_by_category(owner_client, workspace):
    make_prompt(workspace, name="Refund letter", category="Support")
    make_prompt(workspace, name="Cold email", category="Sales")
    page = owner_client.get(url("prompt-list", workspace), {"q": "refund"}).content.decode()
    assert "Refund letter" in page and "Cold email" not in page
    page = owner_client.get(url("prompt-list", workspace), {"category": "Sales"}).content.decode()
    assert "Cold email" in page and "Refund letter" not in page
    page = owner_client.get(url("prompt-list", workspace), {"q": "zzz"}).content.decode()
    assert "No prompt matches" in page


def test_the_nav_links_to_the_prompt_library(owner_client, workspace):
    page = owner_client.get(url("workspace-overview", workspace)).content.decode()
    assert f'href="{url("prompt-list", workspace)}"' in page


def test_viewers_read_and_use_prompts_but_cannot_write(member_of, signed_in, workspace):
    template = make_prompt(workspace, name="Read me", versions=2)
    version = template.versions.get(number=1)
    client = signed_in(member_of("viewer"))
    for page in ("prompt-list", "prompt-export", "prompt-picker"):
        assert client.get(url(page, workspace)).status_code == 200, page
    detail = client.get(url("prompt-detail", workspace, template.pk))
    assert detail.status_code == 200
    assert "Mark as production" not in detail.content.decode()
    assert "New prompt" not in client.get(url("prompt-list", workspace)).content.decode()
    forbidden = [
        url("prompt-create", workspace),
        url("prompt-import", workspace),
        url("prompt-edit", workspace, template.pk),
        url("prompt-delete", workspace, template.pk),
    ]
    for page in forbidden:
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"name": "x", "body": "y"}).status_code == 403, page
    label = url("prompt-version-label", workspace, template.pk, version.pk)
    assert client.post(label).status_code == 403
    assert client.post(url("prompt-from-message", workspace), {"message_id": 1}).status_code == 403
    used = client.post(
        url("prompt-use", workspace, template.pk),
        {"var-topic": "tides"},
        headers={"Accept": "application/json"},
    )
    assert used.status_code == 200
    assert template.versions.count() == 2 and not template.versions.exclude(label="").exists()


def test_members_may_write(member_of, signed_in, workspace):
    client = signed_in(member_of("member"))
    response = client.post(url("prompt-create", workspace), {"name": "Mine", "body": "Hi"})
    assert response.status_code == 302


def test_use_form_partial_has_a_field_per_variable(owner_client, workspace):
    template = make_prompt(
        workspace,
        body="Write to {{name}} in a {{tone}} tone.",
        variables=[{"name": "tone", "type": "choice", "options": ["formal", "warm"]}],
    )
    response = owner_client.get(url("prompt-use", workspace, template.pk), headers=HX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert 'name="var-name"' in page and 'name="var-tone"' in page
    assert '<option value="warm">' in page and 'name="version" value="1"' in page


def test_use_answers_the_rendered_text_as_json(owner_client, workspace):
    template = make_prompt(
        workspace, system_prompt="For {{audience}}.", body="Explain {{topic}}.", versions=1
    )
    response = owner_client.post(
        url("prompt-use", workspace, template.pk),
        {"var-topic": "tides", "var-audience": "kids"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "prompt": {"id": template.pk, "name": template.name, "version": 1, "label": ""},
        "system": "For kids.",
        "text": "Explain tides.",
        "messages": [
            {"role": "system", "content": "For kids."},
            {"role": "user", "content": "Explain tides."},
        ],
        "variables": {"audience": "kids", "topic": "tides"},
        "collections": [],
    }


def test_use_takes_a_json_body_and_a_version_number(owner_client, workspace):
    template = make_prompt(workspace, versions=2)
    response = owner_client.post(
        url("prompt-use", workspace, template.pk),
        {"version": 1, "variables": {"topic": "tides"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["text"] == "Summarise tides in one line."


def test_use_errors_are_json_naming_the_variables(owner_client, workspace):
    template = make_prompt(workspace)
    use = url("prompt-use", workspace, template.pk)
    response = owner_client.post(use, {"variables": {"nope": "x"}}, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["missing"] == ["topic"] and error["unknown"] == ["nope"]
    assert "Fill in topic." in error["message"]
    bad_json = owner_client.post(use, b"{", content_type="application/json")
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]["message"]
    deep = owner_client.post(use, b"[" * 100_000, content_type="application/json")
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["error"]["message"]
    no_version = owner_client.post(
        use, {"version": 9, "variables": {}}, content_type="application/json"
    )
    assert no_version.status_code == 404 and "error" in no_version.json()


def test_use_from_htmx_answers_a_preview(owner_client, workspace):
    template = make_prompt(workspace)
    use = url("prompt-use", workspace, template.pk)
    response = htmx(owner_client, use, {"var-topic": "<b>tides</b>"})
    page = response.content.decode()
    assert response.status_code == 200 and "Summarise &lt;b&gt;tides&lt;/b&gt; in one line." in page
    missing = htmx(owner_client, use, {})
    assert missing.status_code == 400 and "Fill in topic." in missing.content.decode()


def test_picker_lists_and_searches_prompts(owner_client, workspace):
    make_prompt(workspace, name="Refund letter")
    make_prompt(workspace, name="Cold email")
    picker = url("prompt-picker", workspace)
    page = owner_client.get(picker, {"q": "refund"}, headers=HX).content.decode()
    assert "Refund letter" in page and "Cold email" not in page and "<html" not in page
    full = owner_client.get(picker).content.decode()
    assert "<html" in full and "Cold email" in full and 'id="prompt-use-panel"' in full


def test_use_without_htmx_is_a_whole_page(owner_client, workspace):
    template = make_prompt(workspace, name="Standalone")
    page = owner_client.get(url("prompt-use", workspace, template.pk)).content.decode()
    assert "<html" in page and "Use “Standalone”" in page and 'name="var-topic"' in page


def test_save_a_chat_message_as_a_prompt(owner_client, owner, workspace):
    conversation = make_conversation(
        workspace, system_prompt="Be brief.", turns=[("user", "Explain {{topic}} to me")]
    )
    message = conversation.messages.get()
    response = owner_client.post(url("prompt-from-message", workspace), {"message_id": message.pk})
    template = PromptTemplate.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == url("prompt-edit", workspace, template.pk)
    version = template.versions.get()
    assert version.body == "Explain {{topic}} to me" and version.system_prompt == "Be brief."
    assert version.variables == [{"name": "topic", "type": "text"}]
    assert template.created_by == owner

    again = owner_client.post(
        url("prompt-from-message", workspace),
        {"message_id": message.pk, "name": "Explainer"},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 201
    body = again.json()
    assert body["name"] == "Explainer"
    assert body["url"] == url("prompt-detail", workspace, body["id"])


def test_save_as_prompt_only_from_my_own_conversations_here(
    owner_client, workspace, other_workspace, member_of
):
    someone_else = make_conversation(workspace, member_of("member"))
    elsewhere = make_conversation(other_workspace)
    for conversation in (someone_else, elsewhere):
        message = conversation.messages.first()
        response = owner_client.post(
            url("prompt-from-message", workspace), {"message_id": message.pk}
        )
        assert response.status_code == 404
    assert (
        owner_client.post(url("prompt-from-message", workspace), {"message_id": "x"}).status_code
        == 404
    )
    assert not PromptTemplate.objects.exists()


def test_export_downloads_and_import_page_reports(
    owner_client, signed_in, workspace, other_workspace
):
    make_prompt(workspace, name="Shared", versions=2)
    response = owner_client.get(url("prompt-export", workspace))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == FORMAT

    client = signed_in(other_workspace.memberships.get(role="owner").user)
    upload = _file("prompts.json", response.content)
    page = client.post(url("prompt-import", other_workspace), {"file": upload})
    assert page.status_code == 200
    assert "Versions added" in page.content.decode()
    again = client.post(
        url("prompt-import", other_workspace), {"file": _file("p.json", response.content)}
    )
    assert again.status_code == 200
    assert PromptTemplate.objects.get(workspace=other_workspace).versions.count() == 2


def test_a_malformed_import_is_a_form_error(owner_client, workspace):
    response = owner_client.post(
        url("prompt-import", workspace), {"file": _file("x.json", b"[1, 2")}
    )
    assert response.status_code == 400 and "not valid JSON" in response.content.decode()
    deep = owner_client.post(
        url("prompt-import", workspace), {"file": _file("x.json", b"[" * 100_000)}
    )
    assert deep.status_code == 400 and "nested too deeply" in deep.content.decode()
    response = owner_client.post(url("prompt-import", workspace), {})
    assert response.status_code == 400


def test_an_oversized_import_is_refused_before_parsing(owner_client, workspace, settings):
    """The one import limit of the hub (HUB_IMPORT_MAX_BYTES) holds for prompts too."""
    settings.HUB_IMPORT_MAX_BYTES = 10
    response = owner_client.post(
        url("prompt-import", workspace), {"file": _file("x.json", b"[" + b" " * 50 + b"]")}
    )
    assert response.status_code == 400 and "the limit is" in response.content.decode()


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/json")


def test_save_as_prompt_from_htmx_answers_a_note_and_refuses_an_empty_message(
    owner_client, workspace
):
    conversation = make_conversation(workspace, turns=[("user", "Keep me"), ("assistant", "")])
    keep, empty = conversation.messages.order_by("id")
    response = htmx(owner_client, url("prompt-from-message", workspace), {"message_id": keep.pk})
    assert response.status_code == 200 and "Saved as" in response.content.decode()
    response = owner_client.post(
        url("prompt-from-message", workspace),
        {"message_id": empty.pk},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "This message has no text to save."


def test_a_version_naming_collections_is_grounded_where_it_is_used(owner_client, workspace):
    handbook = Collection.objects.create(workspace=workspace, name="Handbook")
    response = owner_client.post(
        url("prompt-create", workspace),
        {
            "name": "Policy question",
            "body": "What does the policy say about {{topic}}?",
            "collections": ["Handbook"],
        },
    )
    template = PromptTemplate.objects.get(name="Policy question")
    assert response.status_code == 302 and template.versions.get().collections == ["Handbook"]
    used = owner_client.post(
        url("prompt-use", workspace, template.pk),
        {"variables": {"topic": "hotels"}},
        content_type="application/json",
    )
    assert used.json()["collections"] == [{"id": handbook.pk, "name": "Handbook"}]
    refused = owner_client.post(
        url("prompt-create", workspace), {"name": "Other", "body": "x", "collections": ["Nope"]}
    )
    assert refused.status_code == 400 and not PromptTemplate.objects.filter(name="Other").exists()
