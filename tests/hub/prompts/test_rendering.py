"""``{{name}}`` substitution: plain, literal, never a template engine; clear errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from hub.prompts.rendering import (
    RenderError,
    substitute,
    values_check,
    variables_from_lines,
    variables_in,
    variables_spec_clean,
    variables_to_lines,
)

TONE = {"name": "tone", "type": "choice", "options": ["formal", "friendly"]}
TOPIC = {"name": "topic", "type": "text"}


def test_variables_are_found_in_order_of_first_use_with_optional_spaces():
    assert variables_in("Hi {{ name }}, {{topic}}", "{{name}} again {{tone}}") == [
        "name",
        "topic",
        "tone",
    ]


def test_braces_around_anything_but_an_identifier_are_plain_text():
    text = "{{ 1 + 1 }} {{user.name}} {% if x %} {{-x}} {{}}"
    assert variables_in(text) == []
    assert substitute(text, {"x": "!"}) == text


def test_values_are_inserted_literally_and_never_expanded_again():
    text = "A {{a}} B {{b}}"
    assert substitute(text, {"a": "{{b}}", "b": "{% now 'Y' %}"}) == "A {{b}} B {% now 'Y' %}"


def test_django_template_syntax_in_the_text_is_not_executed():
    assert substitute("{{topic}} {% load static %}{{ request }}", {"topic": "x"}) == (
        "x {% load static %}{{ request }}"
    )


def test_missing_unknown_and_invalid_values_are_all_named():
    with pytest.raises(RenderError) as raised:
        values_check([TOPIC, TONE], {"tone": "angry", "colour": "red"})
    error = raised.value
    assert error.missing == ["topic"]
    assert error.unknown == ["colour"]
    assert error.invalid == {"tone": "tone must be one of: formal, friendly."}
    assert "Fill in topic." in error.message and "no variable colour" in error.message


def test_a_blank_value_counts_as_missing():
    with pytest.raises(RenderError) as raised:
        values_check([TOPIC], {"topic": "   "})
    assert raised.value.missing == ["topic"]


def test_a_value_that_is_not_text_is_invalid():
    with pytest.raises(RenderError) as raised:
        values_check([TOPIC], {"topic": ["a"]})
    assert raised.value.invalid == {"topic": "topic must be text."}


def test_spec_fills_in_free_text_for_undeclared_variables_in_order_of_use():
    spec = variables_spec_clean([TONE], used=["topic", "tone"])
    assert spec == [TOPIC, TONE]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([{"name": "colour"}], "Declared but not used in the text: colour"),
        ([TOPIC, TOPIC], "declared twice"),
        ([{"name": "1x"}], "letters, digits and _"),
        ([{"name": "tone", "type": "choice", "options": []}], "needs a list of options"),
        ([{"name": "tone", "type": "slider"}], "text or choice"),
        ({"tone": "x"}, "must be a list"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(raw, message):
    with pytest.raises(ValidationError) as raised:
        variables_spec_clean(raw, used=["topic", "tone"])
    assert message in " ".join(raised.value.messages)


def test_the_edit_forms_line_syntax_round_trips():
    lines = "tone: formal | friendly\ntopic\n\n"
    spec = variables_from_lines(lines)
    assert spec == [TONE, TOPIC]
    assert variables_to_lines(spec) == "tone: formal | friendly\ntopic"
