"""The prompt library from the workbench, in a real browser against the live hub: a prompt
inserted with its variable is sent in chat and fills the playground; an answer saved as a
prompt is found in the library."""

from __future__ import annotations

from tests.hub.workbench.browser_lab import SCREENSHOTS, answer_done, prompt_insert, sign_in


def test_a_prompt_inserted_with_its_variable_is_sent_in_chat_and_fills_the_playground(
    hub,
    lab,
    greeting,
    page,
    console_errors,
):
    slug = lab.slug
    sign_in(page, hub, slug)
    page.goto(f"{hub.url}/w/{slug}/chat/")
    page.select_option("#chat-model", "sim/echo")

    # A value left out is named by the hub, on the form, and nothing is inserted.
    page.click("#chat-insert-prompt")
    page.wait_for_selector("#prompt-dialog[open] .picker-list >> text=Greeting")
    page.locator("#prompt-dialog .picker-list button:has-text('Greeting')").click()
    page.click("#prompt-use-panel button:has-text('Insert')")
    error = page.wait_for_selector("#prompt-use-panel .form-errors")
    assert error.inner_text() == "Fill in person."
    assert page.locator("#prompt-use-panel .field.has-error [name='var-person']").count() == 1
    assert [e for e in console_errors if "status of 400" not in e] == []  # Chromium logs the 400
    console_errors.clear()
    page.fill("#prompt-use-panel [name='var-person']", "Ada")
    page.screenshot(path=str(SCREENSHOTS / "chat-insert-prompt.png"))
    page.click("#prompt-use-panel button:has-text('Insert')")
    page.wait_for_selector("#prompt-dialog", state="hidden")
    assert page.input_value("#chat-input") == "Greet Ada kindly"
    assert page.input_value("#chat-system-prompt") == "Be brief."
    assert page.is_visible("#chat-system-prompt")
    assert "Inserted “Greeting” (version 1) with its system prompt." in page.inner_text(
        "#chat-status"
    )

    # Sent as any message: the simulator echoes the filled-in text back, token by token.
    page.click("#chat-send")
    page.wait_for_selector("#chat-thread .msg-assistant.is-streaming")
    answer = answer_done(page)
    assert answer.locator(".msg-body").inner_text() == "You said: Greet Ada kindly"
    assert page.locator("#chat-thread .msg-user .msg-body").inner_text() == "Greet Ada kindly"

    # The playground takes the same prompt into its shared prompt and system prompt.
    page.click(".sidenav >> text=Playground")
    page.click("#pg-insert-prompt")
    prompt_insert(page, "Greeting", person="Grace")
    assert page.input_value("#pg-prompt") == "Greet Grace kindly"
    assert page.input_value("#pg-system-prompt") == "Be brief."


def test_an_answer_saved_as_a_prompt_is_found_in_the_library(hub, lab, greeting, page):
    slug = lab.slug
    sign_in(page, hub, slug)
    page.goto(f"{hub.url}/w/{slug}/chat/")
    page.select_option("#chat-model", "sim/echo")
    page.fill("#chat-input", "Summarise {{topic}} briefly")
    page.keyboard.press("Enter")
    answer = answer_done(page)
    assert answer.locator(".msg-body").inner_text() == "You said: Summarise {{topic}} briefly"

    answer.locator("button:has-text('Save as prompt')").click()
    link = answer.locator(".msg-saved a")
    link.wait_for()
    name = link.inner_text()
    assert name.endswith(" · Assistant"), name
    assert answer.locator(".msg-saved").inner_text() == f"Saved as the prompt {name}."
    link.click()
    page.wait_for_url(f"**/w/{slug}/prompts/*/")
    assert "You said: Summarise {{topic}} briefly" in page.inner_text("main")
    assert page.locator("[name='var-topic']").count() == 1  # its {{topic}} became a variable

    page.click(".sidenav >> text=Prompts")
    page.wait_for_selector(f"td >> text={name}")
    assert page.locator("td >> text=Greeting").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "prompts.png"), full_page=True)
