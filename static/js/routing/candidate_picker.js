// The candidate picker on the alias and rule forms: the workspace's catalog as a searchable
// list in front of the candidates textarea (one "provider/model [weight] [quality]" a line).
// The textarea stays the form's field: the server parses and checks it, and without
// JavaScript people type into it. Here it is hidden and kept in step with a list: a catalog
// entry adds a candidate (click it, or type to filter, ↑/↓ and Enter); ↑, ↓ and × reorder and
// remove candidates; "Edit as text" shows the lines again, for weights and quality scores.
(() => {
  "use strict";
  let counter = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Lines as the server reads them (routing.config_text): "#" starts a comment.
  function parse(text) {
    return text
      .split("\n")
      .map((line) => line.split("#")[0].trim())
      .filter(Boolean)
      .map((line) => {
        const [model, ...rest] = line.split(/\s+/);
        return { model, extra: rest.join(" ") };
      });
  }

  // "2 0.8" after a model: its weight and quality score, shown as the overview's chips do.
  function describe(extra) {
    const [weight, quality] = extra.split(/\s+/);
    return [weight && `×${weight}`, quality && `q ${quality}`].filter(Boolean).join(" ");
  }

  function format(items) {
    return items.map((item) => (item.extra ? `${item.model} ${item.extra}` : item.model)).join("\n");
  }

  function enhance(textarea) {
    const field = textarea.closest(".field");
    if (!field || textarea.dataset.enhanced) return;
    textarea.dataset.enhanced = "true";
    const id = `candidate-picker-${(counter += 1)}`;
    const label = field.querySelector(`label[for="${textarea.id}"]`);
    const typedHelp = field.querySelector(".help");
    const catalog = document.querySelector(`[data-candidate-catalog="${textarea.id}"]`);
    let items = parse(textarea.value);

    const chosen = el("ol", "candidate-list");
    if (label) {
      label.id = label.id || `${id}-label`;
      chosen.setAttribute("aria-labelledby", label.id);
    }
    const empty = el("p", "note candidate-empty", "No candidate yet: find models in the catalog and add them.");
    const help = el("p", "help", "Tried in this order by the ordered strategy; the others reorder them. Weights and quality scores: edit as text.");
    const toggle = el("button", "btn btn-sm candidate-text-toggle", "Edit as text");
    toggle.type = "button";
    const status = el("p", "visually-hidden");
    status.setAttribute("role", "status");
    (label || textarea).after(chosen, empty, help);
    (typedHelp || textarea).after(toggle, status);
    textarea.hidden = true;
    if (typedHelp) typedHelp.hidden = true;

    const list = catalog?.querySelector(".catalog-list");
    const options = list ? [...list.querySelectorAll("li[data-model]")] : [];
    let search = null;
    if (list) {
      list.id = `${id}-catalog`;
      list.setAttribute("role", "listbox");
      list.classList.add("model-picker-list");
      options.forEach((option, n) => {
        option.id = `${id}-o${n}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.classList.add("model-picker-option");
        option.querySelector(".catalog-name")?.classList.add("model-picker-name");
        option.querySelector(".catalog-meta")?.classList.add("model-picker-meta");
        const added = el("span", "badge badge-accent candidate-added", "added");
        added.hidden = true;
        option.append(added);
        option.addEventListener("click", () => add(option.dataset.model));
      });
      search = el("input", "model-picker-search candidate-search");
      Object.assign(search, { type: "search", id: `${id}-search`, placeholder: "Search by provider, model or context" });
      search.setAttribute("role", "combobox");
      search.setAttribute("aria-controls", list.id);
      search.setAttribute("aria-expanded", "true");
      search.setAttribute("aria-autocomplete", "list");
      const searchLabel = el("label", "visually-hidden", "Find a model to add as a candidate");
      searchLabel.htmlFor = search.id;
      list.before(searchLabel, search);
      search.addEventListener("input", filter);
      search.addEventListener("keydown", onSearchKey);
    }

    const visible = () => options.filter((option) => !option.hidden);

    function announce(text) {
      status.textContent = text;
    }

    function activate(option) {
      options.forEach((o) => {
        o.classList.toggle("is-active", o === option);
        o.setAttribute("aria-selected", String(o === option));
      });
      if (!search) return;
      if (option) {
        search.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        search.removeAttribute("aria-activedescendant");
      }
    }

    function filter() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      options.forEach((option) => {
        const text = option.textContent.toLowerCase();
        option.hidden = !words.every((word) => text.includes(word));
      });
      activate(words.length ? visible()[0] : null);
    }

    function onSearchKey(event) {
      const shown = visible();
      const at = shown.findIndex((o) => o.classList.contains("is-active"));
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        activate(shown[Math.min(Math.max(at + step, 0), shown.length - 1)]);
      } else if (event.key === "Enter") {
        event.preventDefault(); // Enter here adds a candidate; it must not submit the form
        const option = shown[at] || (shown.length === 1 ? shown[0] : null);
        if (option) add(option.dataset.model);
      } else if (event.key === "Escape" && search.value) {
        event.preventDefault();
        search.value = "";
        filter();
      }
    }

    function textMode() {
      return !textarea.hidden;
    }

    function add(model) {
      if (textMode()) items = parse(textarea.value);
      if (items.some((item) => item.model === model)) {
        announce(`${model} is already a candidate.`);
        return;
      }
      items.push({ model, extra: "" });
      render();
      announce(`${model} added as candidate ${items.length} of ${items.length}.`);
    }

    function move(index, step, action) {
      const target = index + step;
      [items[index], items[target]] = [items[target], items[index]];
      render({ index: target, action });
      announce(`${items[target].model} moved to position ${target + 1} of ${items.length}.`);
    }

    function remove(index) {
      const [gone] = items.splice(index, 1);
      render({ index: Math.min(index, items.length - 1), action: "remove" });
      announce(`${gone.model} removed.`);
    }

    function button(text, name, action, disabled, onClick) {
      const node = el("button", "btn btn-sm btn-ghost", text);
      node.type = "button";
      node.dataset.action = action;
      node.setAttribute("aria-label", name);
      node.title = name;
      node.disabled = disabled;
      node.addEventListener("click", onClick);
      return node;
    }

    function render(focus) {
      const last = items.length - 1;
      chosen.replaceChildren(
        ...items.map((item, i) => {
          const row = el("li", "candidate-item");
          row.dataset.model = item.model;
          row.append(el("span", "candidate-name mono", item.model));
          if (item.extra) row.append(el("span", "chip-meta", describe(item.extra)));
          row.append(
            button("↑", `Move ${item.model} up`, "up", i === 0, () => move(i, -1, "up")),
            button("↓", `Move ${item.model} down`, "down", i === last, () => move(i, 1, "down")),
            button("×", `Remove ${item.model}`, "remove", false, () => remove(i)),
          );
          return row;
        }),
      );
      empty.hidden = textMode() || items.length > 0;
      textarea.value = format(items);
      markAdded();
      if (focus && focus.index >= 0) {
        const row = chosen.children[focus.index];
        const wanted = row?.querySelector(`[data-action="${focus.action}"]:not(:disabled)`);
        (wanted || row?.querySelector("button:not(:disabled)"))?.focus();
      } else if (focus) {
        (search || toggle).focus();
      }
    }

    function markAdded() {
      const present = new Set(items.map((item) => item.model));
      options.forEach((option) => {
        const added = present.has(option.dataset.model);
        option.classList.toggle("is-added", added);
        option.querySelector(".candidate-added").hidden = !added;
      });
    }

    function setTextMode(on) {
      if (!on) items = parse(textarea.value);
      textarea.hidden = !on;
      if (typedHelp) typedHelp.hidden = !on;
      chosen.hidden = on;
      help.hidden = on;
      toggle.textContent = on ? "Pick from the catalog" : "Edit as text";
      render();
      if (on) textarea.focus();
    }

    toggle.addEventListener("click", () => setTextMode(!textMode()));
    textarea.addEventListener("input", () => {
      items = parse(textarea.value);
      markAdded();
    });
    render();
  }

  window.HubCandidatePicker = { enhance };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea[data-candidate-picker]").forEach(enhance);
  });
})();
