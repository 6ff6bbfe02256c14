"""Prompt library JSON: export, import back, idempotent re-import, clear errors."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from hub.prompts.exchange import FORMAT, prompts_export, prompts_import
from hub.prompts.models import PromptTemplate, PromptVersion
from hub.prompts.services import prompt_version_add, prompt_version_mark_production
from rag.services import CollectionFields, collection_create
from tests import factories
from tests.hub.prompts.factories import make_prompt

pytestmark = pytest.mark.django_db


def exported(workspace) -> bytes:
    return json.dumps(prompts_export(actor=factories.owner_actor(workspace))).encode()


def test_export_holds_every_template_and_version_oldest_first(workspace, other_workspace):
    template = make_prompt(workspace, name="Greet", category="Sales", versions=2)
    make_prompt(other_workspace, name="Not mine")
    prompt_version_mark_production(
        actor=factories.owner_actor(workspace), version=template.versions.get(number=1)
    )
    data = json.loads(exported(workspace))
    assert data["format"] == FORMAT and [p["name"] for p in data["prompts"]] == ["Greet"]
    versions = data["prompts"][0]["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["label"] == "production"
    assert versions[0]["variables"] == [{"name": "topic", "type": "text"}]


def test_round_trip_into_another_workspace_and_reimport_adds_nothing(workspace, other_workspace):
    template = make_prompt(workspace, name="Greet", category="Sales", versions=3)
    prompt_version_mark_production(
        actor=factories.owner_actor(workspace), version=template.versions.get(number=2)
    )
    raw = exported(workspace)
    actor = factories.owner_actor(other_workspace)

    first = prompts_import(actor=actor, raw=raw)
    assert first.created == ["Greet"] and first.versions_added == 3
    copy = PromptTemplate.objects.get(workspace=other_workspace, name="Greet")
    assert copy.category == "Sales"
    assert list(copy.versions.order_by("number").values_list("number", "body", "label")) == [
        (v.number, v.body, v.label) for v in template.versions.order_by("number")
    ]

    second = prompts_import(actor=actor, raw=raw)
    assert (second.created, second.updated, second.versions_added) == ([], [], 0)
    assert second.versions_present == 3
    assert PromptVersion.objects.filter(template__workspace=other_workspace).count() == 3


def test_import_appends_only_new_versions_and_keeps_the_existing_production(workspace):
    template = make_prompt(workspace, name="Greet", versions=1)
    actor = factories.owner_actor(workspace)
    prompt_version_mark_production(actor=actor, version=template.versions.get())
    data = json.loads(exported(workspace))
    data["prompts"][0]["versions"][0]["label"] = ""  # the file says the new one is production
    data["prompts"][0]["versions"].append(
        {"number": 7, "body": "Brand new {{topic}}", "label": "production"}
    )
    result = prompts_import(actor=actor, raw=json.dumps(data).encode())
    assert result.updated == ["Greet"] and result.versions_added == 1
    assert result.versions_present == 1
    new = template.versions.get(number=2)
    assert new.body == "Brand new {{topic}}" and new.label == ""
    assert template.versions.get(number=1).label == "production"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON (line 1"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[]", "not a prompt library export"),
        (json.dumps({"format": FORMAT, "prompts": {}}).encode(), '"prompts" must be a list'),
        (
            json.dumps({"format": FORMAT, "prompts": [{"name": "x", "versions": []}]}).encode(),
            "prompts[0].versions must be a non-empty list",
        ),
        (
            json.dumps(
                {"format": FORMAT, "prompts": [{"name": "x", "versions": [{"body": 3}]}]}
            ).encode(),
            "prompts[0].versions[0].body must be a string",
        ),
        (
            json.dumps(
                {
                    "format": FORMAT,
                    "prompts": [
                        {"name": "x", "versions": [{"body": "a", "variables": [{"name": "q"}]}]}
                    ],
                }
            ).encode(),
            "prompts[0].versions[0].variables: Declared but not used",
        ),
    ],
)
def test_a_malformed_file_raises_a_clear_error_and_writes_nothing(workspace, raw, message):
    with pytest.raises(ValidationError) as raised:
        prompts_import(actor=factories.owner_actor(workspace), raw=raw)
    assert message in " ".join(raised.value.messages)
    assert not PromptTemplate.objects.exists()


def test_one_bad_prompt_rejects_the_whole_file(workspace):
    good = {"name": "Good", "versions": [{"body": "fine"}]}
    bad = {"name": "Bad", "versions": [{"body": ""}]}
    raw = json.dumps({"format": FORMAT, "prompts": [good, bad]}).encode()
    with pytest.raises(ValidationError, match=r"prompts\[1\]"):
        prompts_import(actor=factories.owner_actor(workspace), raw=raw)
    assert not PromptTemplate.objects.exists()


def test_a_versions_collections_travel_by_name_and_unknown_ones_are_reported(
    workspace, other_workspace
):
    for target, names in ((workspace, ("Handbook", "Legal")), (other_workspace, ("Handbook",))):
        for name in names:
            collection_create(
                actor=factories.owner_actor(target), fields=CollectionFields(name=name)
            )
    template = make_prompt(workspace, name="Grounded")
    prompt_version_add(
        actor=factories.owner_actor(workspace), template=template,
        body="Answer from the handbook", collections=["Handbook", "Legal"],
    )  # fmt: skip
    raw = exported(workspace)
    assert json.loads(raw)["prompts"][0]["versions"][1]["collections"] == ["Handbook", "Legal"]

    result = prompts_import(actor=factories.owner_actor(other_workspace), raw=raw)
    assert result.collections_missing == ["Legal"] and result.versions_added == 2
    copy = PromptVersion.objects.filter(template__workspace=other_workspace)
    assert {v.number: v.collections for v in copy} == {1: [], 2: ["Handbook"]}

    broken = raw.replace(b'"Handbook"', b"42")
    with pytest.raises(ValidationError, match="collections must hold names"):
        prompts_import(actor=factories.owner_actor(other_workspace), raw=broken)
