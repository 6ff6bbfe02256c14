"""REST for the prompt library: what the prompt pages do, for scripts, with the same rules."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.prompts.exchange import prompts_export
from hub.prompts.models import PromptTemplate, PromptVersion
from tests import factories
from tests.clients import assert_openai_error, make_key
from tests.hub.prompts.factories import make_prompt
from workspaces.models import ApiKeyScope

pytestmark = pytest.mark.django_db

JSON = "application/json"


def url(workspace, *parts: object) -> str:
    tail = "".join(f"{part}/" for part in parts)
    return f"/api/workspaces/{workspace.slug}/prompts/{tail}"


@pytest.fixture
def owner_api(session_client, owner):
    return session_client(owner)


def create(client, workspace, **fields):
    body = {"name": "Summary", "body": "Summarise {{topic}}.", **fields}
    return client.post(url(workspace), body, format="json")


def test_create_answers_201_with_the_prompt_and_its_version_1(owner_api, workspace):
    response = create(
        owner_api,
        workspace,
        system_prompt="You write in a {{tone}} tone.",
        variables=[{"name": "tone", "type": "choice", "options": ["formal", "friendly"]}],
        category="Support",
        description="Short summaries",
        note="first",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["name"], data["category"], data["description"]) == (
        "Summary",
        "Support",
        "Short summaries",
    )
    assert (data["version_count"], data["latest_version"], data["production_version"]) == (
        1,
        1,
        None,
    )
    (version,) = data["versions"]
    assert version["number"] == 1 and version["note"] == "first" and version["label"] == ""
    assert version["variables"] == [
        {"name": "tone", "type": "choice", "options": ["formal", "friendly"]},
        {"name": "topic", "type": "text"},
    ]
    assert PromptTemplate.objects.get(pk=data["id"]).workspace == workspace


def test_list_filters_by_search_and_category_and_shows_version_numbers(owner_api, workspace):
    make_prompt(workspace, name="Triage", category="Support", versions=3)
    make_prompt(workspace, name="Poem", body="A poem about {{subject}}.")
    listed = owner_api.get(url(workspace)).json()
    assert listed["count"] == 2
    triage = next(p for p in listed["results"] if p["name"] == "Triage")
    assert (triage["version_count"], triage["latest_version"], triage["production_version"]) == (
        3,
        3,
        None,
    )
    by_text = owner_api.get(url(workspace), {"q": "poem about"}).json()["results"]
    assert [p["name"] for p in by_text] == ["Poem"]
    by_category = owner_api.get(url(workspace), {"category": "Support"}).json()["results"]
    assert [p["name"] for p in by_category] == ["Triage"]


def test_detail_lists_versions_newest_first(owner_api, workspace):
    prompt = make_prompt(workspace, versions=3)
    data = owner_api.get(url(workspace, prompt.pk)).json()
    assert [v["number"] for v in data["versions"]] == [3, 2, 1]
    assert set(data["versions"][0]) == {
        "number", "system_prompt", "body", "variables", "collections", "label", "note", "created_at",
    }  # fmt: skip


def test_patch_renames_and_keeps_the_versions(owner_api, workspace):
    prompt = make_prompt(workspace, name="Old", category="A", versions=2)
    response = owner_api.patch(url(workspace, prompt.pk), {"name": "New"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["category"]) == ("New", "A")
    assert response.json()["version_count"] == 2


def test_delete_answers_204_and_removes_the_versions(owner_api, workspace):
    prompt = make_prompt(workspace, versions=2)
    assert owner_api.delete(url(workspace, prompt.pk)).status_code == 204
    assert not PromptTemplate.objects.exists() and not PromptVersion.objects.exists()


def test_adding_a_version_answers_201_and_unchanged_text_answers_200_created_false(
    owner_api, workspace
):
    prompt = make_prompt(workspace)
    body = {"body": "Explain {{topic}} to a child.", "note": "simpler"}
    added = owner_api.post(url(workspace, prompt.pk, "versions"), body, format="json")
    assert added.status_code == 201, added.content
    assert (added.json()["number"], added.json()["created"], added.json()["note"]) == (
        2,
        True,
        "simpler",
    )
    again = owner_api.post(url(workspace, prompt.pk, "versions"), body, format="json")
    assert again.status_code == 200
    assert (again.json()["number"], again.json()["created"]) == (2, False)
    assert prompt.versions.count() == 2


def test_production_label_moves_between_versions_and_comes_off(owner_api, workspace):
    prompt = make_prompt(workspace, versions=3)
    marked = owner_api.post(url(workspace, prompt.pk, "versions", 1, "production"))
    assert marked.status_code == 200 and marked.json()["label"] == "production"
    owner_api.post(url(workspace, prompt.pk, "versions", 2, "production"))
    assert owner_api.get(url(workspace, prompt.pk)).json()["production_version"] == 2
    assert list(prompt.versions.filter(label="production").values_list("number", flat=True)) == [2]
    unmarked = owner_api.delete(url(workspace, prompt.pk, "versions", 2, "production"))
    assert unmarked.status_code == 200 and unmarked.json()["label"] == ""
    assert owner_api.get(url(workspace)).json()["results"][0]["production_version"] is None
    missing = owner_api.post(url(workspace, prompt.pk, "versions", 9, "production"))
    assert_openai_error(missing, 404)


def test_render_defaults_to_production_then_latest_and_takes_an_explicit_version(
    owner_api, workspace
):
    prompt = make_prompt(workspace, versions=2, system_prompt="Be brief about {{topic}}.")
    render_url = url(workspace, prompt.pk, "render")
    values = {"values": {"topic": "tides"}}
    latest = owner_api.post(render_url, values, format="json").json()
    assert latest == {
        "version": 2,
        "label": "",
        "messages": [{"role": "user", "content": "Version 2: explain tides."}],
    }
    owner_api.post(url(workspace, prompt.pk, "versions", 1, "production"))
    production = owner_api.post(render_url, values, format="json").json()
    assert (production["version"], production["label"]) == (1, "production")
    assert production["messages"] == [
        {"role": "system", "content": "Be brief about tides."},
        {"role": "user", "content": "Summarise tides in one line."},
    ]
    explicit = owner_api.post(render_url, {**values, "version": 2}, format="json").json()
    assert explicit["version"] == 2


@pytest.mark.parametrize(
    ("values", "param", "listed"),
    [
        ({}, "values.topic", {"missing": ["tone", "topic"]}),
        ({"topic": "  ", "tone": "formal"}, "values.topic", {"missing": ["topic"]}),
        ({"topic": "x", "tone": "formal", "colour": "red"}, "values.colour", {"unknown": ["colour"]}),
        ({"topic": "x", "tone": "angry"}, "values.tone", {"invalid": ["tone"]}),
        ({"topic": 5, "tone": "formal"}, "values.topic", {"invalid": ["topic"]}),
    ],
)  # fmt: skip
def test_render_errors_are_400_naming_the_variables(owner_api, workspace, values, param, listed):
    prompt = make_prompt(
        workspace,
        body="{{topic}} in a {{tone}} tone",
        variables=[{"name": "tone", "type": "choice", "options": ["formal", "friendly"]}],
    )
    response = owner_api.post(
        url(workspace, prompt.pk, "render"), {"values": values}, format="json"
    )
    error = assert_openai_error(response, 400, param=param)
    for key, names in listed.items():
        assert sorted(error[key]) == names
    assert param.removeprefix("values.") in error["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"values": ["topic"]}, "values"),
        ({"values": {"topic": "x"}, "version": 7}, "version"),
        ({"values": {"topic": "x"}, "version": "two"}, "version"),
    ],
)
def test_render_with_a_bad_body_is_400_naming_the_field(owner_api, workspace, body, param):
    prompt = make_prompt(workspace)
    response = owner_api.post(url(workspace, prompt.pk, "render"), body, format="json")
    assert_openai_error(response, 400, param=param)


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"variables": "tone"}, "variables"),
        ({"variables": [{"name": "unused"}]}, "variables"),
        ({"variables": [{"name": "topic", "type": "choice"}]}, "variables"),
        ({"variables": [{"name": "topic", "type": "date"}]}, "variables"),
        ({"body": {"text": "hi"}}, "body"),
    ],
)
def test_bad_prompts_are_400_naming_the_field(owner_api, workspace, fields, param):
    assert_openai_error(create(owner_api, workspace, **fields), 400, param=param)
    assert not PromptTemplate.objects.exists()


def test_a_taken_name_is_400_on_create_and_on_rename(owner_api, workspace):
    make_prompt(workspace, name="Taken")
    assert_openai_error(create(owner_api, workspace, name="Taken"), 400, param="name")
    mine = make_prompt(workspace, name="Mine")
    renamed = owner_api.patch(url(workspace, mine.pk), {"name": "Taken"}, format="json")
    assert_openai_error(renamed, 400, param="name")
    bad_version = owner_api.post(url(workspace, mine.pk, "versions"), {}, format="json")
    assert_openai_error(bad_version, 400, param="body")


def test_export_then_import_into_another_workspace_round_trips(
    owner_api, workspace, other_workspace, session_client
):
    prompt = make_prompt(workspace, name="Shared", category="Ops", versions=2)
    owner_api.post(url(workspace, prompt.pk, "versions", 1, "production"))
    exported = owner_api.get(url(workspace, "export"))
    assert exported.status_code == 200
    assert exported.json()["format"] == "provider-hub.prompts"
    raw = exported.content

    other = session_client(other_workspace.memberships.get(role="owner").user)
    imported = other.post(url(other_workspace, "import"), raw, content_type=JSON)
    assert imported.status_code == 200, imported.content
    assert imported.json() == {
        "created": ["Shared"],
        "updated": [],
        "versions_added": 2,
        "versions_present": 0,
        "collections_missing": [],
    }
    copy = other.get(url(other_workspace)).json()["results"][0]
    assert (copy["name"], copy["category"], copy["production_version"]) == ("Shared", "Ops", 1)
    again = other.post(url(other_workspace, "import"), raw, content_type=JSON).json()
    assert (again["versions_added"], again["versions_present"]) == (0, 2)
    versions = other.get(url(other_workspace, copy["id"])).json()["versions"]
    original = owner_api.get(url(workspace, prompt.pk)).json()["versions"]
    assert [(v["body"], v["label"]) for v in versions] == [
        (v["body"], v["label"]) for v in original
    ]


def test_import_takes_a_multipart_file_like_the_page(owner_api, workspace, other_workspace):
    make_prompt(other_workspace, name="From a file")
    data = prompts_export(actor=factories.owner_actor(other_workspace))
    upload = SimpleUploadedFile("prompts.json", json.dumps(data).encode(), content_type=JSON)
    response = owner_api.post(url(workspace, "import"), {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == ["From a file"]


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "not valid JSON"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"format": "something-else", "prompts": []}', "not a prompt library export"),
        (b'{"format": "provider-hub.prompts", "prompts": [{"name": "x"}]}', "versions"),
        (b'{"format": "provider-hub.prompts", "prompts": [{"name": "x", "versions": [{"body": "{{a}}", "variables": [{"name": "b"}]}]}]}', "variables"),
    ],
)  # fmt: skip
def test_a_broken_import_is_400_with_the_reason_and_writes_nothing(owner_api, workspace, raw, says):
    response = owner_api.post(url(workspace, "import"), raw, content_type=JSON)
    error = assert_openai_error(response, 400, param="file")
    assert says in error["message"]
    assert not PromptTemplate.objects.exists()


def test_a_body_past_the_import_limit_is_400_and_is_not_read_to_its_end(
    owner_api, workspace, settings
):
    settings.HUB_IMPORT_MAX_BYTES = 100
    raw = b'{"format": "provider-hub.prompts", "prompts": []}' + b" " * 200
    error = assert_openai_error(
        owner_api.post(url(workspace, "import"), raw, content_type=JSON), 400, param="file"
    )
    assert "the limit is" in error["message"]


def test_a_multipart_file_nested_past_what_json_parses_is_a_400(owner_api, workspace):
    upload = SimpleUploadedFile("prompts.json", b"[" * 100_000, content_type=JSON)
    response = owner_api.post(url(workspace, "import"), {"file": upload}, format="multipart")
    assert "nested too deeply" in assert_openai_error(response, 400, param="file")["message"]


def test_a_multipart_import_without_a_file_is_400(owner_api, workspace):
    response = owner_api.post(url(workspace, "import"), {"other": "x"}, format="multipart")
    assert_openai_error(response, 400, param="file")


def test_viewer_reads_and_renders_but_gets_403_on_every_write(session_client, member_of, workspace):
    prompt = make_prompt(workspace)
    viewer = session_client(member_of("viewer"))
    assert viewer.get(url(workspace)).json()["count"] == 1
    assert viewer.get(url(workspace, prompt.pk)).status_code == 200
    assert viewer.get(url(workspace, "export")).status_code == 200
    rendered = viewer.post(
        url(workspace, prompt.pk, "render"), {"values": {"topic": "x"}}, format="json"
    )
    assert rendered.status_code == 200
    writes = [
        ("post", url(workspace), {"name": "N", "body": "b"}),
        ("patch", url(workspace, prompt.pk), {"name": "N"}),
        ("delete", url(workspace, prompt.pk), None),
        ("post", url(workspace, prompt.pk, "versions"), {"body": "new {{topic}}"}),
        ("post", url(workspace, prompt.pk, "versions", 1, "production"), None),
        ("delete", url(workspace, prompt.pk, "versions", 1, "production"), None),
        ("post", url(workspace, "import"), {"format": "provider-hub.prompts", "prompts": []}),
    ]
    for method, target, body in writes:
        response = getattr(viewer, method)(target, body, format="json")
        assert_openai_error(response, 403)
    prompt.refresh_from_db()
    assert prompt.versions.count() == 1 and PromptTemplate.objects.count() == 1


def test_a_member_writes_prompts(session_client, member_of, workspace):
    member = session_client(member_of("member"))
    assert create(member, workspace).status_code == 201


def test_a_read_key_reads_and_renders_and_writing_needs_the_inference_scope(
    key_client, owner, workspace
):
    prompt = make_prompt(workspace)
    reader = key_client(make_key(owner, workspace, [ApiKeyScope.READ]))
    assert reader.get(url(workspace, prompt.pk)).status_code == 200
    rendered = reader.post(
        url(workspace, prompt.pk, "render"), {"values": {"topic": "x"}}, format="json"
    )
    assert rendered.status_code == 200
    assert_openai_error(create(reader, workspace), 403)
    manager = key_client(make_key(owner, workspace, [ApiKeyScope.READ, ApiKeyScope.MANAGE]))
    assert_openai_error(create(manager, workspace), 403)
    writer = key_client(make_key(owner, workspace, [ApiKeyScope.READ, ApiKeyScope.INFERENCE]))
    assert create(writer, workspace).status_code == 201


def test_another_workspaces_prompt_is_404_and_never_listed(owner_api, workspace, other_workspace):
    theirs = make_prompt(other_workspace, name="Their secret prompt", versions=2)
    for method, target, body in [
        ("get", url(workspace, theirs.pk), None),
        ("patch", url(workspace, theirs.pk), {"name": "Mine now"}),
        ("delete", url(workspace, theirs.pk), None),
        ("post", url(workspace, theirs.pk, "versions"), {"body": "x {{topic}}"}),
        ("post", url(workspace, theirs.pk, "versions", 1, "production"), None),
        ("post", url(workspace, theirs.pk, "render"), {"values": {"topic": "x"}}),
    ]:
        response = getattr(owner_api, method)(target, body, format="json")
        assert_openai_error(response, 404)
        assert "Their secret prompt" not in response.content.decode()
    assert owner_api.get(url(workspace)).json()["count"] == 0
    assert owner_api.get(url(workspace, "export")).json()["prompts"] == []
    theirs.refresh_from_db()
    assert theirs.name == "Their secret prompt" and theirs.versions.count() == 2
    assert not theirs.versions.filter(label="production").exists()
