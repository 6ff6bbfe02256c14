"""Dark mode in a real browser: it follows the system's preference, a toggle in the top bar
overrides it and is remembered across pages and reloads, every page's surfaces come from
the theme's tokens (nothing stays white in the dark), and charts take the theme's colours."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from analytics.health.checks import run_health_checks
from tests.analytics.factories import make_usage
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
DARK_BACKGROUND = "rgb(14, 18, 26)"  # --bg of the dark theme
WHITE_SURFACES = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.checkVisibility() && getComputedStyle(e).backgroundColor === "rgb(255, 255, 255)")
  .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ")[0] : ""))"""


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/w/**")


def theme(page) -> str:
    return page.evaluate("document.documentElement.dataset.theme")


def owner_of(gateway):
    return gateway.workspace.memberships.get(role="owner").user


def test_the_system_preference_is_followed_until_the_toggle_overrides_it(gateway):
    with chromium_page(color_scheme="dark") as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        assert theme(page) == "dark"
        toggle = page.locator("[data-theme-toggle]")
        assert toggle.get_attribute("aria-label") == "Theme: system (change)"
        toggle.click()
        assert theme(page) == "light" and toggle.get_attribute("data-choice") == "light"
        toggle.click()
        assert theme(page) == "dark"
        page.reload()
        assert theme(page) == "dark"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BACKGROUND
        page.click("nav.sidenav a[href$='/usage/']")
        page.wait_for_load_state()
        assert theme(page) == "dark"
        toggle = page.locator("[data-theme-toggle]")
        toggle.click()  # back to following the system, which is dark
        assert toggle.get_attribute("data-choice") == "system" and theme(page) == "dark"
        assert not errors, errors


def test_every_page_is_dark_and_accessible_in_the_dark_theme_charts_included(gateway):
    for status in ("success", "error"):
        make_usage(gateway.workspace, status=status)
    run_health_checks()
    with chromium_page(color_scheme="dark") as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        links = page.eval_on_selector_all("nav.sidenav a", "links => links.map(a => a.href)")
        paths = sorted({urlsplit(link).path for link in links})
        white: dict[str, list[str]] = {}
        inaccessible: dict[str, list[str]] = {}
        for path in paths:
            page.goto(f"{gateway.url}{path}", wait_until="load")
            page.wait_for_timeout(200)
            assert theme(page) == "dark", path
            found = page.evaluate(WHITE_SURFACES)
            if found:
                white[path] = found[:5]
            if contrast := axe_violations(page):  # contrast is the dark theme's own risk
                inaccessible[path] = contrast
            if path.endswith("/usage/"):
                page.wait_for_selector(".js-plotly-plot")
                layout = page.evaluate(
                    "document.querySelector('.js-plotly-plot')._fullLayout.font.color"
                )
                muted = page.evaluate(
                    "getComputedStyle(document.documentElement)"
                    ".getPropertyValue('--text-muted').trim()"
                )
                assert layout == muted == "#a9b1c1"
        assert not white, white
        assert not inaccessible, inaccessible
        assert not errors, errors
