// Provider Hub: small progressive enhancements; every page works without them.
"use strict";

// "Copy" buttons next to one-time secrets: <button data-copy="#element-id">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// Phones: the top bar's menu button shows and hides the side navigation.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-nav-toggle]");
  if (!toggle) return;
  const nav = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = !nav.classList.contains("is-open");
  nav.classList.toggle("is-open", open);
  toggle.setAttribute("aria-expanded", String(open));
});

// Close an open dropdown when the user clicks elsewhere.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.removeAttribute("open");
  });
});

// htmx leaves the page untouched on an error answer; say what happened instead.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const text = status === 403
    ? "Your role does not allow this."
    : status === 404
      ? "That no longer exists. Reload the page."
      : `The hub could not do this (error ${status}). Reload the page and try again.`;
  let flashes = document.querySelector(".flashes");
  if (!flashes) {
    flashes = document.createElement("div");
    flashes.className = "flashes";
    flashes.setAttribute("role", "status");
    document.querySelector(".main-inner")?.prepend(flashes);
  }
  const flash = document.createElement("div");
  flash.className = "flash flash-error";
  flash.textContent = text;
  flashes.append(flash);
});

// Fields that matter for one choice only: <div data-show-when="scope=provider"> is hidden
// while the form's "scope" select holds another value. Without JavaScript all are shown.
function syncConditionalFields(form) {
  form.querySelectorAll("[data-show-when]").forEach((wrapper) => {
    const [name, value] = wrapper.dataset.showWhen.split("=");
    const control = form.elements.namedItem(name);
    if (control) wrapper.hidden = control.value !== value;
  });
}
document.addEventListener("change", (event) => {
  const form = event.target.closest("form");
  if (form && form.querySelector("[data-show-when]")) syncConditionalFields(form);
});
document.querySelectorAll("form").forEach((form) => {
  if (form.querySelector("[data-show-when]")) syncConditionalFields(form);
});

// A table wider than its card scrolls inside it (phones): make that region reachable and
// scrollable from the keyboard, and named for screen readers.
function markScrollableTables() {
  document.querySelectorAll(".table-wrap").forEach((wrap) => {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      const heading = wrap.closest(".card")?.querySelector("h2, h3, .card-header");
      wrap.setAttribute("aria-label", `${heading?.textContent.trim() || "Table"} (scrolls sideways)`);
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollableTables);
window.addEventListener("resize", markScrollableTables);
document.addEventListener("htmx:afterSettle", markScrollableTables);
