"""``manage.py eval_run`` as CI uses it: the verdict it prints and its exit code agree, and it
fails only on a significant regression."""

from __future__ import annotations

import io

from django.core.management import CommandError, call_command

from hub.evals.models import SuitePrompt
from tests.hub.evals.test_runs import suite_of

CASES = b"_key,question,expected\n" + b"".join(
    b"q%d,Tell me about item%d,item%d\n" % (n, n, n) for n in range(12)
)


def eval_run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("eval_run", *args, stdout=out)
    except CommandError as error:
        out.write(f"\n{error}")
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def test_a_significant_regression_fails_and_an_unchanged_run_passes(gateway):
    _, suite = suite_of(gateway.workspace, cases=CASES)
    code, out = eval_run(suite.name, "--fail-on-regression")
    assert code == 0 and "No finished run before this one" in out
    assert "12/12 passed, 100% [76%, 100%]" in out  # Wilson 95 % for 12 of 12

    code, out = eval_run(suite.name, "--fail-on-regression")
    assert code == 0, out
    assert "12 from the cache" in out
    assert "run #2 passes as many cases as run #1, p = 1 (not significant)" in out
    assert "Verdict: no significant regression." in out

    SuitePrompt.objects.filter(suite=suite).update(body="Say nothing useful")
    code, out = eval_run(suite.name, "--fail-on-regression", "--baseline", "1")
    # McNemar exact: 12 discordant pairs all one way, p = 2 * 0.5**12.
    assert "run #3 passes 12 fewer cases than run #1, p = 0.000488;" in out
    assert "mean score -1.00 [-1.00, -1.00]" in out
    assert "Now failing (12): q0, q1," in out and "Verdict: a significant regression." in out
    assert code == 1
    code, out = eval_run(suite.name, "--baseline", "1")  # reported, but CI was not asked to fail
    assert code == 0 and "significant regression" in out


def test_one_case_lost_is_not_significant(gateway):
    _, suite = suite_of(gateway.workspace, cases=CASES)
    assert eval_run(suite.name)[0] == 0
    suite.cases.filter(key="q0").update(variables={"question": "Nothing", "expected": "item0"})
    code, out = eval_run(suite.name, "--fail-on-regression")
    assert "run #2 passes 1 fewer cases than run #1, p = 1 (not significant)" in out
    assert code == 0 and "Now failing (1): q0\n" in out


def test_what_cannot_run_exits_2_with_the_reason(gateway, other_workspace):
    _, suite = suite_of(gateway.workspace, cases=CASES)
    assert eval_run("No such suite") == (2, "\nNo suite named “No such suite”.")
    code, out = eval_run(suite.name, "--baseline", "9")
    assert code == 2 and "has no run #9" in out
    code, out = eval_run(suite.name, "--workspace", other_workspace.slug)
    assert code == 2 and "No suite named" in out  # another workspace's suites are not found
    suite.cases.all().delete()
    code, out = eval_run(suite.name)
    assert code == 2 and "Add a case before running the suite." in out
