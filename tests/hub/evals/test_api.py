"""The evaluations REST API as a script drives it: a suite written, given a prompt and cases,
run against the simulated provider, read back with intervals and a verdict; bad input gets
a clear 400 in the OpenAI error shape, and a read-only key writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.evals.models import Run
from tests.clients import assert_openai_error, make_key
from tests.hub.prompts.factories import make_prompt
from workspaces.models import ApiKeyScope

CASES = b"_key,question,expected\nrefund,Where is my refund?,refund\ntea,Tea?,coffee\n"


def url(gateway, *parts: object) -> str:
    return f"/api/workspaces/{gateway.workspace.slug}/" + "".join(f"{p}/" for p in parts)


@pytest.fixture
def owner_api(gateway, session_client):
    return session_client(gateway.workspace.memberships.get(role="owner").user)


@pytest.fixture
def suite(gateway, owner_api) -> dict:
    made = owner_api.post(
        url(gateway, "eval-suites"),
        {"name": "Support", "model_names": ["sim/echo"], "params": {"temperature": 0},
         "assertions": [{"type": "contains", "value": ["{{expected}}"], "ignore_case": True}]},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.content
    suite = made.json()
    prompt = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "prompts"), {"body": "{{question}}"}, format="json"
    )
    assert prompt.status_code == 201 and prompt.json()["prompts"][0]["label"] == "{{question}}"
    imported = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "cases", "import"),
        {"file": SimpleUploadedFile("cases.csv", CASES)},
        format="multipart",
    )
    assert imported.json() == {"added": 2, "updated": 0, "refused": []}
    return suite


def test_a_run_started_by_rest_reports_rates_intervals_and_a_verdict(gateway, owner_api, suite):
    started = owner_api.post(url(gateway, "eval-suites", suite["id"], "runs"), {}, format="json")
    assert started.status_code == 202, started.content
    first = started.json()
    assert (first["number"], first["status"], first["cells_total"]) == (1, "done", 2)
    detail = owner_api.get(url(gateway, "eval-runs", first["id"])).json()
    column = detail["columns"][0]
    assert (column["cells"], column["passed"]) == (2, 1)
    rate = column["pass_rate"]  # Wilson 95 % for 1 of 2
    assert rate["estimate"] == 0.5 and rate["low"] == pytest.approx(0.0945, abs=1e-4)
    assert detail["progress"]["percent"] == 100 and detail["comparison"] is None

    second = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "runs"), {"baseline": 1}, format="json"
    ).json()
    compared = owner_api.get(url(gateway, "eval-runs", second["id"])).json()["comparison"]
    assert compared["verdict"].startswith("run #2 passes as many cases as run #1, p = 1")
    assert (compared["regression"], compared["now_failing"]) == (False, [])
    failed = owner_api.get(url(gateway, "eval-runs", second["id"], "cells") + "?failed=true")
    assert [c["case_key"] for c in failed.json()["results"]] == ["tea"]
    assert failed.json()["results"][0]["cached"] is True

    ended = owner_api.post(url(gateway, "eval-runs", second["id"], "cancel"))
    assert assert_openai_error(ended, 409)["code"] == "run_ended"
    runs = owner_api.get(url(gateway, "eval-suites", suite["id"], "runs")).json()
    assert [r["number"] for r in runs["results"]] == [2, 1]


def test_bad_input_is_a_400_naming_the_field(gateway, owner_api, suite, other_workspace):
    for body, param in (
        ({"name": "x", "repeats": 0}, "repeats"),
        ({"name": "x", "params": {"seed": 1}}, "params"),
        ({"name": "x", "assertions": [{"type": "python", "value": "1"}]}, "assertions"),
        ({"name": "Support"}, "name"),
    ):
        response = owner_api.post(url(gateway, "eval-suites"), body, format="json")
        assert_openai_error(response, 400, param=param)
    theirs = make_prompt(other_workspace, name="Theirs").versions.get()
    response = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "prompts"), {"version": theirs.pk}, format="json"
    )
    assert_openai_error(response, 400, param="version")
    response = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "runs"), {"baseline": 7}, format="json"
    )
    assert_openai_error(response, 400, param="baseline")
    response = owner_api.post(
        url(gateway, "eval-suites", suite["id"], "cases", "import"), {}, format="multipart"
    )
    assert_openai_error(response, 400, param="file")


def test_a_read_only_key_reads_but_starts_nothing(gateway, key_client, suite):
    owner = gateway.workspace.memberships.get(role="owner").user
    reader = key_client(make_key(owner, gateway.workspace, [ApiKeyScope.READ]))
    assert reader.get(url(gateway, "eval-suites", suite["id"])).status_code == 200
    refused = reader.post(url(gateway, "eval-suites", suite["id"], "runs"), {}, format="json")
    assert_openai_error(refused, 403)
    assert not Run.objects.exists()
