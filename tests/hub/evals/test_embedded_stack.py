"""Evaluation runs under ``make run``'s processes, from outside: a suite made and run over
REST is worked by the separate worker (over the broker on local files, no eager tasks) against
the embedded simulated provider; a hub stopped with SIGTERM in the middle of a run hands it
on, and the next start finishes it, calling every cell exactly once."""

from __future__ import annotations

import signal
import sqlite3
import time

import httpx
import pytest

from tests.hub.test_run_hub import free_port, start_hub, stop, wait_for
from tests.rag.test_embedded_stack import PASSWORD, STACK, signed_in

pytestmark = pytest.mark.live_server
CELLS = 400
API = "/api/workspaces/default/"


def suite_started(client: httpx.Client) -> int:
    """A suite of CELLS cases on the embedded simulated model, started; the run's id."""
    suite = client.post(f"{API}eval-suites/", json={
        "name": "Drill", "model_names": ["simulated/echo"],
        "assertions": [{"type": "contains", "value": ["{{question}}"]}],
    })  # fmt: skip
    assert suite.status_code == 201, suite.text
    suite_id = suite.json()["id"]
    assert client.post(
        f"{API}eval-suites/{suite_id}/prompts/", json={"body": "{{question}}"}
    ).is_success
    rows = "".join(f"c{n},question {n}\n" for n in range(CELLS))
    imported = client.post(
        f"{API}eval-suites/{suite_id}/cases/import/",
        files=[("file", ("cases.csv", f"_key,question\n{rows}".encode()))],
    )
    assert imported.json()["added"] == CELLS, imported.text
    started = client.post(f"{API}eval-suites/{suite_id}/runs/", json={})
    assert started.status_code == 202, started.text
    return started.json()["id"]


def run_of(client: httpx.Client, run_id: int) -> dict:
    return client.get(f"{API}eval-runs/{run_id}/").json()


def test_a_hub_stopped_mid_run_hands_it_on_and_the_next_start_finishes_it(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stack = {**STACK, "HUB_SIMULATOR": "true", "HUB_SIMULATOR_PORT": str(free_port()),
             "HUB_ADMIN_PASSWORD": PASSWORD}  # fmt: skip
    hub = start_hub(tmp_path, port, **stack)
    try:
        wait_for(f"{base}/healthz", timeout=150)
        client = signed_in(base)
        run_id = suite_started(client)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = run_of(client, run_id)["progress"]
            if 10 <= progress["finished"] < CELLS - 50:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the run was never seen under way: {progress}")
        hub.send_signal(signal.SIGTERM)  # what a deploy or `docker stop` sends
        output, _ = hub.communicate(timeout=60)
        assert hub.returncode == 0, output
        assert "killed" not in output.lower(), output
    finally:
        if hub.poll() is None:
            stop(hub)
    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        (status,) = db.execute("SELECT status FROM evals_run WHERE id = ?", (run_id,)).fetchone()
        counts = dict(db.execute(
            "SELECT status, COUNT(*) FROM evals_cell WHERE run_id = ? GROUP BY status", (run_id,)
        ).fetchall())  # fmt: skip
    assert status == "queued", "the stopping worker should hand the run back"
    assert counts.get("done", 0) >= 10 and counts.get("pending", 0) > 0, counts
    assert set(counts) <= {"done", "pending"}, counts  # nothing cut short or cancelled

    hub = start_hub(tmp_path, port, **stack)
    try:
        wait_for(f"{base}/healthz", timeout=150)
        client = signed_in(base)
        deadline = time.monotonic() + 240
        while run_of(client, run_id)["status"] != "done" and time.monotonic() < deadline:
            time.sleep(0.5)
        run = run_of(client, run_id)
    finally:
        output = stop(hub)
    assert run["status"] == "done", f"{run}\n{output[-4000:]}"
    assert run["progress"]["done"] == CELLS and run["columns"][0]["passed"] == CELLS
    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        calls, distinct = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT request_id) FROM analytics_usagerecord "
            "WHERE source = 'eval'"
        ).fetchone()
    assert calls == distinct == CELLS  # every cell called once: none twice, none lost
