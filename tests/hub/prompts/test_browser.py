"""The prompt library in a real browser: write, version, compare, try it (htmx), label."""

from __future__ import annotations

import os

import pytest

from tests import factories

SHOTS = os.environ.get("HUB_TEST_SCREENSHOTS")  # a folder: save screenshots there


@pytest.fixture
def writer(transactional_db):
    user = factories.make_user("writer")
    workspace = factories.make_workspace("Docs", owner=user)
    return user, workspace


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_write_version_compare_try_and_label_a_prompt(live_server, writer, browser_page):
    user, workspace = writer
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/**")

    page.goto(f"{live_server.url}/w/{workspace.slug}/")
    page.click("nav.sidenav >> text=Prompts")
    page.click("text=New prompt")
    page.fill("#id_name", "Support reply")
    page.fill("#id_category", "Support")
    page.fill("#id_system_prompt", "Answer in a {{tone}} tone.")
    page.fill("#id_body", "Customer wrote:\n{{email}}\nReply briefly.")
    page.fill("#id_variables", "tone: formal | friendly")
    page.click("button:has-text('Save prompt')")
    page.wait_for_selector("text=saved as version 1")

    page.click(".page-actions >> text=Edit")
    page.fill("#id_body", "Customer wrote:\n{{email}}\nReply in two sentences.")
    page.fill("#id_note", "shorter")
    page.click("button:has-text('Save new version')")
    page.wait_for_selector("text=Saved as version 2")
    assert page.locator(".diff-added").first.inner_text().endswith("Reply in two sentences.")
    assert page.locator(".diff-removed").first.inner_text().endswith("Reply briefly.")

    page.select_option("#id_var-tone", "friendly")
    page.fill("#id_var-email", "My order is late")
    page.click("button:has-text('Fill in')")
    preview = page.wait_for_selector(".prompt-use-result pre[id^=prompt-text]")
    assert preview.inner_text() == "Customer wrote:\nMy order is late\nReply in two sentences."
    assert "Answer in a friendly tone." in page.locator(".prompt-use-result").inner_text()
    shot(page, "prompt-detail")

    page.click("button:has-text('Mark as production')")
    page.wait_for_selector("text=Version 2 is now the production version.")
    # Checked on the list (read from the database) rather than through the ORM here: a query
    # made inside Playwright's sync API opens a connection nobody closes, and PostgreSQL then
    # cannot drop the test database.
    page.click("nav.sidenav >> text=Prompts")
    page.wait_for_selector("td .badge-success >> text=v2")
    shot(page, "prompt-list")
