"""The workbench in a real browser (Chromium through Playwright) against a live hub that serves
WebSockets (uvicorn, tests/routing/live_hub.py) and a simulated provider streaming 20 tokens a
second: stream a chat, branch it, reload mid-answer, fork it, compare 4 models blind, vote;
insert a prompt from the library into the chat and the playground, save an answer as a prompt.
Screenshots of the main pages land in var/screenshots/.

It also measures how long a token takes to reach the screen and prints it:

    .venv/bin/pytest tests/hub/workbench/test_browser_workbench.py -q -s -p no:cacheprovider

The page records, per token, when its WebSocket message arrived and when the DOM showed it
(a MutationObserver on ``data-pieces``); each token event carries the wall-clock time the hub
received it from the provider, so "hub to screen" covers the socket, the page and rendering.
Only a loose bound is asserted; the numbers are printed.
"""

from __future__ import annotations

import itertools
import statistics
import threading
import time

import pytest
from django.db import connection

from analytics.recorder import usage_recorder
from hub.workbench.interruptions import INTERRUPTED_ERROR
from hub.workbench.models import Message, PlaygroundRun
from hub.workbench.persistence import message_heartbeat
from tests.axe import axe_violations
from tests.hub.workbench.browser_lab import SCREENSHOTS, answer_done, sign_in
from tests.hub.workbench.rows import (
    conversation_make,
    playground_run_make,
    slot_streaming,
    streaming_answer,
)

TOKEN_INTERVAL_MS = 50  # the simulator's --tokens-per-second 20


MARKDOWN_SAFETY = r"""() => {
  const box = document.createElement("div");
  box.append(window.HubMarkdown.render(
    '<script>window.pwned = 1</script> <img src=x onerror="window.pwned = 1"> ' +
    '[bad](javascript:window.pwned=1) [good](https://example.com/)\n' +
    '```python\n# a comment\nprint("<b>")\n```'
  ));
  document.body.append(box);
  const result = {
    html: box.innerHTML,
    elements: box.querySelectorAll("script, img, b").length,
    links: [...box.querySelectorAll("a")].map((a) => a.getAttribute("href")),
    tokens: box.querySelectorAll(".tok-comment, .tok-string").length,
    pwned: window.pwned || 0,
  };
  box.remove();
  return result;
}"""
MEASURED = "() => ({ ...window.__wb, origin: performance.timeOrigin })"
UNTRUNCATED_NAMES = """() => [...document.querySelectorAll(".pg-slot .model-picker-name")]
  .every((name) => name.scrollWidth <= name.clientWidth)"""


@pytest.fixture
def left_streaming(lab, settings) -> tuple[Message, PlaygroundRun]:
    """Alice's answers nobody generates any more (their process died): a chat answer and a
    playground slot silent for a minute; answers are stale after 3 s."""
    settings.HUB_WORKBENCH_STALE_SECONDS = 3
    alice = lab.memberships.get(role="owner").user
    conversation = conversation_make(lab, alice, turns=("first",))
    answer = streaming_answer(conversation, "You said: sec", heartbeat_age=60, question="second")
    run = playground_run_make(lab, alice)
    slot_streaming(run.slots.get(position=0), "Half an ans", heartbeat_age=60)
    return answer, run


def last_heartbeat_now(message_id: int) -> None:
    """The answer's last heartbeat, as its generation wrote it just before its process died;
    from a thread of its own, which closes its connection (not the ORM inside Playwright's loop)."""

    def beat() -> None:
        try:
            message_heartbeat(message_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat)
    thread.start()
    thread.join()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return (
        f"n={len(values)} p50={statistics.median(values):.1f} ms "
        f"p95={percentile(values, 0.95):.1f} ms max={max(values):.1f} ms"
    )


def token_counts_while_streaming(page, selector: str, until: int) -> list[int]:
    """``data-pieces`` of an element sampled as it grows (token by token, not all at once)."""
    seen: list[int] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        value = page.eval_on_selector(selector, "e => Number(e.dataset.pieces || 0)")
        if not seen or value != seen[-1]:
            seen.append(value)
        if value >= until:
            return seen
        time.sleep(0.02)
    raise AssertionError(f"{selector} stopped at {seen}")


def test_chat_branch_reload_fork_and_blind_comparison_of_four_models(hub, lab, page):
    slug = lab.slug
    sign_in(page, hub, slug)
    page.click(".sidenav >> text=Chat")
    page.wait_for_url(f"**/w/{slug}/chat/")

    # Answers are rendered from text nodes: markup in them stays text, bad links stay text.
    safety = page.evaluate(MARKDOWN_SAFETY)
    assert safety["elements"] == 0 and not safety["pwned"], safety
    assert safety["links"] == ["https://example.com/"] and safety["tokens"] >= 2, safety
    assert "&lt;script&gt;" in safety["html"]

    # Stream a chat: tokens arrive one by one, then the answer shows who answered and the cost.
    page.select_option("#chat-model", "sim/echo")
    page.fill("#chat-temperature", "0.3")
    prompt = "Please show **bold** text and `inline code` for each of the twelve small words here"
    page.fill("#chat-input", prompt)
    page.keyboard.press("Enter")
    page.wait_for_selector("#chat-thread .msg-assistant.is-streaming")
    counts = token_counts_while_streaming(page, "#chat-thread .msg-assistant", until=6)
    assert len(counts) >= 4, f"tokens should arrive one at a time, saw {counts}"
    page.screenshot(path=str(SCREENSHOTS / "chat-streaming.png"))
    page.wait_for_url(f"**/w/{slug}/chat/*/")
    answer = answer_done(page)
    assert answer.locator("strong").inner_text() == "bold"
    assert answer.locator("code").first.inner_text() == "inline code"
    meta = answer.locator(".msg-meta-text").inner_text()
    assert "sim/echo" in meta and " in · " in meta and "out" in meta and "TTFT" in meta, meta
    assert page.inner_text("#chat-total-cost") != "$0"

    # Edit and resend: a second branch, with a "2/2" switcher to go back to the first.
    page.locator("#chat-thread .msg-user").first.locator("text=Edit").click()
    page.fill(".msg-editor textarea", "A different question")
    page.click(".msg-editor >> text=Save & send")
    page.wait_for_selector("#chat-thread .msg-user .msg-switcher-position >> text=2/2")
    answer = answer_done(page)
    assert answer.locator(".msg-body").inner_text().startswith("You said: A different question")
    user = page.locator("#chat-thread .msg-user").first
    assert user.locator(".msg-switcher-position").inner_text() == "2/2"
    user.locator("button[title='Previous version']").click()
    assert (
        page.locator("#chat-thread .msg-user").first.locator(".msg-switcher-position").inner_text()
        == "1/2"
    )
    assert "twelve small words" in page.inner_text("#chat-thread")

    pages_measured = [page.evaluate(MEASURED)]

    # Reload in the middle of an answer: the server finishes it and the page re-attaches.
    page.fill("#chat-input", "one two three four five six seven eight nine ten eleven twelve")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => Number(document.querySelector('#chat-thread .msg-assistant.is-streaming')?.dataset.pieces) >= 3"
    )
    page.reload()
    answer = answer_done(page)
    assert answer.locator(".msg-body").inner_text().endswith("ten eleven twelve")
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))
    assert not axe_violations(page)  # a thread with answers, edits and switchers

    # Rename it from the list.
    current = page.locator(".conversation-list li.is-current")
    current.locator("summary").click()
    current.locator("input[name=title]").fill("Branching demo")
    current.locator("text=Rename").click()
    page.wait_for_selector("#chat-title >> text=Branching demo")

    # Fork at the first answer: a new chat holding the branch up to there.
    page.locator("#chat-thread .msg-assistant").first.locator("button:has-text('Fork')").click()
    page.wait_for_selector(".flash >> text=Forked into")
    assert page.locator("#chat-thread .msg").count() == 2
    forked_url = page.url

    # Compare this conversation in the playground: four models, blind.
    page.click("#chat-compare")
    page.wait_for_url(f"**/w/{slug}/playground/?conversation=*")
    assert "2 earlier messages" in page.inner_text("#pg-history summary")
    page.click("#pg-add-slot")
    page.click("#pg-add-slot")
    for index, model in enumerate(("sim/echo", "sim/echo-large", "sim2/echo", "fast")):
        page.locator(".pg-slot-model").nth(index).select_option(model)
    assert page.evaluate(UNTRUNCATED_NAMES), "every slot shows its model's whole name"
    page.fill("#pg-prompt", " ".join(f"w{n}" for n in range(40)))
    page.check("#pg-blind")
    page.click("#pg-start")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pg-slot-output')].every(e => Number(e.dataset.pieces) >= 8)"
    )
    before = page.locator(".pg-slot-metrics").all_inner_texts()
    page.screenshot(path=str(SCREENSHOTS / "playground-streaming.png"), full_page=True)
    time.sleep(0.3)
    after = page.locator(".pg-slot-metrics").all_inner_texts()
    assert before != after, "per-slot metrics update while streaming"
    for text in after:
        assert "TTFT \u2013" not in text and "\u2013 tok/s" not in text and "$0." in text, text
    labels = page.locator(".pg-slot-label").all_inner_texts()
    assert labels == ["Model A", "Model B", "Model C", "Model D"], labels
    assert "sim" not in page.inner_text("#pg-slots")

    page.wait_for_selector("#pg-vote:not([hidden]) >> text=B is best")
    page.click("text=B is best")
    page.wait_for_selector("#pg-vote-result >> text=Model B is best")
    labels = page.locator(".pg-slot-label").all_inner_texts()
    assert sorted(label.split(" · ")[1] for label in labels) == [
        "fast → sim/echo", "sim/echo", "sim/echo-large", "sim2/echo",
    ], labels  # fmt: skip
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "playground-voted.png"), full_page=True)
    assert not axe_violations(page)  # four slots with their controls, revealed

    pages_measured.append(page.evaluate(MEASURED))
    page.locator(".pg-slot").nth(1).locator("text=Continue in chat").click()
    page.wait_for_url(f"**/w/{slug}/chat/*/")
    assert page.url != forked_url
    assert page.locator("#chat-thread .msg").count() == 4
    assert "w39" in page.locator("#chat-thread .msg-assistant").last.inner_text()

    # The pages these calls show up on, and the providers that answered them.
    assert usage_recorder.flush(timeout=10)
    page.click(".sidenav >> text=Usage")
    page.wait_for_selector("table.table td >> text=sim/echo-large")
    calls = page.inner_text("table.table").lower()
    assert "playground" in calls and "chat" in calls, calls
    page.set_viewport_size({"width": 1400, "height": 1700})  # the whole page, nav included
    page.screenshot(path=str(SCREENSHOTS / "usage.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
    page.click(".sidenav >> text=Providers")
    page.wait_for_selector("text=sim2")
    page.screenshot(path=str(SCREENSHOTS / "providers.png"), full_page=True)

    latencies_report(pages_measured)


def test_an_answer_whose_server_died_turns_into_an_error_with_regenerate(
    hub,
    lab,
    left_streaming,
    page,
):
    answer, run = left_streaming
    slug = lab.slug
    sign_in(page, hub, slug)

    # Shown streaming at first (its process might be alive); once silent past the threshold,
    # the page's next look finds it interrupted: the partial text stays, with the error.
    last_heartbeat_now(answer.pk)
    page.goto(f"{hub.url}/w/{slug}/chat/{answer.conversation_id}/")
    page.wait_for_selector("#chat-thread .msg-assistant.is-streaming")
    page.wait_for_selector("#chat-thread .msg-assistant .msg-status-error", timeout=10_000)
    shown = page.locator("#chat-thread .msg-assistant").last
    assert shown.locator(".msg-status").inner_text() == f"Error: {INTERRUPTED_ERROR}"
    assert shown.locator(".msg-body").inner_text() == "You said: sec"
    assert page.inner_text("#chat-status") == INTERRUPTED_ERROR
    assert page.is_enabled("#chat-send") and not page.is_visible("#chat-stop")
    page.screenshot(path=str(SCREENSHOTS / "chat-interrupted.png"))

    # Regenerate, as for any failed answer: a new answer beside the interrupted one.
    shown.locator("button:has-text('Regenerate')").click()
    page.wait_for_selector("#chat-thread .msg-assistant .msg-switcher-position >> text=2/2")
    assert answer_done(page).locator(".msg-body").inner_text() == "You said: second"

    # A playground run opens with its dead slot failed, so it can be voted on and run again.
    page.goto(f"{hub.url}/w/{slug}/playground/{run.pk}/")
    slot = page.locator(".pg-slot").first
    assert slot.locator(".pg-slot-status").inner_text() == f"Error: {INTERRUPTED_ERROR}"
    assert slot.locator(".pg-slot-output").inner_text() == "Half an ans"
    assert page.is_enabled("#pg-start") and page.is_visible("#pg-vote")


def latencies_report(pages_measured: list[dict]) -> None:
    socket_to_screen: list[float] = []
    hub_to_screen: list[float] = []
    gaps: list[float] = []
    for measured in pages_measured:
        arrivals, shown, origin = measured["arrivals"], measured["shown"], measured["origin"]
        keys = [key for key in arrivals if key in shown]
        socket_to_screen += [shown[k] - arrivals[k]["t"] for k in keys]
        hub_to_screen += [origin + shown[k] - arrivals[k]["at"] for k in keys]
        for stream in {key.split("#")[0] for key in keys}:
            times = sorted(shown[k] for k in keys if k.startswith(f"{stream}#"))
            gaps += [b - a for a, b in itertools.pairwise(times)]
    print(
        f"\non-screen latency of {len(socket_to_screen)} streamed tokens (simulator at 20 tokens/s):"
    )
    print(f"  socket message -> DOM shows it:      {summary(socket_to_screen)}")
    print(f"  hub got it from provider -> on screen: {summary(hub_to_screen)}")
    print(f"  gap between tokens on screen (expected {TOKEN_INTERVAL_MS} ms): {summary(gaps)}")
    assert len(socket_to_screen) > 150
    assert percentile(socket_to_screen, 0.95) < 500
    assert percentile(hub_to_screen, 0.95) < 500
