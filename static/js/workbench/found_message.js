// A chat opened from a search result (?message=<id>&q=<words>): the message is shown (its
// branch made current), scrolled to, and the words marked in it.
"use strict";

(() => {
  function target() {
    const params = new URLSearchParams(window.location.search);
    const id = Number(params.get("message"));
    return Number.isInteger(id) && id > 0 ? { id, query: (params.get("q") || "").trim() } : null;
  }

  function mark(root, query) {
    if (!query) return 0;
    const needle = query.toLowerCase();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const hits = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.toLowerCase().includes(needle)) hits.push(node);
    }
    for (const node of hits) {
      const text = node.nodeValue;
      const lower = text.toLowerCase();
      const pieces = document.createDocumentFragment();
      let from = 0;
      for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
        pieces.append(text.slice(from, at));
        pieces.append(Object.assign(document.createElement("mark"), { textContent: text.slice(at, at + needle.length) }));
        from = at + needle.length;
      }
      pieces.append(text.slice(from));
      node.replaceWith(pieces);
    }
    return hits.length;
  }

  function reveal(node, query) {
    node.classList.add("is-found");
    mark(node.querySelector(".msg-body"), query);
    node.scrollIntoView({ block: "center" });
  }

  window.HubFound = { target, reveal };
})();
