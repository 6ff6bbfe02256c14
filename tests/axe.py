"""axe-core (vendored from npm into tests/vendor: axe v4, MPL-2.0), run on a Playwright page.

It is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
not govern, so the pages are checked with their policy on, as users get them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_SOURCE = (Path(__file__).with_name("vendor") / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""


def axe_violations(page: Any) -> list[str]:
    """The page's serious and critical accessibility violations, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(RUN)
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in FAILING_IMPACTS
    ]
