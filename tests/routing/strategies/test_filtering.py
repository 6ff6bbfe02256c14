"""Candidates that cannot hold the prompt plus the output, or lack a capability, are skipped."""

from __future__ import annotations

from routing.strategies import RouteRequest, candidates_eligible
from tests.routing.strategies.candidates import ALL, GROQ, MINI, SONNET, with_facts


def test_a_context_window_too_small_for_prompt_plus_output_is_skipped():
    eligible, skipped = candidates_eligible(
        ALL, RouteRequest(prompt_tokens=8_000, output_tokens=500)
    )
    assert eligible == [MINI, SONNET]
    assert skipped == [(GROQ, "context 8k < 8500 tokens")]


def test_a_prompt_that_exactly_fits_is_kept():
    assert GROQ in candidates_eligible(ALL, RouteRequest(prompt_tokens=8_000, output_tokens=192))[0]


def test_missing_capabilities_are_skipped_with_what_is_missing():
    eligible, skipped = candidates_eligible(
        ALL, RouteRequest(100, needs=frozenset({"tools", "json"}))
    )
    assert eligible == [MINI]
    assert [why for _, why in skipped] == ["no json", "no tools"]


def test_an_unknown_context_window_is_not_a_reason_to_skip():
    unknown = with_facts(GROQ, context_window=None)
    assert candidates_eligible([unknown], RouteRequest(prompt_tokens=500_000))[0] == [unknown]


def test_context_sizes_read_as_people_say_them():
    from routing.strategies.candidate import context_label

    assert [context_label(n) for n in (128_000, 131_072, 8_192, 200_000, 32_768)] == [
        "128k", "128k", "8k", "200k", "32k",
    ]  # fmt: skip
