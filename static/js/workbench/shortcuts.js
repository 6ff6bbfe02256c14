// Chat's keyboard shortcuts: Esc stops the answer being written, Ctrl/⌘-K finds a chat,
// Ctrl/⌘-Shift-O starts a new one. Each works from anywhere on the chat page.
(() => {
  "use strict";
  const app = document.getElementById("chat-app");
  if (!app) return;

  document.addEventListener("keydown", (event) => {
    const command = event.ctrlKey || event.metaKey;
    if (event.key === "Escape") {
      const stop = document.getElementById("chat-stop");
      if (stop && !stop.hidden) {
        event.preventDefault();
        stop.click();
      }
    } else if (command && !event.shiftKey && event.key.toLowerCase() === "k") {
      const search = app.querySelector(".chat-search input[type=search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    } else if (command && event.shiftKey && event.key.toLowerCase() === "o") {
      const fresh = app.querySelector("[data-new-chat]");
      if (fresh) {
        event.preventDefault();
        window.location.assign(fresh.href);
      }
    }
  });
})();
