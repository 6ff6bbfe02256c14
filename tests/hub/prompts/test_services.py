"""Templates and versions: numbering, no duplicate saves, one production version, rendering."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hub.prompts import selectors, services
from hub.prompts.models import PromptVersion, VersionLabel
from tests import factories
from tests.hub.prompts.factories import make_prompt

pytestmark = pytest.mark.django_db


def test_create_makes_version_one_with_the_variables_spec(workspace):
    actor = factories.owner_actor(workspace)
    template = services.prompt_create(
        actor=actor,
        name="Reply",
        system_prompt="Answer in a {{tone}} tone.",
        body="Reply to: {{email}}",
        variables=[{"name": "tone", "type": "choice", "options": ["formal", "casual"]}],
    )
    version = template.versions.get()
    assert version.number == 1 and version.created_by == actor.user
    assert version.variables == [
        {"name": "tone", "type": "choice", "options": ["formal", "casual"]},
        {"name": "email", "type": "text"},
    ]


def test_each_changed_save_appends_the_next_number_and_an_unchanged_one_does_not(workspace):
    actor = factories.owner_actor(workspace)
    template = make_prompt(workspace)
    same = services.prompt_version_add(
        actor=actor, template=template, body="Summarise {{topic}} in one line."
    )
    assert same is None
    second = services.prompt_version_add(actor=actor, template=template, body="New {{topic}}")
    third = services.prompt_version_add(actor=actor, template=template, body="Newer {{topic}}")
    assert (second.number, third.number) == (2, 3)
    assert [v.number for v in selectors.prompt_version_list(template=template)] == [3, 2, 1]
    assert template.versions.get(number=1).body == "Summarise {{topic}} in one line."


def test_names_are_unique_per_workspace_only(workspace, other_workspace):
    make_prompt(workspace, name="Same")
    make_prompt(other_workspace, name="Same")
    with pytest.raises(ValidationError) as raised:
        make_prompt(workspace, name="Same")
    assert "already exists" in str(raised.value)


def test_a_failed_first_version_leaves_no_template_behind(workspace):
    with pytest.raises(ValidationError):
        make_prompt(workspace, name="Broken", body="   ")
    assert not workspace.prompt_templates.exists()


def test_production_label_moves_and_is_held_by_one_version_at_most(workspace):
    actor = factories.owner_actor(workspace)
    template = make_prompt(workspace, versions=3)
    v1, v3 = template.versions.get(number=1), template.versions.get(number=3)
    services.prompt_version_mark_production(actor=actor, version=v1)
    services.prompt_version_mark_production(actor=actor, version=v3)
    labelled = template.versions.filter(label=VersionLabel.PRODUCTION)
    assert list(labelled.values_list("number", flat=True)) == [3]
    assert selectors.prompt_version_current(template=template) == v3
    services.prompt_version_unmark_production(actor=actor, version=v3)
    assert not template.versions.filter(label=VersionLabel.PRODUCTION).exists()


def test_the_database_refuses_a_second_production_version(workspace):
    template = make_prompt(workspace, versions=2)
    template.versions.filter(number=1).update(label=VersionLabel.PRODUCTION)
    with pytest.raises(IntegrityError), transaction.atomic():
        template.versions.filter(number=2).update(label=VersionLabel.PRODUCTION)


def test_current_version_is_production_else_the_newest(workspace):
    template = make_prompt(workspace, versions=2)
    assert selectors.prompt_version_current(template=template).number == 2
    PromptVersion.objects.filter(template=template, number=1).update(label="production")
    assert selectors.prompt_version_current(template=template).number == 1


def test_render_fills_system_and_body_and_builds_chat_messages(workspace):
    template = make_prompt(
        workspace, system_prompt="You write for {{audience}}.", body="Explain {{topic}}."
    )
    rendered = services.prompt_render(
        version=template.versions.get(), values={"audience": "kids", "topic": "tides"}
    )
    assert rendered.messages() == [
        {"role": "system", "content": "You write for kids."},
        {"role": "user", "content": "Explain tides."},
    ]


def test_render_refuses_missing_and_unknown_values(workspace):
    version = make_prompt(workspace).versions.get()
    with pytest.raises(services.RenderError) as raised:
        services.prompt_render(version=version, values={"other": "x"})
    assert raised.value.missing == ["topic"] and raised.value.unknown == ["other"]


def test_search_matches_names_descriptions_and_any_version_text(workspace, other_workspace):
    make_prompt(workspace, name="Alpha", description="about billing")
    beta = make_prompt(workspace, name="Beta", versions=2)
    make_prompt(other_workspace, name="Alpha elsewhere")

    def names(**kwargs):
        return [p.name for p in selectors.prompt_list(workspace=workspace, **kwargs)]

    assert names(search="alpha") == ["Alpha"]
    assert names(search="billing") == ["Alpha"]
    assert names(search="Version 2") == ["Beta"]
    listed = selectors.prompt_list(workspace=workspace).get(pk=beta.pk)
    assert listed.version_count == 2 and listed.production_number is None


def test_category_filter_and_the_category_list(workspace):
    make_prompt(workspace, name="A", category="Support")
    make_prompt(workspace, name="B", category="Sales")
    make_prompt(workspace, name="C")
    assert selectors.prompt_categories(workspace=workspace) == ["Sales", "Support"]
    support = selectors.prompt_list(workspace=workspace, category="Support")
    assert [p.name for p in support] == ["A"]


def test_prompt_name_free_counts_up(workspace):
    actor = factories.owner_actor(workspace)
    make_prompt(workspace, name="Draft")
    make_prompt(workspace, name="Draft (2)")
    assert services.prompt_name_free(actor=actor, wanted="Draft") == "Draft (3)"
    assert services.prompt_name_free(actor=actor, wanted="Fresh") == "Fresh"
