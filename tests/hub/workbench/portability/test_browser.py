"""Import and export in a real browser: upload an export, see the summary, read the code."""

from __future__ import annotations

import os

import pytest

from hub.workbench.models import Conversation
from tests import factories
from tests.axe import axe_violations
from tests.browser import VIEWS, chromium_page
from tests.hub.workbench.portability.helpers import FILES

SHOTS = os.environ.get("HUB_TEST_SCREENSHOTS")  # a folder: save screenshots there


@pytest.fixture
def importer(transactional_db):
    user = factories.make_user("importer")
    return user, factories.make_workspace("Moves", owner=user)


def test_upload_a_chatgpt_export_and_get_code_for_a_conversation(
    live_server,
    importer,
    browser_page,
):
    user, workspace = importer
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/**")

    page.goto(f"{live_server.url}/w/{workspace.slug}/")
    page.click("nav.sidenav >> text=Import & export")
    page.set_input_files("#id_file", str(FILES / "chatgpt_conversations.json"))
    page.click("button:has-text('Import')")
    page.wait_for_selector("text=ChatGPT export imported")
    assert page.locator(".import-summary li").count() == 2
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "import.png"), full_page=True)

    tides = Conversation.objects.get(title="Tide tables")
    page.goto(f"{live_server.url}/w/{workspace.slug}/chat/{tides.pk}/export/code/")
    python = page.locator(f"#snippet-{tides.pk}-python").inner_text()
    assert f'base_url="{live_server.url}/v1"' in python and 'model="gpt-4o"' in python
    compile(python, "snippet", "exec")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "code.png"), full_page=True)


DROP = """async ([name, text]) => {
  const data = new DataTransfer();
  data.items.add(new File([text], name, { type: "application/json" }));
  const zone = document.querySelector(".drop-zone");
  zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
  const over = zone.classList.contains("is-over");
  zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  return over;
}"""
WATCH_PROGRESS = """() => {
  const status = document.querySelector(".upload-progress [role=status]");
  new MutationObserver(() => window.recordProgress(status.textContent))
    .observe(status, { childList: true, characterData: true, subtree: true });
}"""


@pytest.mark.parametrize("view", VIEWS)
def test_a_large_export_dropped_on_the_form_shows_its_progress(live_server, importer, view):
    user, workspace = importer
    # Four megabytes of whitespace after the JSON: a large upload, still a valid export.
    export = (FILES / "chatgpt_conversations.json").read_text() + " " * 4 * 1024 * 1024
    size, scheme = VIEWS[view]
    with chromium_page(**size, color_scheme=scheme) as (page, errors):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", factories.PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/w/**")
        page.goto(f"{live_server.url}/w/{workspace.slug}/import/")
        assert not axe_violations(page)
        seen: list[str] = []
        page.expose_function("recordProgress", lambda text: seen.append(text))
        assert page.evaluate(DROP, ["conversations.json", export])  # highlighted while over
        assert "conversations.json · 4.0 MB" in page.inner_text(".drop-zone-file")
        page.evaluate(WATCH_PROGRESS)
        page.click("button:has-text('Import')")
        page.wait_for_selector("text=ChatGPT export imported")
        assert page.locator(".import-summary li").count() == 2
        assert "Uploading…" in seen[0] and "Processing…" in seen, seen
        assert not axe_violations(page)
        assert not errors, errors
