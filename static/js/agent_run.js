// An agent run's live timeline: steps arrive over a WebSocket as the run stores them, the
// status and totals follow, and Cancel asks over the same socket. The page works without
// it (reload to see new steps; Cancel posts its form).
"use strict";

(() => {
  const card = document.getElementById("run");
  const path = card && card.dataset.runSocket;
  if (!path) return;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(scheme + location.host + path);
  const steps = document.querySelector("[data-run-steps]");
  const live = document.querySelector("[data-run-live]");
  const cancel = document.querySelector("[data-run-cancel]");

  const show = (state) => {
    const badge = document.querySelector("[data-run-status]");
    badge.textContent = "";
    const label = document.createElement("span");
    const tone = { completed: "badge-success", failed: "badge-danger", stopped: "badge-warning" };
    label.className = "badge " + (tone[state.status] || (state.finished ? "" : "badge-info badge-dot"));
    label.textContent = state.status === "stopped" ? "Stopped: " + state.stop_reason : state.status_label;
    badge.append(label);
    document.querySelector("[data-run-totals]").textContent =
      `${state.steps} model step${state.steps === 1 ? "" : "s"} · ${state.tokens} tokens · $${state.cost_usd}`;
    if (!state.finished) return;
    live.hidden = true;
    if (cancel) cancel.hidden = true;
    const result = document.querySelector("[data-run-result]");
    result.hidden = false;
    document.querySelector("[data-run-output]").textContent = state.output;
    const error = document.querySelector("[data-run-error]");
    error.textContent = state.error;
    error.hidden = !state.error;
  };

  socket.addEventListener("message", (event) => {
    const data = JSON.parse(event.data);
    if (data.type === "steps") {
      const known = new Set([...steps.children].map((li) => li.dataset.step));
      const holder = document.createElement("template");
      holder.innerHTML = data.html;  // rendered and escaped by the server's template
      [...holder.content.children].forEach((li) => { if (!known.has(li.dataset.step)) steps.append(li); });
    } else if (data.type === "state") {
      show(data);
    }
  });

  if (cancel) {
    cancel.addEventListener("submit", (event) => {
      if (socket.readyState !== WebSocket.OPEN) return;  // the form posts instead
      event.preventDefault();
      socket.send(JSON.stringify({ type: "cancel" }));
      cancel.querySelector("button").disabled = true;
    });
  }
})();
