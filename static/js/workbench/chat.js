// Provider Hub workbench: the chat page. Messages form a tree (edits and regenerations are
// siblings); the page shows the branch down to the active leaf, with a "‹ 2/3 ›" switcher
// wherever a message has siblings. Answers stream over the page's WebSocket and are saved
// by the server as they stream, so a reload re-attaches to an answer still in progress.
// Prompts from the library go into the message box (prompts.js); any message can be saved
// as a new prompt.
"use strict";

(() => {
  const app = document.getElementById("chat-app");
  if (!app) return;
  const { render, appendCursor } = window.HubMarkdown;
  const format = window.HubFormat;
  const $ = (id) => document.getElementById(id);
  const els = {
    thread: $("chat-thread"), input: $("chat-input"), composer: $("chat-composer"),
    send: $("chat-send"), stop: $("chat-stop"), model: $("chat-model"),
    temperature: $("chat-temperature"), maxTokens: $("chat-max-tokens"),
    system: $("chat-system-prompt"), total: $("chat-total-cost"), status: $("chat-status"),
    title: $("chat-title"), compare: $("chat-compare"), list: $("conversation-list"),
    fork: $("chat-fork-form"), insertPrompt: $("chat-insert-prompt"),
  };
  const tree = window.HubChatTree(); // the messages, their branches, the leaf on screen
  const state = {
    conversation: JSON.parse($("chat-conversation").textContent),
    streaming: new Map(), // generation key -> message id
    canGenerate: app.dataset.canGenerate === "true",
    editing: null,
    refs: 0,
    savedPrompts: new Map(), // message id -> { name, url } of the prompt made from it
  };

  // Rendering --------------------------------------------------------------------------------

  function button(label, onClick, extra = {}) {
    const node = document.createElement("button");
    node.type = "button";
    node.className = extra.className ?? "btn btn-ghost btn-sm";
    node.textContent = label;
    if (extra.title) node.title = extra.title;
    if (extra.disabled) node.disabled = true;
    node.addEventListener("click", onClick);
    return node;
  }

  function switcher(message) {
    const siblings = tree.children.get(message.parent_id ?? 0) ?? [message.id];
    const box = document.createElement("span");
    box.className = "msg-switcher";
    if (siblings.length < 2) return box;
    const index = siblings.indexOf(message.id);
    const show = (id) => {
      tree.leaf = tree.newestLeafUnder(id);
      renderThread();
      send("select", { message_id: id });
    };
    const position = document.createElement("span");
    position.className = "msg-switcher-position";
    position.textContent = `${index + 1}/${siblings.length}`;
    box.append(
      button("‹", () => show(siblings[index - 1]), { title: "Previous version", disabled: index === 0 }),
      position,
      button("›", () => show(siblings[index + 1]), { title: "Next version", disabled: index === siblings.length - 1 }),
    );
    return box;
  }

  function fillBody(node, message) {
    const body = node.querySelector(".msg-body");
    body.replaceChildren(render(message.content));
    if (message.status === "streaming") appendCursor(body);
    else window.HubKnowledge.decorate(body, message.sources);
    const meta = node.querySelector(".msg-meta-text");
    if (meta) meta.textContent = window.HubMessageMeta(message);
    const badge = node.querySelector(".msg-status");
    if (badge) {
      badge.hidden = message.status === "complete";
      badge.className = `badge msg-status msg-status-${message.status}`;
      badge.textContent = message.status === "error" ? `Error: ${message.error}` : message.status;
    }
    node.classList.toggle("is-streaming", message.status === "streaming");
    node.dataset.pieces = String(message._n ?? 0);
    node.dataset.key = `message:${message.id}`;
  }

  function messageNode(message) {
    const node = document.createElement("article");
    node.className = `msg msg-${message.role}`;
    node.dataset.id = String(message.id);
    const header = document.createElement("header");
    header.className = "msg-header";
    const role = document.createElement("span");
    role.className = "msg-role";
    role.textContent = message.role === "user" ? "You" : "Assistant";
    header.append(role, switcher(message));
    const actions = document.createElement("span");
    actions.className = "msg-actions";
    const busy = state.streaming.size > 0;
    if (state.canGenerate && message.role === "user") {
      actions.append(button("Edit", () => { state.editing = message.id; renderThread(); }, { disabled: busy }));
      if (!tree.children.get(message.id)?.length) {
        // A question without an answer (an imported chat can end so): answer it.
        actions.append(button("Answer", () => send("regenerate", { message_id: message.id }), { disabled: busy }));
      }
    }
    if (state.canGenerate && message.role === "assistant") {
      actions.append(button("Regenerate", () => regenerate(message), { disabled: busy }));
    }
    if (state.canGenerate) actions.append(button("Fork", () => fork(message), { title: "Copy the chat up to here into a new chat" }));
    if (message.content) actions.append(button("Copy", () => navigator.clipboard?.writeText(message.content)));
    if (app.dataset.savePromptUrl && message.status !== "streaming" && message.content.trim()) {
      actions.append(button("Save as prompt", (event) => saveAsPrompt(message, event.currentTarget), {
        title: "Make a new prompt in the library from this message",
      }));
    }
    header.append(actions);
    const body = document.createElement("div");
    body.className = "msg-body md";
    node.append(header, body);
    if (message.role === "assistant") {
      const footer = document.createElement("footer");
      footer.className = "msg-meta";
      const text = document.createElement("span");
      text.className = "msg-meta-text";
      const badge = document.createElement("span");
      footer.append(text, Object.assign(badge, { className: "badge msg-status" }));
      node.append(footer);
    }
    fillBody(node, message);
    if (state.editing === message.id) {
      // The editor takes the message's place: the old text is not shown twice.
      node.classList.add("is-editing");
      body.after(window.HubMessageEditor(message, {
        onSave: (content) => { state.editing = null; send("send", { content, parent_id: message.parent_id }); },
        onCancel: () => { state.editing = null; renderThread(); },
      }));
    }
    showSaved(node, message);
    return node;
  }

  function showSaved(node, message) {
    const saved = state.savedPrompts.get(message.id);
    node.querySelector(".msg-saved")?.remove();
    if (!saved) return;
    const note = document.createElement("p");
    note.className = "msg-saved note";
    note.setAttribute("role", "status");
    const link = Object.assign(document.createElement("a"), { href: saved.url, textContent: saved.name });
    note.append("Saved as the prompt ", link, ".");
    node.append(note);
  }

  function nearBottom() {
    const { thread } = els;
    return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 80;
  }

  function renderThread() {
    const follow = nearBottom();
    els.thread.replaceChildren(...tree.branch().map(messageNode));
    els.thread.querySelectorAll(".msg:not(.is-editing)").forEach((node) => window.HubFold.fold(node, Number(node.dataset.id)));
    if (follow) els.thread.scrollTop = els.thread.scrollHeight;
    renderControls();
  }

  const refresh = format.scheduler((id) => {
    const node = els.thread.querySelector(`[data-id="${id}"]`);
    const message = tree.messages.get(id);
    if (!node || !message) return;
    const follow = nearBottom();
    fillBody(node, message);
    if (follow) els.thread.scrollTop = els.thread.scrollHeight;
  });

  function renderControls() {
    const busy = state.streaming.size > 0;
    if (els.send) els.send.disabled = busy || !state.canGenerate;
    if (els.stop) els.stop.hidden = !busy;
    renderTotal();
  }

  function renderTotal() {
    // Answers still streaming count with their running cost, so the total moves with them.
    let total = Number(state.conversation?.total_cost_usd ?? 0);
    for (const id of state.streaming.values()) total += Number(tree.messages.get(id)?.cost_usd ?? 0);
    els.total.textContent = format.cost(total);
    els.total.parentElement.classList.toggle("is-live", state.streaming.size > 0);
  }

  function say(text, kind = "error") {
    els.status.textContent = text;
    els.status.dataset.kind = kind;
  }

  // Requests ---------------------------------------------------------------------------------

  function params() {
    const values = {};
    if (els.temperature.value !== "") values.temperature = Number(els.temperature.value);
    if (els.maxTokens.value !== "") values.max_tokens = Number(els.maxTokens.value);
    return values;
  }

  function send(type, extra) {
    state.refs += 1;
    socket.send({
      type, ref: String(state.refs), conversation_id: state.conversation?.id ?? null,
      model: els.model.value, system_prompt: els.system.value, params: params(),
      collections: window.HubKnowledge.selected(), ...extra,
    });
  }

  function regenerate(answer) {
    send("regenerate", { message_id: answer.parent_id });
  }

  function fork(message) {
    els.fork.action = app.dataset.forkUrl.replace("/0/fork/", `/${state.conversation.id}/fork/`);
    els.fork.elements.message_id.value = message.id;
    els.fork.submit();
  }

  async function saveAsPrompt(message, control) {
    control.disabled = true;
    const result = await window.HubPrompts.saveMessage(app.dataset.savePromptUrl, message.id);
    control.disabled = false;
    if (!result.ok) {
      say(result.message);
      return;
    }
    state.savedPrompts.set(message.id, result.data);
    const node = els.thread.querySelector(`[data-id="${message.id}"]`);
    if (node) showSaved(node, message);
  }

  function attachStreaming() {
    for (const message of tree.messages.values()) {
      if (message.status === "streaming") send("attach", { message_id: message.id });
    }
  }

  // Events -----------------------------------------------------------------------------------

  function conversationStarted(conversation) {
    state.conversation = { ...conversation, messages: [] };
    const url = `${app.dataset.chatUrl}${conversation.id}/`;
    window.history.replaceState(null, "", url);
    els.title.textContent = conversation.title;
    els.compare.href = `${app.dataset.playgroundUrl}?conversation=${conversation.id}`;
    els.compare.hidden = false;
    window.HubChatList.add(els.list, { url, title: conversation.title });
  }

  function messageFor(key) {
    const id = state.streaming.get(key) ?? Number(key.split(":")[1]);
    return tree.messages.get(id);
  }

  const handlers = {
    ready(event) {
      state.canGenerate = state.canGenerate && event.can_generate;
      renderControls();
    },
    started(event) {
      if (!state.conversation) conversationStarted(event.conversation);
      event.messages.forEach((message) => tree.add({ ...message, _n: 0 }));
      const answer = event.messages[event.messages.length - 1];
      state.streaming.set(event.key, answer.id);
      tree.leaf = answer.id;
      say("", "info");
      renderThread();
    },
    routed(event) {
      const message = messageFor(event.key);
      if (!message) return;
      message.answered_by = event.answered_by;
      refresh(message.id);
    },
    snapshot(event) {
      const message = messageFor(event.key);
      if (!message) return;
      state.streaming.set(event.key, message.id);
      Object.assign(message, { content: event.text, _n: event.n, output_tokens: event.output_tokens, status: "streaming" });
      refresh(message.id);
      renderControls();
    },
    token(event) {
      const message = messageFor(event.key);
      if (!message || event.n < (message._n ?? 0)) return; // already in a snapshot
      message.content += event.text;
      message._n = event.n + 1;
      message.output_tokens = event.output_tokens;
      message.ttft_ms = event.ttft_ms;
      if (event.cost_usd) message.cost_usd = event.cost_usd;
      refresh(message.id);
      renderTotal();
    },
    done(event) {
      const message = messageFor(event.key);
      state.streaming.delete(event.key);
      if (!message) return;
      Object.assign(message, event.metrics, { content: event.text, status: event.status, error: event.error });
      if (state.conversation) {
        state.conversation.total_cost_usd = Number(state.conversation.total_cost_usd) + Number(event.metrics.cost_usd || 0);
      }
      if (event.status === "error") say(event.error);
      renderThread();
    },
    message(event) {
      const saved = event.message;
      const message = tree.messages.get(saved.id);
      if (message) Object.assign(message, saved, { _n: message._n });
      if (saved.status === "streaming") {
        // Being generated by another server process: look again in a moment. If that
        // process died, the hub answers with the message interrupted (an error) once its
        // heartbeat is stale.
        setTimeout(() => send("attach", { message_id: saved.id }), 2000);
      } else {
        state.streaming.delete(event.key);
        if (saved.status === "error") say(saved.error);
      }
      renderThread();
    },
    title(event) {
      if (state.conversation?.id !== event.conversation_id) return;
      state.conversation.title = event.title;
      state.conversation.total_cost_usd = event.total_cost_usd;
      els.title.textContent = event.title;
      window.HubChatList.retitle(els.list, event.title);
      renderTotal();
    },
    selected(event) {
      tree.leaf = event.leaf_id;
    },
    error(event) {
      say(event.message);
    },
  };

  const socket = new window.HubSocket(app.dataset.ws, {
    onEvent: (event) => handlers[event.type]?.(event),
    onOpen: attachStreaming,
    onStatus: (status) => {
      if (status === "open") say("", "info");
      else if (status === "refused") say("This workspace refused the connection. Reload the page.");
      else say("Connection lost; reconnecting…", "warning");
    },
  });

  els.composer?.addEventListener("submit", (event) => {
    event.preventDefault();
    const content = els.input.value;
    if (!content.trim() || state.streaming.size) return;
    if (!els.model.value) {
      say("Pick a model first.");
      return;
    }
    els.input.value = "";
    send("send", { content, parent_id: tree.leaf });
  });
  els.input?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.stop?.addEventListener("click", () => {
    for (const id of state.streaming.values()) send("stop", { message_id: id });
  });
  window.HubPrompts.promptInserter({ button: els.insertPrompt, text: els.input, system: els.system, say });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  if (state.conversation) {
    state.conversation.messages.forEach((message) => tree.add(message));
    tree.leaf = state.conversation.active_leaf_id;
    if (els.model.querySelector(`option[value="${CSS.escape(state.conversation.model)}"]`)) {
      els.model.value = state.conversation.model;
    }
    els.system.value = state.conversation.system_prompt;
    window.HubKnowledge.set(state.conversation.collections);
    els.temperature.value = state.conversation.params.temperature ?? "";
    els.maxTokens.value = state.conversation.params.max_tokens ?? "";
    const found = window.HubFound.target();
    if (found && tree.messages.has(found.id)) {
      tree.leaf = tree.newestLeafUnder(found.id);
      window.HubFold.unfold(found.id);
      renderThread();
      window.HubFound.reveal(els.thread.querySelector(`[data-id="${found.id}"]`), found.query);
    } else {
      renderThread();
      els.thread.scrollTop = els.thread.scrollHeight;
    }
  }
  renderControls();
})();
