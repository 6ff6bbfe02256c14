"""Suites, their prompts and imported cases, on the real database: what a user writes is
checked when written, cases are updated by key on a second import, and nothing reaches
into another workspace."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hub.evals.models import Case
from hub.evals.services import SuiteFields, cases_import, suite_create, suite_prompt_add
from hub.prompts.models import PromptTemplate
from hub.prompts.services import prompt_delete
from tests.factories import owner_actor
from tests.hub.prompts.factories import make_prompt

pytestmark = pytest.mark.django_db

CSV = b"_key,question,expected,_tags\nrefund,Where is my refund?,5 days,billing\nhello,Hi,Hello,\n"


def test_a_suite_is_checked_when_written(workspace):
    actor = owner_actor(workspace)
    suite = suite_create(
        actor=actor,
        fields=SuiteFields(
            name=" Support ", model_names=["sim/echo", "fast", "sim/echo"], repeats=3,
            params={"temperature": 0.2, "max_tokens": 200},
            assertions=[{"type": "contains", "value": ["{{expected}}"]}],
        ),
    )  # fmt: skip
    assert (suite.name, suite.model_names, suite.repeats) == ("Support", ["sim/echo", "fast"], 3)
    bad = [
        (SuiteFields(name="Support"), "name", "already exists"),
        (SuiteFields(name="x", repeats=0), "repeats", "1 to 20"),
        (SuiteFields(name="x", params={"seed": 1}), "params", "Unknown parameter seed"),
        (SuiteFields(name="x", params={"max_tokens": 2.5}), "params", "whole number"),
        (SuiteFields(name="x", params={"temperature": True}), "params", "from 0.0 to 2.0"),
        (SuiteFields(name="x", assertions=[{"type": "exec"}]), "assertions", "type must be"),
        (SuiteFields(name="x", model_names=["ok", ""]), "model_names", "model names"),
    ]
    for fields, field, message in bad:
        with pytest.raises(ValidationError) as refused:
            suite_create(actor=actor, fields=fields)
        assert message in " ".join(refused.value.message_dict[field]), (field, message)


def test_a_prompt_is_a_library_version_of_this_workspace_or_a_text_of_its_own(
    workspace, other_workspace
):
    actor = owner_actor(workspace)
    suite = suite_create(actor=actor, fields=SuiteFields(name="Greetings"))
    mine = make_prompt(workspace, name="Greet").versions.get()
    first = suite_prompt_add(actor=actor, suite=suite, version=mine)
    second = suite_prompt_add(actor=actor, suite=suite, body="Say hi to {{name}}\nKindly.")
    assert [(p.position, p.label) for p in (first, second)] == [
        (0, "Greet v1"),
        (1, "Say hi to {{name}}"),
    ]
    theirs = make_prompt(other_workspace, name="Theirs").versions.get()
    with pytest.raises(ValidationError, match="No such prompt version"):
        suite_prompt_add(actor=actor, suite=suite, version=theirs)
    with pytest.raises(ValidationError, match="a prompt version or a body"):
        suite_prompt_add(actor=actor, suite=suite, body="  ")


def test_cases_import_adds_then_updates_by_key_and_reports_refused_rows(workspace):
    actor = owner_actor(workspace)
    suite = suite_create(actor=actor, fields=SuiteFields(name="Support"))
    first = cases_import(actor=actor, suite=suite, raw=CSV, filename="cases.csv")
    assert (first.added, first.updated, first.refused) == (2, 0, [])
    changed = b'{"key": "refund", "vars": {"question": "Refund?"}}\n{"key": 5, "tags": "x"}\n'
    second = cases_import(actor=actor, suite=suite, raw=changed, filename="more.jsonl")
    assert (second.added, second.updated) == (0, 1)
    assert second.refused == [(2, "tags must be a list of strings of at most 64 characters")]
    cases = list(Case.objects.filter(suite=suite))
    assert [(c.key, c.position) for c in cases] == [("refund", 0), ("hello", 1)]
    assert cases[0].variables == {"question": "Refund?"} and cases[0].workspace == workspace


def test_another_workspaces_suite_is_refused(workspace, other_workspace):
    theirs = suite_create(actor=owner_actor(other_workspace), fields=SuiteFields(name="Theirs"))
    actor = owner_actor(workspace)
    with pytest.raises(ValidationError, match="No such suite"):
        cases_import(actor=actor, suite=theirs, raw=CSV, filename="cases.csv")
    with pytest.raises(ValidationError, match="No such suite"):
        suite_prompt_add(actor=actor, suite=theirs, body="Hello")
    assert not Case.objects.exists()


def test_a_prompt_a_suite_uses_cannot_be_deleted_but_its_workspace_can(workspace):
    actor = owner_actor(workspace)
    template = make_prompt(workspace, name="Greet")
    suite = suite_create(actor=actor, fields=SuiteFields(name="Greetings"))
    suite_prompt_add(actor=actor, suite=suite, version=template.versions.get())
    with pytest.raises(ValidationError, match="evaluation suite uses a version"):
        prompt_delete(actor=actor, template=template)
    assert PromptTemplate.objects.filter(pk=template.pk).exists()
    workspace.delete()  # the suite goes with it, so nothing holds the version back
    assert not PromptTemplate.objects.filter(pk=template.pk).exists()
