// The chat sidebar's list as the page changes it: a chat just started goes to the top of
// Today (after any pins), and a title written after the first answer replaces the first words.
"use strict";

(() => {
  function todayList(list) {
    const heading = [...list.querySelectorAll(".conversation-group")].find((h) => h.textContent === "Today");
    if (heading) return heading.nextElementSibling;
    const group = Object.assign(document.createElement("h2"), { className: "conversation-group", textContent: "Today" });
    const items = document.createElement("ul");
    const pins = [...list.querySelectorAll(".conversation-group")].find((h) => h.textContent === "Pinned");
    if (pins) pins.nextElementSibling.after(group, items);
    else list.prepend(group, items);
    return items;
  }

  function add(list, { url, title }) {
    list.querySelector(".conversation-empty")?.remove();
    list.querySelector(".is-current")?.classList.remove("is-current");
    const item = Object.assign(document.createElement("li"), { className: "is-current" });
    item.setAttribute("aria-current", "true");
    const link = Object.assign(document.createElement("a"), { href: url, className: "conversation-link" });
    const name = Object.assign(document.createElement("span"), { className: "conversation-title", textContent: title });
    const now = new Date();
    const when = Object.assign(document.createElement("time"), {
      className: "conversation-when",
      dateTime: now.toISOString(),
      textContent: now.toTimeString().slice(0, 5),
    });
    link.append(name, when);
    item.append(link);
    todayList(list).prepend(item);
  }

  function retitle(list, title) {
    const name = list.querySelector(".is-current .conversation-title");
    if (name) name.lastChild.textContent = title;
  }

  window.HubChatList = { add, retitle };
})();
