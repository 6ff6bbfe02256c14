// Editing a chat message: a form that takes the message's place, sized to its text. Saving
// sends the new text as a sibling of the old one (a new branch); Esc or Cancel gives up.
"use strict";

(() => {
  window.HubMessageEditor = (message, { onSave, onCancel }) => {
    const form = document.createElement("form");
    form.className = "msg-editor";
    const area = document.createElement("textarea");
    area.value = message.content;
    area.rows = Math.min(14, Math.max(3, message.content.split("\n").length + 1));
    area.setAttribute("aria-label", "Edited message");
    const save = Object.assign(document.createElement("button"), { type: "submit", className: "btn btn-primary btn-sm", textContent: "Save & send" });
    const cancel = Object.assign(document.createElement("button"), { type: "button", className: "btn btn-ghost btn-sm", textContent: "Cancel" });
    cancel.addEventListener("click", onCancel);
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation(); // not the page's Esc, which stops an answer
        onCancel();
      }
    });
    form.append(area, save, cancel);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (area.value.trim()) onSave(area.value);
    });
    setTimeout(() => area.focus());
    return form;
  };
})();
