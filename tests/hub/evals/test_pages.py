"""Evaluation pages as a member uses them: a suite made, given a prompt and cases from a file,
run against the simulated provider, read as pass rates with intervals, a grid and a verdict
against a baseline, exported; and what a viewer may not do."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hub.evals.models import Cell, Run, RunStatus, Suite
from tests.factories import add_member

CASES = (
    "_key,question,expected\n"
    "refund,Where is my refund?,refund\n"
    "hello,Say hello,hello\n"
    "tea,Do you like tea?,coffee\n"
    "=SUM(A1),=1+1,1\n"
)


def url(gateway, *parts: object) -> str:
    return f"/w/{gateway.workspace.slug}/evals/" + "".join(f"{p}/" for p in parts)


@pytest.fixture
def member_client(gateway, signed_in):
    return signed_in(add_member(gateway.workspace, "member"))


@pytest.fixture
def suite(gateway, member_client) -> Suite:
    made = member_client.post(
        url(gateway, "new"),
        {
            "name": "Support replies", "models": "sim/echo\n", "repeats": 1,
            "temperature": "0.2",
            "assertions": '[{"type": "contains", "value": ["{{expected}}"], "ignore_case": true}]',
        },
    )  # fmt: skip
    found = Suite.objects.get(name="Support replies")
    assert made.status_code == 302 and made.url == url(gateway, found.pk)
    added = member_client.post(
        url(gateway, found.pk, "prompts"), {"body": "{{question}}", "label": "plain"}
    )
    assert added.status_code == 302
    imported = member_client.post(
        url(gateway, found.pk, "cases", "import"),
        {"file": SimpleUploadedFile("cases.csv", CASES.encode())},
    )
    assert "4 added, 0 updated" in imported.content.decode()
    return found


def test_a_suite_form_refuses_what_a_run_would_trip_over(gateway, member_client):
    response = member_client.post(
        url(gateway, "new"),
        {"name": "Bad", "models": "sim/echo\nnobody/nothing", "repeats": 1, "assertions": "[{"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No model or alias nobody/nothing" in body and "Not JSON" in body
    assert not Suite.objects.filter(name="Bad").exists()


def test_a_run_from_its_page_to_its_results(gateway, member_client, suite):
    started = member_client.post(url(gateway, suite.pk, "run"), {"use_cache": "on"})
    run = Run.objects.get(suite=suite)
    assert started.status_code == 302 and started.url == url(gateway, "runs", run.pk)
    assert run.status == RunStatus.DONE  # the test settings run tasks at once
    page = member_client.get(started.url).content.decode()
    assert "3 / 4" in page  # refund, hello and =SUM(A1) pass; tea does not
    assert 'aria-label="Pass rate 75 %, 95 % interval 30 to 95 %"' in page  # Wilson, 3 of 4
    assert "You said: Do you like tea?" in page and "hx-get" not in page

    failures = member_client.get(started.url + "?show=failures").content.decode()
    assert "Do you like tea?" in failures and "Where is my refund?" not in failures

    exported = member_client.get(url(gateway, "runs", run.pk, "export"))
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    # A spreadsheet would run "=SUM(A1)" as a formula: it is exported as text.
    assert [r["case_key"] for r in rows] == ["refund", "hello", "tea", "'=SUM(A1)"]
    assert json.loads(rows[2]["verdicts"])[0]["passed"] is False
    document = member_client.get(url(gateway, "runs", run.pk, "export") + "?format=json").json()
    assert document["run"] == 1 and len(document["cells"]) == 4
    assert document["cells"][0]["cost_usd"] == rows[0]["cost_usd"]


def test_a_second_run_compares_with_its_baseline(gateway, member_client, suite):
    member_client.post(url(gateway, suite.pk, "run"), {"use_cache": "on"})
    first = Run.objects.get(suite=suite)
    suite.cases.filter(key="hello").update(variables={"question": "Bye", "expected": "hello"})
    member_client.post(url(gateway, suite.pk, "run"), {"use_cache": "on", "baseline": first.pk})
    second = Run.objects.exclude(pk=first.pk).get(suite=suite)
    page = member_client.get(url(gateway, "runs", second.pk)).content.decode()
    assert "run #2 passes 1 fewer cases than run #1, p = 1 (not significant)" in page
    assert "Now failing</span> hello<" in page
    assert Cell.objects.filter(run=second, cached=True).count() == 3  # only "hello" changed
    assert "3 hits" in page


def test_progress_polls_while_a_run_works_and_reloads_when_it_ends(gateway, member_client, suite):
    run = Run.objects.create(
        workspace=gateway.workspace, suite=suite, number=1, model_names=["sim/echo"],
        cells_total=4, status=RunStatus.RUNNING,
    )  # fmt: skip
    page = member_client.get(url(gateway, "runs", run.pk)).content.decode()
    assert "hx-get" in page and "0 of 4 cells done" in page and "Cancel run" in page
    fragment = member_client.get(url(gateway, "runs", run.pk, "progress"))
    assert "HX-Refresh" not in fragment.headers
    cancelled = member_client.post(url(gateway, "runs", run.pk, "cancel"))
    assert cancelled.status_code == 302
    assert Run.objects.get(pk=run.pk).status == RunStatus.CANCELLED
    ended = member_client.get(url(gateway, "runs", run.pk, "progress"))
    assert ended.headers["HX-Refresh"] == "true"


def test_a_viewer_reads_results_but_changes_nothing(gateway, signed_in, member_client, suite):
    viewer = signed_in(add_member(gateway.workspace, "viewer"))
    assert viewer.get(url(gateway, suite.pk)).status_code == 200
    assert "Run suite" not in viewer.get(url(gateway, suite.pk)).content.decode()
    for path, data in (
        (url(gateway, suite.pk, "run"), {}),
        (url(gateway, suite.pk, "edit"), {"name": "x", "models": "sim/echo", "repeats": 1}),
        (url(gateway, suite.pk, "delete"), {}),
        (url(gateway, "new"), {"name": "x", "models": "sim/echo", "repeats": 1}),
    ):
        assert viewer.post(path, data).status_code == 403, path
    assert not Run.objects.exists() and Suite.objects.count() == 1


def test_cases_export_as_they_were_imported(gateway, member_client, suite):
    exported = member_client.get(url(gateway, suite.pk, "cases", "export")).content.decode()
    assert exported.splitlines()[0] == "_key,question,expected,_tags,_assertions"
    lines = member_client.get(url(gateway, suite.pk, "cases", "export") + "?format=jsonl")
    first = json.loads(lines.content.decode().splitlines()[0])
    assert first == {"key": "refund", "vars": {"question": "Where is my refund?",
                     "expected": "refund"}, "tags": [], "assertions": []}  # fmt: skip


def test_a_broken_case_file_is_refused_with_the_reason(gateway, member_client, suite):
    response = member_client.post(
        url(gateway, suite.pk, "cases", "import"),
        {"file": SimpleUploadedFile("cases.jsonl", b'{"key": "a", "vars": {"q": "x"}}\n{oops\n')},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "1 added" in body and "1 refused" in body


def test_a_run_of_several_models_reads_as_an_a_b_test(gateway, member_client, slow_answers):
    from scipy import stats

    from tests.live_hub import wire_provider

    wire_provider(gateway.workspace, slug="slow", base_url=slow_answers.url)
    made = member_client.post(
        url(gateway, "new"),
        {"name": "AB", "models": "sim/echo\nslow/echo", "repeats": 3,
         "assertions": '[{"type": "latency", "value": 250}]'},
    )  # fmt: skip
    suite = Suite.objects.get(name="AB")
    assert made.status_code == 302
    member_client.post(url(gateway, suite.pk, "prompts"), {"body": "{{question}}"})
    member_client.post(
        url(gateway, suite.pk, "cases", "import"),
        {"file": SimpleUploadedFile("c.csv", b"_key,question\na,Hi\nb,Bye\n")},
    )
    member_client.post(url(gateway, suite.pk, "run"), {})
    run = Run.objects.get(suite=suite)
    page = member_client.get(url(gateway, "runs", run.pk)).content.decode()
    # The fast arm passes the 250 ms ceiling every time, the 300 ms one never: a sure winner.
    assert "Winner: {{question}} · sim/echo, on top in 100 % of 10,000 resamples" in page
    fast = list(
        Cell.objects.filter(run=run, model_name="sim/echo").values_list("latency_ms", flat=True)
    )
    slow = list(
        Cell.objects.filter(run=run, model_name="slow/echo").values_list("latency_ms", flat=True)
    )
    p = stats.mannwhitneyu(slow, fast, alternative="two-sided").pvalue
    assert f'p = {p:.3g} <span class="badge badge-warning">slower</span>' in page
    assert page.count("100 %</td>") >= 2  # both arms answer each case the same every repeat
