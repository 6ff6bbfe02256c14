"""Two web replicas, real uvicorn processes sharing one redis-server, hammered through one key
with `requests_per_minute=60`: together they admit at most 60 calls in any 60 seconds (the
drills saw 89 admitted in 30 s when each replica refilled a token bucket of its own)."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

import httpx
import pytest

from tests.hub_processes import HubProcess, installation

pytestmark = pytest.mark.live_server
LIMIT = 60
CLIENTS = 6
DRILL_SECONDS = 12.0
SET_LIMIT = "from workspaces.models import ApiKey; ApiKey.objects.update(requests_per_minute={})"


@dataclass
class Tally:
    admitted_at: list[float] = field(default_factory=list)
    refused: int = 0
    other: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def hammer(urls: list[str], key: str, until: float, tally: Tally) -> None:
    """One client calling the replicas in turn until `until`, counting what each answers."""
    clients = [httpx.Client(base_url=url, timeout=30) for url in urls]
    body = {"model": "sim/echo", "messages": [{"role": "user", "content": "hi"}]}
    headers = {"Authorization": f"Bearer {key}"}
    try:
        for client in itertools.cycle(clients):
            if time.monotonic() >= until:
                return
            status = client.post("/v1/chat/completions", json=body, headers=headers).status_code
            with tally.lock:
                if status == 200:
                    tally.admitted_at.append(time.monotonic())
                elif status == 429:
                    tally.refused += 1
                else:
                    tally.other.append(status)
    finally:
        for client in clients:
            client.close()


def test_two_replicas_admit_at_most_the_per_minute_limit_together(
    tmp_path, simulator, private_redis
):
    with installation(tmp_path, simulator.url, redis_url=private_redis) as site:
        site.manage("shell", "-c", SET_LIMIT.format(LIMIT))
        replicas = [HubProcess(site.env), HubProcess(site.env)]
        try:
            for replica in replicas:
                replica.wait_started()
            tally = Tally()
            until = time.monotonic() + DRILL_SECONDS
            urls = [replica.url for replica in replicas]
            threads = [
                threading.Thread(target=hammer, args=(urls[i % 2 :] + urls[: i % 2], site.key,
                                                      until, tally))
                for i in range(CLIENTS)
            ]  # fmt: skip
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=DRILL_SECONDS + 30)
        finally:
            for replica in replicas:
                replica.stop()
    assert not tally.other, f"only 200 and 429 are expected, got {sorted(set(tally.other))}"
    assert tally.refused > 5 * LIMIT, "the load must press on the limit"
    assert len(tally.admitted_at) == LIMIT, (
        f"{len(tally.admitted_at)} admitted in {DRILL_SECONDS:.0f} s for a limit of {LIMIT}/min"
    )
