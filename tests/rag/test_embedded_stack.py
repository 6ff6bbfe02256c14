"""RAG under ``make run``'s processes, from outside: files uploaded over HTTP are ingested by
the separate ingestion worker (over the broker on local files, no eager tasks), progress is
read back while it works, and the web process searches what the worker wrote. A hub stopped
with SIGTERM in the middle of a document hands it on: the next start finishes it, once."""

from __future__ import annotations

import random
import signal
import sqlite3
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


STACK = {
    "DEBUG": "true",
    "HUB_ADMIN_PASSWORD": PASSWORD,
    "HUB_SIMULATOR": "false",
    "HUB_LOCAL_WORKER": "false",
}


API = "/api/workspaces/default/collections/"


def collection_with_long_file(client: httpx.Client, name: str, paragraphs: int) -> tuple[int, str]:
    """A new collection and its documents URL, with ``long.txt`` uploaded to it."""
    collection = client.post(API, json={"name": name}).json()["id"]
    documents = f"{API}{collection}/documents/"
    upload = client.post(documents, files=[("files", ("long.txt", long_text(paragraphs).encode()))])
    assert upload.status_code == 202, upload.text
    return collection, documents


def progress_of(client: httpx.Client, collection_id: int) -> dict:
    return client.get(f"{API}{collection_id}/progress/").json()


def test_the_ingestion_worker_indexes_beside_the_web_process(tmp_path):
    port = free_port()
    hub = start_hub(tmp_path, port, **STACK)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", timeout=120)
        client = signed_in(base)
        collection, documents = collection_with_long_file(client, "Stack", 300)
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
            progress = progress_of(client, collection)
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
        hits = client.post(f"{API}{collection}/search/", json={"query": "lost laptop"}).json()[
            "data"
        ]
        assert "extension 4444" in hits[0]["text"]
    finally:
        stop(hub)


def test_a_hub_stopped_mid_document_hands_it_on_and_the_next_start_finishes_it(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    hub = start_hub(tmp_path, port, **STACK)
    try:
        wait_for(f"{base}/healthz", timeout=150)
        client = signed_in(base)
        collection, documents = collection_with_long_file(client, "Drill", 400)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            progress = progress_of(client, collection)
            if 0 < progress["chunks_done"] < progress["chunks_total"]:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"embedding never seen under way: {progress}")
        hub.send_signal(signal.SIGTERM)  # what a deploy or `docker stop` sends
        output, _ = hub.communicate(timeout=40)
        assert hub.returncode == 0, output
        assert "killed" not in output.lower(), output
    finally:
        if hub.poll() is None:
            stop(hub)
    with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
        state, done = db.execute(
            "SELECT state, chunks_done FROM rag_document WHERE name = 'long.txt'"
        ).fetchone()
    assert (state, done) == ("queued", 0), "the stopping worker should hand the document back"

    hub = start_hub(tmp_path, port, **STACK)
    try:
        wait_for(f"{base}/healthz", timeout=150)
        client = signed_in(base)
        deadline = time.monotonic() + 240
        while progress_of(client, collection)["active"] and time.monotonic() < deadline:
            time.sleep(0.5)
        (document,) = client.get(documents).json()["results"]
        assert document["state"] == "indexed", document
        assert document["chunks_done"] == document["chunks_total"] >= 400
        with sqlite3.connect(tmp_path / "hub.sqlite3") as db:
            rows, positions = db.execute(
                "SELECT COUNT(*), COUNT(DISTINCT position) FROM rag_chunk WHERE document_id = ?",
                (document["id"],),
            ).fetchone()
        assert rows == positions == document["chunks_total"]  # each chunk once, none lost
        hits = client.post(f"{API}{collection}/search/", json={"query": "Paragraph 399"}).json()[
            "data"
        ]
        assert hits and {hit["document_id"] for hit in hits} == {document["id"]}
    finally:
        stop(hub)
