"""Adding a provider in a real browser, at desktop and phone sizes, light and dark: type its
key on the same form, Test connection says "Connected", saving lands on its synced models,
and the providers list fills each row's health cell; axe-core stays clean, the CSP on."""

from __future__ import annotations

import re

import pytest

from analytics.health.checks import run_health_checks
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.hub.test_browser_phone import TOO_WIDE
from tests.hub.test_browser_theme import log_in, owner_of, theme

pytestmark = pytest.mark.browser
KEY = "sk-browser-test-key-4242"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_add_a_provider_with_its_key_test_it_and_see_its_models_and_health(
    gateway, simulator, size, scheme
):
    owner = owner_of(gateway)
    owner.is_staff = True  # the simulator listens on loopback: a site administrator's right
    owner.save()
    run_health_checks()
    slug = gateway.workspace.slug
    inaccessible: dict[str, list[str]] = {}
    with chromium_page(**size, color_scheme=scheme) as (page, errors):
        log_in(page, gateway.url, owner.username)
        page.goto(f"{gateway.url}/w/{slug}/providers/new/")
        assert theme(page) == scheme
        page.select_option("#id_kind", "openai_compatible")
        page.fill("#id_api_key", KEY)
        page.fill("#id_name", "Sim API")
        page.fill("#id_base_url", f"{simulator.url}/v1")
        page.click("[data-test-connection]")
        result = page.locator("#connection-result [data-connection='ok']")
        result.wait_for()
        assert result.inner_text() == "Connected: 4 models"
        assert KEY not in page.content()
        assert page.evaluate(TOO_WIDE) == []
        inaccessible["form"] = axe_violations(page)

        page.click("button.btn-primary[type=submit]")
        page.wait_for_url(re.compile(r"/providers/\d+/$"))
        flashes = page.inner_text(".flashes")
        assert "Provider “Sim API” added." in flashes and "4 models synced." in flashes
        assert page.locator("td .cell-title", has_text="echo-large").count() == 1
        assert KEY not in page.content()
        assert page.evaluate(TOO_WIDE) == []
        inaccessible["detail"] = axe_violations(page)

        page.goto(f"{gateway.url}/w/{slug}/providers/")
        cells = page.locator("[data-health-cell]")
        assert cells.count() == 2
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-health-cell]')]"
            ".every((cell) => cell.querySelector('[data-status]'))"
        )
        checked = page.locator("[data-health-cell] [data-status='healthy']")
        assert (
            checked.count() == 1
            and " ms" in page.locator("[data-health-cell] .health-p50").first.inner_text()
        )
        assert page.locator("[data-health-cell] [data-status='unknown']").count() == 1
        assert page.evaluate(TOO_WIDE) == []
        inaccessible["list"] = axe_violations(page)
    assert not {name: found for name, found in inaccessible.items() if found}, inaccessible
    assert not errors, errors
