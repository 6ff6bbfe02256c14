"""What the workbench's browser tests share: Alice's lab workspace on a simulator streaming 20
tokens a second, a page that measures token arrivals, and the steps they all take."""

from __future__ import annotations

import time

import pytest

from analytics.recorder import usage_recorder
from hub.prompts.models import PromptTemplate
from providers.models import ProviderModel
from routing.models import ModelAlias
from routing.signals import pipeline_caches_clear
from tests import factories
from tests.browser import chromium_page
from tests.hub.prompts.factories import make_prompt
from tests.live_hub import PRICES, wire_provider
from tests.simulated import ROOT

SCREENSHOTS = ROOT / "var" / "screenshots"
MEASURE = """
window.__wb = { arrivals: {}, shown: {} };
const NativeSocket = window.WebSocket;
window.WebSocket = class extends NativeSocket {
  constructor(...args) {
    super(...args);
    // Registered before the page's own listener, so it sees each message first.
    this.addEventListener("message", (event) => {
      const t = performance.now();
      let data;
      try { data = JSON.parse(event.data); } catch { return; }
      if (data.type === "token") window.__wb.arrivals[`${data.key}#${data.n}`] = { t, at: data.at };
    });
  }
};
new MutationObserver((records) => {
  const t = performance.now();
  for (const record of records) {
    const key = record.target.dataset?.key;
    const count = Number(record.target.dataset?.pieces || 0);
    if (!key) continue;
    for (let n = 0; n < count; n += 1) {
      if (!(`${key}#${n}` in window.__wb.shown)) window.__wb.shown[`${key}#${n}`] = t;
    }
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-pieces", "data-key"] });
"""


@pytest.fixture
def lab(transactional_db, slow_simulator):
    """Alice's workspace with two simulated providers and an alias, made before Playwright
    starts (ORM calls inside its sync API would open connections nobody closes)."""
    pipeline_caches_clear()
    alice = factories.make_user("alice")
    workspace = factories.make_workspace("Lab", owner=alice)
    for slug in ("sim", "sim2"):
        provider = wire_provider(workspace, slug=slug, base_url=slow_simulator.url)
        ProviderModel.objects.create(
            workspace=workspace, provider=provider, name="echo-large", **PRICES
        )
    ModelAlias.objects.create(workspace=workspace, name="fast", candidates=[{"model": "sim/echo"}])
    yield workspace
    deadline = time.monotonic() + 15
    from hub.workbench.generation import generations

    while generations.running_keys() and time.monotonic() < deadline:
        time.sleep(0.05)
    usage_recorder.flush(timeout=10)


@pytest.fixture
def greeting(lab) -> PromptTemplate:
    """A prompt with a variable and a system prompt, in the library of ``lab``."""
    return make_prompt(
        lab,
        name="Greeting",
        category="Demo",
        body="Greet {{person}} kindly",
        system_prompt="Be brief.",
    )


@pytest.fixture
def console_errors() -> list[str]:
    """Errors the page logged; a test that causes one on purpose takes it out of the list."""
    return []


@pytest.fixture
def page(console_errors):
    with chromium_page(
        width=1400, height=900, init_script=MEASURE, timeout_ms=20_000, errors=console_errors
    ) as (page, _):
        yield page
    assert not console_errors, console_errors


def answer_done(page, nth: int = -1):
    """The thread's answer (last by default) once it has stopped streaming."""
    page.wait_for_function(
        f"""() => {{
            const all = document.querySelectorAll('#chat-thread .msg-assistant');
            const one = all[{nth} < 0 ? all.length + {nth} : {nth}];
            return one && !one.classList.contains('is-streaming') && one.querySelector('.msg-meta-text').textContent.includes('$');
        }}"""
    )
    return page.locator("#chat-thread .msg-assistant").nth(nth)


def sign_in(page, hub, slug: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{hub.url}/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"**/w/{slug}/")


def prompt_insert(page, name: str, **values: str) -> None:
    """Pick ``name`` in the open prompt dialog, fill in its variables and insert it."""
    page.wait_for_selector("#prompt-dialog[open]")
    page.locator(f"#prompt-dialog .picker-list button:has-text('{name}')").click()
    page.wait_for_selector("#prompt-use-panel form[data-prompt-use]")
    for variable, value in values.items():
        page.fill(f"#prompt-use-panel [name='var-{variable}']", value)
    page.click("#prompt-use-panel button:has-text('Insert')")
    page.wait_for_selector("#prompt-dialog", state="hidden")
