"""A real browser (Chromium through Playwright) against the live server: the main path works
with the stylesheet and htmx loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories

SECRET = "sk-browser-SECRET-MARKER-9876"


@pytest.fixture
def alice(transactional_db):
    """The user who signs in. Created here, before Playwright starts: ORM calls made inside
    Playwright's sync API run in another context and open a connection nobody closes."""
    return factories.make_user("alice")


def test_sign_in_create_workspace_credential_provider_and_key(
    live_server, alice, browser_page, tmp_path: Path
):
    page = browser_page

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", alice.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/")

    topbar = page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor")
    assert topbar == "rgb(20, 26, 38)", "hub.css did not load"
    page.screenshot(path=str(tmp_path / "workspaces.png"), full_page=True)

    page.fill("#id_name", "Browser Lab")
    page.click("text=Create workspace")
    page.wait_for_url("**/w/browser-lab/")
    assert "Workspace “Browser Lab” created" in page.inner_text(".flashes")

    page.click(".sidenav >> text=Credentials")
    page.click("text=Add credential")
    page.select_option("#id_provider_kind", "openai")
    page.fill("#id_name", "Work OpenAI")
    page.fill("#id_secret", SECRET)
    page.click("button:has-text('Save credential')")
    page.wait_for_url("**/credentials/")
    assert "sk-…9876" in page.inner_text("table")
    assert SECRET not in page.content()

    page.click(".sidenav >> text=Providers")
    page.click(".page-actions >> text=Add provider")
    page.select_option("#id_kind", "openai")
    page.fill("#id_name", "OpenAI")
    page.select_option("#id_credential", label="Work OpenAI (OpenAI, sk-…9876)")
    page.click("button:has-text('Add provider')")
    page.wait_for_url("**/providers/*/")
    assert "Provider “OpenAI” added" in page.inner_text(".flashes")

    page.click(".sidenav >> text=API keys")
    page.fill("#id_name", "browser key")
    page.click("button:has-text('Create key')")
    raw_key = page.inner_text("#new-api-key")
    assert raw_key.startswith("hub-") and len(raw_key) > 40
    page.screenshot(path=str(tmp_path / "key-created.png"), full_page=True)

    page.goto(page.url)
    assert raw_key not in page.content(), "the key must be shown once only"

    # Revoke through htmx: the confirm dialog, the CSRF header and the swapped row.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Revoke')")
    page.wait_for_selector("tr >> text=Revoked")

    screenshot = tmp_path / "keys.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 10_000
