// Provider Hub workbench: the prompt library inside the chat and the playground.
//
// "Insert prompt" opens #prompt-dialog, which loads the library's picker (an htmx partial);
// picking a prompt loads its variable form into #prompt-use-panel. Submitting that form posts
// the values as JSON to the prompt's use/ URL and puts the rendered text into the page's
// message box and its system prompt, if any, into the page's; a 400 answer is shown on the
// form, naming the variables to fix.
// saveMessage() is the chat's "Save as prompt": POST from-message, JSON back.
"use strict";

(() => {
  const FIELD_PREFIX = "var-";

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] ?? "";
    } catch {
      return "";
    }
  }

  function failureText(status) {
    if (status === 403) return "Your role does not allow this.";
    if (status === 404) return "That no longer exists. Reload the page.";
    return `The hub could not do this (error ${status}). Reload the page and try again.`;
  }

  // POST a JSON object (or form fields, as URLSearchParams) and read the JSON answer:
  // { ok, status, data, message } where message says what went wrong, if anything did.
  async function post(url, body) {
    const form = body instanceof URLSearchParams;
    const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
    if (!form) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, {
        method: "POST", headers, credentials: "same-origin", body: form ? body : JSON.stringify(body),
      });
    } catch {
      return { ok: false, status: 0, data: null, message: "The hub could not be reached. Try again." };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      // An error page rather than JSON: say so by its status.
    }
    const message = response.ok ? "" : data?.error?.message || failureText(response.status);
    return { ok: response.ok, status: response.status, data, message };
  }

  // Put text where the caret is (replacing a selection), or in the empty box.
  function insertAt(textarea, text) {
    textarea.focus();
    textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
  }

  function variablesOf(form) {
    const values = {};
    for (const [key, value] of new FormData(form)) {
      if (key.startsWith(FIELD_PREFIX)) values[key.slice(FIELD_PREFIX.length)] = value;
    }
    return values;
  }

  function resultBox(form) {
    let box = form.nextElementSibling;
    if (!box?.classList.contains("prompt-use-result")) {
      box = Object.assign(document.createElement("div"), { className: "prompt-use-result" });
      box.setAttribute("aria-live", "polite");
      form.after(box);
    }
    return box;
  }

  function showError(form, error) {
    form.querySelectorAll(".field.has-error").forEach((field) => field.classList.remove("has-error"));
    form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
    const box = resultBox(form);
    if (!error) {
      box.replaceChildren();
      return;
    }
    const names = [...(error.missing ?? []), ...Object.keys(error.invalid ?? {})];
    let first = null;
    names.forEach((name) => {
      const control = form.elements.namedItem(`${FIELD_PREFIX}${name}`);
      if (!control?.closest) return;
      control.setAttribute("aria-invalid", "true");
      control.closest(".field")?.classList.add("has-error");
      first ??= control;
    });
    const alert = Object.assign(document.createElement("div"), { className: "form-errors" });
    alert.setAttribute("role", "alert");
    alert.append(Object.assign(document.createElement("p"), { textContent: error.message }));
    box.replaceChildren(alert);
    first?.focus();
  }

  // The use/ endpoint's JSON ({ prompt, system, text, messages, variables }) into the page.
  function fill(rendered, { text, system, say }) {
    insertAt(text, rendered.text);
    if (rendered.system) {
      system.value = rendered.system;
      system.closest("details").open = true;
    }
    const { name, version } = rendered.prompt;
    const grounded = rendered.collections ?? [];
    if (grounded.length && window.HubKnowledge) {
      window.HubKnowledge.set([...window.HubKnowledge.selected(), ...grounded.map((c) => c.id)]);
    }
    const extra = (rendered.system ? " with its system prompt" : "")
      + (grounded.length ? `, grounded in ${grounded.map((c) => c.name).join(", ")}` : "");
    say(`Inserted “${name}” (version ${version})${extra}.`, "info");
  }

  // Wire "Insert prompt": ``button`` opens the page's #prompt-dialog; the chosen prompt goes
  // into the textareas ``text`` and ``system``; ``say(message, kind)`` reports on the page.
  function promptInserter({ button, text, system, say }) {
    const dialog = document.getElementById("prompt-dialog");
    if (!button || !dialog) return;
    const picker = dialog.querySelector("#prompt-dialog-picker");
    const panel = dialog.querySelector("#prompt-use-panel");
    const intro = [...panel.childNodes].map((node) => node.cloneNode(true));

    button.addEventListener("click", () => {
      panel.replaceChildren(...intro.map((node) => node.cloneNode(true)));
      dialog.showModal();
      // Loaded afresh each time: prompts may have been added in another tab.
      window.htmx.ajax("GET", dialog.dataset.pickerUrl, { target: picker, swap: "innerHTML" })
        .then(() => picker.querySelector("input[type=search]")?.focus());
    });
    dialog.querySelector("[data-prompt-close]")?.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
    dialog.addEventListener("htmx:afterSwap", (event) => {
      if (event.detail.target !== panel) return;
      picker.querySelectorAll("[aria-current]").forEach((item) => item.removeAttribute("aria-current"));
      event.detail.requestConfig?.elt?.setAttribute("aria-current", "true");
      const form = panel.querySelector("form[data-prompt-use]");
      if (!form) return;
      form.noValidate = true; // the hub names every missing value at once
      form.querySelector("button[type=submit]").textContent = "Insert";
      form.querySelector("textarea, select, input:not([type=hidden])")?.focus();
    });

    // Capturing on the dialog runs before htmx's own listener on the form, whose preview
    // (the library page's "Try it") is not wanted here.
    dialog.addEventListener("submit", async (event) => {
      const form = event.target.closest("form[data-prompt-use]");
      if (!form) return;
      event.preventDefault();
      event.stopPropagation();
      const submit = form.querySelector("button[type=submit]");
      submit.disabled = true;
      const result = await post(form.dataset.promptUse, {
        version: Number(form.dataset.promptVersion), variables: variablesOf(form),
      });
      submit.disabled = false;
      if (!result.ok) {
        showError(form, result.data?.error ?? { message: result.message });
        return;
      }
      showError(form, null);
      dialog.close();
      fill(result.data, { text, system, say });
    }, true);
  }

  function saveMessage(url, messageId) {
    return post(url, new URLSearchParams({ message_id: String(messageId) }));
  }

  window.HubPrompts = { promptInserter, saveMessage };
})();
