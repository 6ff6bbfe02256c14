"""Tables in chat answers, rendered by the workbench's Markdown renderer in a real browser:
GitHub's pipe tables with alignment, inline formatting in cells, an escaped pipe, and cells
whose markup stays text; pipes that make no table stay a paragraph."""

from __future__ import annotations

import pytest

from tests.browser import chromium_page
from tests.hub.test_browser_theme import log_in, owner_of

pytestmark = pytest.mark.browser
RENDER = r"""(source) => {
  const box = document.createElement("div");
  box.append(window.HubMarkdown.render(source));
  return {
    tables: box.querySelectorAll("table").length,
    head: [...box.querySelectorAll("thead th")].map((c) => c.textContent),
    rows: [...box.querySelectorAll("tbody tr")].map((r) => [...r.cells].map((c) => c.textContent)),
    aligns: [...box.querySelectorAll("thead th")].map((c) => c.style.textAlign),
    bold: [...box.querySelectorAll("td strong")].map((c) => c.textContent),
    injected: box.querySelectorAll("td b, script").length,
    paragraphs: [...box.querySelectorAll("p")].map((p) => p.textContent),
  };
}"""
TABLE = (
    "Prices:\n\n| model | context | price |\n|:---|:---:|---:|\n"
    "| **echo** | 8k | $0.50 |\n| <b>x</b> | a \\| b | $1 |\n\nAfter."
)


def test_pipe_tables_render_as_tables_and_stay_safe(gateway):
    with chromium_page() as (page, errors):
        log_in(page, gateway.url, owner_of(gateway).username)
        page.goto(f"{gateway.url}/w/{gateway.workspace.slug}/chat/")
        rendered = page.evaluate(RENDER, TABLE)
        assert rendered["tables"] == 1
        assert rendered["head"] == ["model", "context", "price"]
        assert rendered["aligns"] == ["left", "center", "right"]
        assert rendered["rows"] == [["echo", "8k", "$0.50"], ["<b>x</b>", "a | b", "$1"]]
        assert rendered["bold"] == ["echo"] and rendered["injected"] == 0
        assert rendered["paragraphs"] == ["Prices:", "After."]
        loose = page.evaluate(RENDER, "a | b | c\n| not | a table |")
        assert loose["tables"] == 0 and len(loose["paragraphs"]) == 1
        assert not errors, errors
