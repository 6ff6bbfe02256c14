"""RAG in a real browser, at desktop and phone width, light and dark, with the
Content-Security-Policy on: a collection's live ingestion bar moves as the worker writes and
survives a reload; search opens the exact chunk a hit points at; an upload keeps its good file
when another is refused; a chat grounded in the collection shows its Sources and each [n]
links to the cited chunk. axe-core finds nothing serious or critical; nothing is wider than
the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from rag import services
from rag.models import Collection, Document, DocumentState
from rag.services import CollectionFields
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, theme
from tests.live_hub import wire_provider
from tests.rag.corpus import HANDBOOK

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
PROGRESS = "#collection-documents .ingest-progress"


@pytest.fixture
def handbook(transactional_db, hub, simulator) -> Iterator[Collection]:
    """Alice's "Handbook" with one indexed file and one a worker is half-way through."""
    pipeline_caches_clear()
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Docs", owner=alice)
    wire_provider(workspace, slug="sim", base_url=simulator.url)
    actor = factories.owner_actor(workspace)
    collection = services.collection_create(actor=actor, fields=CollectionFields(name="Handbook"))
    services.documents_add(
        actor=actor, collection=collection, uploads=[("handbook.md", HANDBOOK.encode())]
    )
    Document.objects.create(
        workspace=workspace,
        collection=collection,
        name="big.pdf",
        content_hash="f" * 64,
        state=DocumentState.EMBEDDING,
        chunks_total=400,
        chunks_done=100,
        added_by=alice,
        queued_at=timezone.now(),
    )
    yield collection
    hub.wait_idle()


def worker_writes(collection: Collection, **fields: object) -> None:
    """What the ingestion worker would write to the half-done document, committed now."""
    with transaction.atomic():
        Document.objects.filter(collection=collection, name="big.pdf").update(**fields)


def checked(page) -> None:
    assert page.evaluate(TOO_WIDE) == []
    assert axe_violations(page) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_progress_search_upload_and_a_grounded_chat_with_citations(
    hub, handbook, size, scheme, tmp_path
):
    base = f"{hub.url}/w/{handbook.workspace.slug}"
    with chromium_page(**SIZES[size], color_scheme=scheme) as (page, errors):
        log_in(page, hub.url, "alice")
        page.goto(f"{base}/collections/{handbook.pk}/")
        assert theme(page) == scheme
        bar = page.locator(f"{PROGRESS} progress")
        assert "100 of 400 chunks embedded" in page.inner_text(PROGRESS)
        assert "0 of 1 file indexed" in page.inner_text(PROGRESS)
        checked(page)

        # The bar follows the worker without a reload, and a reload finds it where it was.
        worker_writes(handbook, chunks_done=300)
        page.wait_for_function(
            f"() => document.querySelector('{PROGRESS}')?.textContent.includes('300 of 400')"
        )
        page.reload()
        assert "300 of 400 chunks embedded" in page.inner_text(PROGRESS)
        worker_writes(handbook, state=DocumentState.FAILED, error="The file could not be read.")
        page.wait_for_selector(PROGRESS, state="detached")  # done: it stops asking
        assert bar.count() == 0
        row = page.locator("#collection-documents tr", has_text="big.pdf")
        assert "Failed" in row.inner_text() and "could not be read" in row.inner_text()

        # A search hit opens its document at the very chunk it showed.
        page.fill("input[type=search]", "lost laptop")
        page.get_by_role("button", name="Search").click()
        hit = page.locator(".search-hit").first
        assert "4444" in hit.inner_text()
        checked(page)
        hit.locator("a").first.click()
        cited = page.locator(".document-chunk.is-cited")
        assert cited.get_attribute("aria-current") == "true" and "4444" in cited.inner_text()
        checked(page)

        # One good file and one refused: the good one is kept and indexed.
        page.goto(f"{base}/collections/{handbook.pk}/")
        (tmp_path / "recipes.txt").write_text("Bake the sourdough at 250 degrees with steam.")
        (tmp_path / "tool.exe").write_bytes(b"MZ\x90\x00")
        page.set_input_files(
            "input[type=file]", [str(tmp_path / "recipes.txt"), str(tmp_path / "tool.exe")]
        )
        page.get_by_role("button", name="Upload").click()
        outcome = page.get_by_role("status").filter(has_text="Upload received")
        assert "1 file queued for ingestion, 1 refused" in outcome.inner_text()
        assert "tool.exe" in outcome.inner_text()
        assert "Indexed" in page.locator("tr", has_text="recipes.txt").inner_text()
        checked(page)

        # A chat grounded in the collection: Sources under the answer, [1] links to its chunk.
        page.goto(f"{base}/chat/")
        page.select_option("#chat-model", "sim/echo")
        page.locator("[data-knowledge] summary").click()
        page.get_by_role("checkbox", name="Handbook").check()
        assert page.inner_text("[data-knowledge-count]") == "1"
        page.fill("#chat-input", "Who do I call about a lost laptop?")
        page.keyboard.press("Enter")
        answer = page.locator("#chat-thread .msg-assistant").last
        sources = answer.locator(".msg-sources")
        sources.wait_for()  # drawn when the answer is complete
        assert sources.locator("summary").inner_text().startswith("Sources (")
        sources.locator("summary").click()
        first = sources.locator("li").first
        assert "handbook.md" in first.inner_text() and "4444" in first.inner_text()
        citation = answer.locator("a.citation").first
        assert citation.inner_text() == "[1]"
        href = citation.get_attribute("href") or ""
        assert f"/collections/{handbook.pk}/documents/" in href and "chunk=" in href
        checked(page)
        page.reload()  # the sources are the answer's own, kept with it
        page.wait_for_selector("#chat-thread .msg-assistant .msg-sources")
        page.locator("#chat-thread .msg-assistant a.citation").first.click()
        cited = page.locator(".document-chunk.is-cited")
        assert "4444" in cited.inner_text()
        assert not errors, errors
