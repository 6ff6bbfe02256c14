// The model picker: a searchable list over a <select data-model-picker>, grouped by provider
// (aliases last), with each model's context window, price and current health beside it.
// The <select> stays the source of truth (forms and scripts read and set it); the picker
// is a button and a listbox in front of it. Keyboard: type to filter, ↑/↓ to move, Enter
// to pick, Esc to close.
(() => {
  "use strict";
  let counter = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function enhance(select) {
    if (select.dataset.enhanced) return;
    select.dataset.enhanced = "true";
    const id = `model-picker-${(counter += 1)}`;
    const wrap = el("span", "model-picker");
    const button = el("button", "model-picker-button");
    button.type = "button";
    button.setAttribute("aria-haspopup", "listbox");
    button.setAttribute("aria-expanded", "false");
    const label = select.getAttribute("aria-label") || select.closest("label")?.firstChild?.textContent?.trim() || "Model";
    const panel = el("div", "model-picker-panel");
    panel.hidden = true;
    const search = el("input", "model-picker-search");
    Object.assign(search, { type: "search", placeholder: "Find a model, provider or alias" });
    search.setAttribute("role", "combobox");
    search.setAttribute("aria-label", `Find a model (${label})`);
    search.setAttribute("aria-controls", `${id}-list`);
    search.setAttribute("aria-expanded", "true");
    search.setAttribute("aria-autocomplete", "list");
    const list = el("div", "model-picker-list");
    list.id = `${id}-list`;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", label);
    panel.append(search, list);
    wrap.append(button, panel);
    select.after(wrap);
    select.classList.add("model-picker-native");
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");

    const options = () => [...list.querySelectorAll("[role=option]")];
    const visible = () => options().filter((option) => !option.hidden);

    function showChoice() {
      const chosen = select.selectedOptions[0];
      button.replaceChildren(
        el("span", "model-picker-name", chosen ? chosen.value || chosen.textContent : "Pick a model"),
        el("span", `health-dot health-${(chosen?.dataset.health || "unknown").replace(/\s+/g, "-")}`),
      );
      button.setAttribute("aria-label", `${label}: ${chosen?.value || "none"}${chosen?.dataset.health ? `, ${chosen.dataset.health}` : ""} (change)`);
    }

    function build() {
      list.replaceChildren();
      select.querySelectorAll("optgroup").forEach((group, g) => {
        const box = el("div", "model-picker-group");
        box.setAttribute("role", "group");
        const heading = el("div", "model-picker-heading", group.label);
        heading.id = `${id}-g${g}`;
        box.setAttribute("aria-labelledby", heading.id);
        box.append(heading);
        [...group.children].forEach((source, n) => {
          const option = el("div", "model-picker-option");
          option.id = `${id}-g${g}-${n}`;
          option.setAttribute("role", "option");
          option.dataset.value = source.value;
          option.setAttribute("aria-selected", String(source.selected));
          if (source.dataset.available === "false") option.classList.add("is-unavailable");
          option.append(
            el("span", "model-picker-name", source.value || source.textContent),
            el("span", "model-picker-meta", source.dataset.meta || ""),
            el("span", `badge model-picker-health health-${(source.dataset.health || "unknown").replace(/\s+/g, "-")}`, source.dataset.health || "unknown"),
          );
          option.addEventListener("click", () => choose(source.value));
          box.append(option);
        });
        list.append(box);
      });
    }

    function filter() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.querySelectorAll(".model-picker-group").forEach((group) => {
        const heading = group.querySelector(".model-picker-heading").textContent.toLowerCase();
        let shown = 0;
        group.querySelectorAll("[role=option]").forEach((option) => {
          const text = `${heading} ${option.textContent.toLowerCase()}`;
          option.hidden = !words.every((word) => text.includes(word));
          shown += option.hidden ? 0 : 1;
        });
        group.hidden = shown === 0;
      });
      activate(visible()[0]);
    }

    function activate(option) {
      options().forEach((o) => o.classList.toggle("is-active", o === option));
      if (option) {
        search.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      build();
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      search.value = "";
      filter();
      activate(options().find((o) => o.dataset.value === select.value) || visible()[0]);
      search.focus();
    }

    function close(refocus) {
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (refocus) button.focus();
    }

    function choose(value) {
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close(true);
    }

    button.addEventListener("click", () => (panel.hidden ? open() : close(true)));
    search.addEventListener("input", filter);
    search.addEventListener("keydown", (event) => {
      const shown = visible();
      const at = shown.findIndex((o) => o.classList.contains("is-active"));
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        activate(shown[Math.min(Math.max(at + step, 0), shown.length - 1)]);
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (shown[at]) choose(shown[at].dataset.value);
      } else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation(); // Esc here closes the picker, not the answer being written
        close(true);
      }
    });
    document.addEventListener("click", (event) => {
      if (!panel.hidden && !wrap.contains(event.target)) close(false);
    });
    select.addEventListener("change", showChoice);
    showChoice();
  }

  window.HubModelPicker = { enhance };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-model-picker]").forEach(enhance);
  });
})();
