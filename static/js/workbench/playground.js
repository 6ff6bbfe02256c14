// Provider Hub workbench: the playground. One prompt goes to 2 to 8 slots at once over the
// page's WebSocket; each slot streams with its own live TTFT, tokens/s, tokens and cost.
// A blind run shows only "Model A", "Model B"… until the vote, which reveals the names.
// "Insert prompt" fills the prompt (and system prompt) from the library (prompts.js).
"use strict";

(() => {
  const app = document.getElementById("playground-app");
  if (!app) return;
  const { render, appendCursor } = window.HubMarkdown;
  const format = window.HubFormat;
  const $ = (id) => document.getElementById(id);
  const json = (id) => JSON.parse($(id).textContent);
  const models = json("pg-models");
  const preload = json("pg-preload");
  const minSlots = Number(app.dataset.minSlots);
  const maxSlots = Number(app.dataset.maxSlots);
  const canGenerate = app.dataset.canGenerate === "true";
  const els = {
    slots: $("pg-slots"), prompt: $("pg-prompt"), system: $("pg-system-prompt"), blind: $("pg-blind"),
    sync: $("pg-sync"), add: $("pg-add-slot"), run: $("pg-start"), status: $("pg-status"),
    vote: $("pg-vote"), voteButtons: $("pg-vote-buttons"), voteResult: $("pg-vote-result"),
    continueForm: $("pg-continue-form"), insertPrompt: $("pg-insert-prompt"), sources: $("pg-sources"),
  };
  const state = { run: null, slots: [], byKey: new Map(), syncing: false };

  const letter = (position) => String.fromCharCode(65 + position);

  function say(text, kind = "error") {
    els.status.textContent = text;
    els.status.dataset.kind = kind;
  }

  // Grouped by provider, aliases last, with what the model picker shows beside each.
  function modelOptions(select) {
    const groups = new Map();
    models.forEach((model) => {
      if (!groups.has(model.group)) groups.set(model.group, Object.assign(document.createElement("optgroup"), { label: model.group }));
      const option = new Option(model.available ? model.id : `${model.id} (${model.health})`, model.id);
      option.dataset.meta = [model.context, model.price].filter(Boolean).join(" · ");
      option.dataset.health = model.health;
      option.dataset.available = String(model.available);
      groups.get(model.group).append(option);
    });
    select.append(...groups.values());
  }

  function input(type, label, attrs) {
    const node = Object.assign(document.createElement("input"), { type, ...attrs });
    node.setAttribute("aria-label", label);
    return node;
  }

  function metric(name, text) {
    const node = document.createElement("span");
    node.className = "pg-metric";
    node.dataset.metric = name;
    node.textContent = text;
    return node;
  }

  // One slot: its settings, its output and its numbers ----------------------------------------

  function slotView(settings = {}) {
    const view = { data: null, text: "", n: 0, status: "idle", metrics: {} };
    const root = document.createElement("section");
    root.className = "pg-slot card";
    const header = document.createElement("header");
    header.className = "pg-slot-header";
    view.label = Object.assign(document.createElement("span"), { className: "pg-slot-label" });
    view.model = document.createElement("select");
    view.model.className = "pg-slot-model";
    view.model.setAttribute("aria-label", "Model");
    modelOptions(view.model);
    if (settings.model) view.model.value = settings.model;
    view.temperature = input("number", "Temperature", { min: 0, max: 2, step: 0.1, placeholder: "temp.", value: settings.params?.temperature ?? "" });
    view.maxTokens = input("number", "Max tokens", { min: 1, step: 1, placeholder: "max tok.", value: settings.params?.max_tokens ?? "" });
    view.remove = Object.assign(document.createElement("button"), { type: "button", className: "btn btn-ghost btn-sm", textContent: "×", title: "Remove this slot" });
    view.remove.setAttribute("aria-label", "Remove this slot");
    view.remove.addEventListener("click", () => removeSlot(view));
    view.settings = document.createElement("span");
    view.settings.className = "pg-slot-settings";
    view.settings.append(view.model, view.temperature, view.maxTokens, view.remove);
    header.append(view.label, view.settings);
    window.HubModelPicker?.enhance(view.model);
    view.output = document.createElement("div");
    view.output.className = "pg-slot-output md";
    view.output.tabIndex = 0;
    view.output.addEventListener("scroll", () => syncScroll(view));
    const footer = document.createElement("footer");
    footer.className = "pg-slot-metrics";
    view.numbers = {
      ttft: metric("ttft", "TTFT –"), rate: metric("rate", "– tok/s"), tokens: metric("tokens", "0 tokens"),
      cost: metric("cost", "$0"), latency: metric("latency", ""),
    };
    view.badge = Object.assign(document.createElement("span"), { className: "badge pg-slot-status", hidden: true });
    view.cancel = Object.assign(document.createElement("button"), { type: "button", className: "btn btn-sm btn-danger-outline", textContent: "Cancel", hidden: true });
    view.cancel.addEventListener("click", () => socket.send({ type: "cancel", slot_id: view.data.id }));
    view.continue = Object.assign(document.createElement("button"), { type: "button", className: "btn btn-sm", textContent: "Continue in chat", hidden: true });
    view.continue.addEventListener("click", () => continueInChat(view));
    const numbers = Object.assign(document.createElement("span"), { className: "pg-numbers" });
    numbers.append(...Object.values(view.numbers));
    footer.append(numbers, view.badge, view.cancel, view.continue);
    root.append(header, view.output, footer);
    view.root = root;
    return view;
  }

  function addSlot(settings) {
    if (state.slots.length >= maxSlots) return;
    const view = slotView(settings);
    state.slots.push(view);
    els.slots.append(view.root);
    layout();
  }

  function removeSlot(view) {
    if (state.slots.length <= minSlots || state.run) return;
    state.slots.splice(state.slots.indexOf(view), 1);
    view.root.remove();
    layout();
  }

  function layout() {
    state.slots.forEach((view, position) => {
      if (!view.data) view.label.textContent = `Model ${letter(position)}`;
    });
    els.slots.dataset.count = String(state.slots.length);
    const running = state.run !== null && state.slots.some((view) => view.status === "streaming");
    if (els.add) els.add.disabled = state.slots.length >= maxSlots || running;
    if (els.run) els.run.disabled = running || !canGenerate;
    state.slots.forEach((view) => { view.remove.disabled = state.slots.length <= minSlots || running; });
  }

  function showNumbers(view) {
    const { metrics } = view;
    view.numbers.ttft.textContent = `TTFT ${format.ms(metrics.ttft_ms)}`;
    view.numbers.rate.textContent = metrics.tokens_per_second ? `${metrics.tokens_per_second} tok/s` : "– tok/s";
    view.numbers.tokens.textContent = `${metrics.output_tokens ?? view.n} tokens`;
    view.numbers.cost.textContent = format.cost(metrics.cost_usd);
    view.numbers.latency.textContent = view.status === "streaming" ? "" : format.ms(metrics.latency_ms);
    view.badge.hidden = view.status === "idle" || view.status === "complete";
    view.badge.textContent = view.status === "error" ? `Error: ${view.error}` : view.status;
    view.badge.className = `badge pg-slot-status pg-status-${view.status}`;
    view.cancel.hidden = view.status !== "streaming";
    const revealed = state.run?.revealed;
    view.continue.hidden = !(revealed && view.data && ["complete", "cancelled"].includes(view.status) && canGenerate);
  }

  function showText(view) {
    const follow = view.output.scrollHeight - view.output.scrollTop - view.output.clientHeight < 60;
    view.output.replaceChildren(render(view.text));
    if (view.status === "streaming") appendCursor(view.output);
    else if (state.run?.sources?.length) window.HubKnowledge.decorate(view.output, state.run.sources);
    view.output.dataset.pieces = String(view.n);
    if (view.data) view.output.dataset.key = `slot:${view.data.id}`;
    if (follow) {
      state.syncing = true;
      view.output.scrollTop = view.output.scrollHeight;
      requestAnimationFrame(() => { state.syncing = false; });
    }
  }

  const refresh = format.scheduler((view) => {
    showText(view);
    showNumbers(view);
  });

  function syncScroll(source) {
    if (!els.sync.checked || state.syncing) return;
    const range = source.output.scrollHeight - source.output.clientHeight;
    const ratio = range > 0 ? source.output.scrollTop / range : 0;
    state.syncing = true;
    state.slots.forEach((view) => {
      if (view !== source) view.output.scrollTop = ratio * (view.output.scrollHeight - view.output.clientHeight);
    });
    requestAnimationFrame(() => { state.syncing = false; });
  }

  // A run ------------------------------------------------------------------------------------

  // Retrieved once for the run: every slot answered from these, shown once above them.
  function showSources(run) {
    const sources = run?.sources ?? [];
    els.sources.hidden = !sources.length;
    els.sources.replaceChildren(...(sources.length ? [window.HubKnowledge.panel(sources)] : []));
  }

  function bind(run) {
    state.run = run;
    showSources(run);
    window.HubKnowledge.set(run.collections);
    state.byKey.clear();
    run.slots.forEach((data) => {
      const view = state.slots[data.position];
      Object.assign(view, {
        data, text: data.output, n: 0, status: data.status, error: data.error, metrics: { ...data.metrics },
      });
      state.byKey.set(`slot:${data.id}`, view);
      view.settings.hidden = true;
      view.label.textContent = data.model ? `Model ${letter(data.position)} · ${data.model}` : `Model ${letter(data.position)}`;
      showText(view);
      showNumbers(view);
    });
    window.history.replaceState(null, "", app.dataset.runUrl.replace("/0/", `/${run.id}/`));
    showVote();
    layout();
  }

  function reveal(run) {
    state.run = run;
    run.slots.forEach((data) => {
      const view = state.slots[data.position];
      view.data = data;
      Object.assign(view.metrics, data.metrics);
      const answered = data.metrics.answered_by || "";
      const suffix = answered && answered !== data.model ? ` → ${answered}` : "";
      view.label.textContent = `Model ${letter(data.position)} · ${data.model}${suffix}`;
      showNumbers(view);
    });
    showVote();
  }

  function showVote() {
    const run = state.run;
    const finished = run && state.slots.every((view) => !view.data || view.status !== "streaming");
    els.vote.hidden = !run || !finished;
    if (els.vote.hidden) return;
    els.voteButtons.replaceChildren();
    els.voteResult.textContent = "";
    if (run.vote) {
      const winners = run.slots.filter((slot) => run.vote.winners.includes(slot.id)).map((slot) => `Model ${letter(slot.position)}`);
      const said = { best: `${winners.join(", ")} is best`, ab: `${winners.join(", ")} wins`, tie: "a tie", both_bad: "all bad" }[run.vote.kind];
      els.voteResult.textContent = `You voted: ${said}.${run.blind ? " Names revealed." : ""}`;
      return;
    }
    if (!canGenerate) return;
    const pair = run.slots.length === 2;
    const vote = (kind, winners) => socket.send({ type: "vote", run_id: run.id, kind, winners });
    const add = (label, onClick, className = "btn btn-sm") => {
      const node = Object.assign(document.createElement("button"), { type: "button", className, textContent: label });
      node.addEventListener("click", onClick);
      els.voteButtons.append(node);
    };
    run.slots.forEach((slot) => add(`${letter(slot.position)} is ${pair ? "better" : "best"}`, () => vote(pair ? "ab" : "best", [slot.id])));
    add("Tie", () => vote("tie", []));
    add(pair ? "Both bad" : "All bad", () => vote("both_bad", []), "btn btn-sm btn-danger-outline");
  }

  function startRun() {
    const prompt = els.prompt.value;
    if (!prompt.trim()) {
      say("Write a prompt first.");
      return;
    }
    // A new run starts from fresh slots with the same settings.
    const settings = state.slots.map((view) => ({
      model: view.data?.model ?? view.model.value,
      params: {
        ...(view.temperature.value !== "" && { temperature: Number(view.temperature.value) }),
        ...(view.maxTokens.value !== "" && { max_tokens: Number(view.maxTokens.value) }),
      },
    }));
    if (state.run) {
      state.run = null;
      state.slots.splice(0).forEach((view) => view.root.remove());
      settings.forEach(addSlot);
    }
    say("", "info");
    els.vote.hidden = true;
    socket.send({
      type: "run", prompt, system_prompt: els.system.value, history: preload.history,
      blind: els.blind.checked, slots: settings, collections: window.HubKnowledge.selected(),
    });
  }

  function continueInChat(view) {
    els.continueForm.action = app.dataset.continueUrl.replace("/0/", `/${state.run.id}/`);
    els.continueForm.elements.slot_id.value = view.data.id;
    els.continueForm.submit();
  }

  const handlers = {
    run_started(event) {
      bind(event.run);
    },
    routed(event) {
      const view = state.byKey.get(event.key);
      if (!view) return;
      view.metrics.answered_by = event.answered_by;
      const answered = event.answered_by;
      if (view.data.model && answered !== view.data.model) view.label.textContent = `Model ${letter(view.data.position)} · ${view.data.model} → ${answered}`;
    },
    snapshot(event) {
      const view = state.byKey.get(event.key);
      if (!view) return;
      Object.assign(view, { text: event.text, n: event.n, status: "streaming" });
      refresh(view);
    },
    token(event) {
      const view = state.byKey.get(event.key);
      if (!view || event.n < view.n) return;
      view.text += event.text;
      view.n = event.n + 1;
      const generating = (event.ms - event.ttft_ms) / 1000;
      Object.assign(view.metrics, {
        ttft_ms: event.ttft_ms,
        output_tokens: event.output_tokens,
        tokens_per_second: generating > 0 && event.output_tokens > 1 ? Math.round((event.output_tokens / generating) * 10) / 10 : null,
        cost_usd: event.cost_usd ?? view.metrics.cost_usd,
      });
      refresh(view);
    },
    done(event) {
      const view = state.byKey.get(event.key);
      if (!view) return;
      Object.assign(view, { text: event.text, status: event.status, error: event.error });
      Object.assign(view.metrics, event.metrics);
      view.data.status = event.status;
      showText(view);
      showNumbers(view);
      showVote();
      layout();
    },
    slot(event) {
      const view = state.byKey.get(event.key);
      if (!view) return;
      const data = event.slot;
      Object.assign(view, { text: data.output, status: data.status, error: data.error });
      Object.assign(view.metrics, data.metrics);
      if (data.status === "streaming") setTimeout(() => socket.send({ type: "attach", slot_id: data.id }), 2000);
      showText(view);
      showNumbers(view);
      showVote();
      layout();
    },
    voted(event) {
      reveal(event.run);
    },
    error(event) {
      say(event.message);
    },
  };

  const socket = new window.HubSocket(app.dataset.ws, {
    onEvent: (event) => handlers[event.type]?.(event),
    onOpen: () => {
      state.slots.forEach((view) => {
        if (view.data && view.status === "streaming") socket.send({ type: "attach", slot_id: view.data.id });
      });
    },
    onStatus: (status) => {
      if (status === "open") say("", "info");
      else if (status === "refused") say("This workspace refused the connection. Reload the page.");
      else say("Connection lost; reconnecting…", "warning");
    },
  });

  window.HubPrompts.promptInserter({ button: els.insertPrompt, text: els.prompt, system: els.system, say });
  els.add?.addEventListener("click", () => addSlot({ model: state.slots.at(-1)?.model.value }));
  els.run?.addEventListener("click", startRun);
  els.prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) startRun();
  });

  const saved = json("pg-run");
  if (saved) {
    saved.slots.forEach((slot) => addSlot({ model: slot.model, params: slot.params }));
    els.blind.checked = saved.blind;
    bind(saved);
  } else {
    // The first slot: the conversation's model, else the user's last that is up; then the
    // others that are up, in the picker's order.
    const up = models.filter((model) => model.available).map((model) => model.id);
    const first = preload.model || json("pg-default-model") || up[0];
    const rest = up.filter((id) => id !== first);
    for (let n = 0; n < minSlots; n += 1) addSlot({ model: n === 0 ? first : rest[(n - 1) % Math.max(rest.length, 1)] ?? first });
  }
  layout();
})();
