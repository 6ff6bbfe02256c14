"""RAG under ``make run``'s processes, from outside: files uploaded over HTTP are ingested by
the separate ingestion worker (over the broker on local files, no eager tasks), progress is
read back while it works, and the web process searches what the worker wrote."""

from __future__ import annotations

import random
import time

import httpx
import pytest

from tests.hub.test_run_hub import free_port, start_hub, stop, wait_for
from tests.rag.corpus import HANDBOOK

pytestmark = pytest.mark.live_server
PASSWORD = "rag-stack-password-1"


def long_text(paragraphs: int) -> str:
    """Distinct paragraphs (nothing for ingestion to embed once for many)."""
    rng = random.Random(7)
    words = [f"w{n}" for n in range(3000)]
    return "\n\n".join(
        f"Paragraph {i}: " + " ".join(rng.choice(words) for _ in range(50)) + "."
        for i in range(paragraphs)
    )


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    client.get("/login/")
    client.post(
        "/login/",
        data={
            "username": "admin",
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
    )
    assert "sessionid" in client.cookies, "the admin could not sign in"
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def test_the_ingestion_worker_indexes_beside_the_web_process(tmp_path):
    port = free_port()
    hub = start_hub(
        tmp_path,
        port,
        DEBUG="true",
        HUB_ADMIN_PASSWORD=PASSWORD,
        HUB_SIMULATOR="false",
        HUB_LOCAL_WORKER="false",
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", timeout=120)
        client = signed_in(base)
        api = "/api/workspaces/default/collections/"
        collection = client.post(api, json={"name": "Stack"}).json()
        documents = f"{api}{collection['id']}/documents/"
        big = client.post(documents, files=[("files", ("long.txt", long_text(300).encode()))])
        assert big.status_code == 202, big.text
        small = client.post(
            documents,
            files=[
                ("files", ("handbook.md", HANDBOOK.encode())),
                ("files", ("broken.pdf", b"%PDF-1.4 garbage")),
            ],
        )
        assert small.status_code == 202, small.text
        seen_active = False
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            progress = client.get(f"{api}{collection['id']}/progress/").json()
            seen_active |= (
                progress["active"] and 0 < progress["chunks_done"] < progress["chunks_total"]
            )
            if not progress["active"]:
                break
            time.sleep(0.5)
        assert not progress["active"], "ingestion did not finish"
        assert seen_active, "progress was never seen between start and end"
        states = {d["name"]: d for d in client.get(documents).json()["results"]}
        assert states["broken.pdf"]["state"] == "failed" and states["broken.pdf"]["error"]
        assert states["handbook.md"]["state"] == states["long.txt"]["state"] == "indexed"
        assert states["long.txt"]["chunks_done"] == states["long.txt"]["chunks_total"] >= 300
        # Queued after the long file, the small one did not wait for it.
        assert states["handbook.md"]["indexed_at"] < states["long.txt"]["indexed_at"]
        hits = client.post(
            f"{api}{collection['id']}/search/", json={"query": "lost laptop"}
        ).json()["data"]
        assert "extension 4444" in hits[0]["text"]
    finally:
        stop(hub)
