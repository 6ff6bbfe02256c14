"""A web process stopped with SIGTERM under load, for real: every call a client saw answered
has its usage record, counted by request id (the drills lost 4 to 26 of them before the ASGI
lifespan wrote the queue at shutdown)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.hub_processes import HubProcess, installation

pytestmark = pytest.mark.live_server
CLIENTS = 8
USER = [{"role": "user", "content": "Hello there, hub"}]


def answered_calls(
    hub: HubProcess, key: str, stop: threading.Event, seen: list[str]
) -> tuple[list[str], int]:
    """Calls until the hub goes away: the request ids of those answered 200 (into ``seen``
    as they come), and how many."""
    with httpx.Client(base_url=hub.url, timeout=30) as client:
        n = 0
        while not stop.is_set():
            body = {"model": "sim/echo", "messages": USER, "stream": n % 2 == 1}
            n += 1
            try:
                response = client.post(
                    "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"}
                )
            except httpx.HTTPError:
                return seen, len(seen)  # refused or cut: the process is going away
            if response.status_code == 200:
                seen.append(response.headers["x-hub-request-id"])
    return seen, len(seen)


def test_a_sigterm_under_load_loses_no_usage_record_of_an_answered_call(tmp_path, simulator):
    with installation(tmp_path, simulator.url) as site:
        hub = HubProcess(site.env).wait_started()
        stop = threading.Event()
        results: list[tuple[list[str], int]] = []
        seen: list[list[str]] = [[] for _ in range(CLIENTS)]
        threads = [
            threading.Thread(
                target=lambda ids=ids: results.append(answered_calls(hub, site.key, stop, ids))
            )
            for ids in seen
        ]
        try:
            for thread in threads:
                thread.start()
            # Under real load first: on a busy machine the first answers can take seconds.
            deadline = time.monotonic() + 60
            while sum(map(len, seen)) < 150 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            hub.terminate()  # uvicorn stops gracefully, then re-raises SIGTERM: exit -15
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            hub.stop()
        answered = {request_id for ids, _ in results for request_id in ids}
        assert len(answered) > 100, "the load must be real"
        missing = answered - site.request_ids()
        assert not missing, f"{len(missing)} of {len(answered)} answered calls left no record"
