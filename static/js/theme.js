// The colour theme, set before the first paint (this file loads without defer, in <head>):
// the choice remembered in this browser ("light", "dark"), else the system's preference.
// <button data-theme-toggle> cycles system -> light -> dark; pages (charts) listen for
// "hub:themechange" on the document.
(function () {
  "use strict";
  const KEY = "hub-theme";
  document.documentElement.classList.add("js"); // styles that need script to work (the phone menu)
  const CHOICES = ["system", "light", "dark"];
  const system = window.matchMedia("(prefers-color-scheme: dark)");

  function choice() {
    try {
      const stored = window.localStorage.getItem(KEY);
      return CHOICES.includes(stored) ? stored : "system";
    } catch (_) {
      return "system"; // storage refused (private mode): follow the system
    }
  }

  function resolved() {
    const chosen = choice();
    return chosen === "system" ? (system.matches ? "dark" : "light") : chosen;
  }

  function apply() {
    const theme = resolved();
    document.documentElement.dataset.theme = theme;
    document.querySelectorAll("[data-theme-toggle]").forEach((button) => {
      const chosen = choice();
      button.dataset.choice = chosen;
      button.setAttribute("aria-label", `Theme: ${chosen} (change)`);
      button.title = `Theme: ${chosen}`;
    });
    document.dispatchEvent(new CustomEvent("hub:themechange", { detail: { theme } }));
  }

  function cycle() {
    const next = CHOICES[(CHOICES.indexOf(choice()) + 1) % CHOICES.length];
    try {
      window.localStorage.setItem(KEY, next);
    } catch (_) { /* not remembered, still applied below for this page */ }
    apply();
  }

  system.addEventListener("change", apply);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-theme-toggle]")) cycle();
  });
  document.addEventListener("DOMContentLoaded", apply);
  window.addEventListener("storage", (event) => { if (event.key === KEY) apply(); });
  apply();
})();
