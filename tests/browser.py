"""Chromium through Playwright, as every browser test drives it: Debian's ``chromium`` (CI
installs it; without it a browser test fails rather than skips, so a missing browser cannot
pass unnoticed), headless, with the page's own errors collected."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from typing import Any, Literal

import pytest

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# The four ways the interface must work: ``@pytest.mark.parametrize("view", VIEWS)``, then
# ``chromium_page(**VIEWS[view][0], color_scheme=VIEWS[view][1])``.
VIEWS: dict[str, tuple[dict[str, int], Literal["light", "dark"]]] = {
    "laptop-light": (LAPTOP, "light"),
    "laptop-dark": (LAPTOP, "dark"),
    "phone-light": (PHONE, "light"),
    "phone-dark": (PHONE, "dark"),
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Chromium logs a refused inline script as a console error; this catches every other kind
# of Content-Security-Policy violation as one too, with where it happened.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => console.error(
  `CSP violation: ${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
));
"""


@contextlib.contextmanager
def chromium_page(
    *,
    width: int = 1280,
    height: int = 860,
    init_script: str = "",
    timeout_ms: int = 15_000,
    errors: list[str] | None = None,
    color_scheme: Literal["light", "dark"] = "light",
) -> Iterator[tuple[Any, list[str]]]:
    """A fresh page and the list (``errors``, or a new one) that collects what it logs as
    errors: uncaught exceptions, console errors, Content-Security-Policy violations.
    ``color_scheme`` is the system preference the page sees ("light" or "dark")."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: install the `chromium` package (CI does).")
    from playwright.sync_api import sync_playwright  # starts a driver process: only when used

    errors = [] if errors is None else errors
    # Playwright's sync API runs an event loop in the test's thread, where the ORM calls the
    # test makes are still ordinary synchronous ones: allowed while the browser runs only.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=color_scheme
        )
        context.add_init_script(CSP_WATCH)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            yield page, errors
        finally:
            browser.close()
