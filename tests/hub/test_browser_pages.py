"""Every page in a real browser under the hub's Content-Security-Policy: the side navigation's
pages with data on them (charts drawn), the admin and the API docs load with no violation and
no error of their own, and axe-core finds nothing serious or critical on the hub's own pages.
The policy forbids inline script, so plotly's figures are drawn by static/js/charts.js; a
page that slipped an inline script back in fails here."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from analytics.health.checks import run_health_checks
from tests.analytics.factories import make_usage
from tests.axe import axe_violations
from tests.browser import chromium_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
ADMIN_PAGES = ["/admin/", "/admin/providers/provider/", "/admin/axes/accessattempt/"]


@pytest.fixture
def seeded(gateway):
    owner = gateway.workspace.memberships.get(role="owner").user
    owner.is_staff = owner.is_superuser = True
    owner.save()
    for status in ("success", "success", "error"):
        make_usage(gateway.workspace, status=status)
    run_health_checks()
    return gateway, owner


def test_every_page_satisfies_the_content_security_policy(seeded):
    gateway, owner = seeded
    base = gateway.url
    headers = httpx.get(f"{base}/login/", timeout=10).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    with chromium_page() as (page, errors):
        page.goto(f"{base}/login/")
        page.fill("#id_username", owner.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/w/**")
        links = page.eval_on_selector_all("nav.sidenav a", "links => links.map(a => a.href)")
        paths = sorted({urlsplit(link).path for link in links})
        assert len(paths) >= 8, paths
        visited: dict[str, list[str]] = {}
        inaccessible: dict[str, list[str]] = {}
        for path in [*paths, *ADMIN_PAGES, "/api/docs/"]:
            before = len(errors)
            page.goto(f"{base}{path}", wait_until="load")
            page.wait_for_timeout(300)  # deferred scripts, charts, the first socket message
            visited[path] = errors[before:]
            if path in paths and (found := axe_violations(page)):
                inaccessible[path] = found
            if path.endswith("/usage/"):
                assert page.locator(".js-plotly-plot").count() == 2
            if path.endswith("/health/"):
                assert page.locator(".js-plotly-plot").count() >= 1
            if path == "/api/docs/":
                page.wait_for_selector(".swagger-ui .info")
        failing = {path: found for path, found in visited.items() if found}
        assert not failing, failing
        assert not inaccessible, inaccessible
