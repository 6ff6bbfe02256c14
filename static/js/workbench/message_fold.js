// Long chat messages fold to a few screens' worth of lines with "Show more", so a pasted log
// or a long answer does not push the rest of the chat away. What the user unfolded stays
// unfolded while the page is open (re-renders keep it).
"use strict";

(() => {
  const FOLD_AT_PX = 420; // taller bodies fold
  const unfolded = new Set();

  function fold(node, id) {
    const body = node.querySelector(".msg-body");
    node.querySelector(".msg-fold")?.remove();
    if (!body || node.classList.contains("is-streaming") || body.scrollHeight <= FOLD_AT_PX * 1.25) {
      node.classList.remove("is-folded");
      return;
    }
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "btn btn-ghost btn-sm msg-fold";
    if (!body.id) body.id = `msg-body-${id}`;
    toggle.setAttribute("aria-controls", body.id);
    const show = () => {
      const open = unfolded.has(id);
      node.classList.toggle("is-folded", !open);
      toggle.textContent = open ? "Show less" : "Show more";
      toggle.setAttribute("aria-expanded", String(open));
    };
    toggle.addEventListener("click", () => {
      if (unfolded.has(id)) unfolded.delete(id);
      else unfolded.add(id);
      show();
      if (!unfolded.has(id)) node.scrollIntoView({ block: "nearest" });
    });
    body.after(toggle);
    show();
  }

  window.HubFold = { fold, unfold: (id) => unfolded.add(id) };
})();
