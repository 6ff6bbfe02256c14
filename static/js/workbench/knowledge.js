// Grounding in RAG collections, for the chat and the playground. The picker (<details
// data-knowledge>) says which collections a request is grounded in; an answer's sources
// become a "Sources" panel under it, and each [n] in its text a link to the cited chunk.
"use strict";

window.HubKnowledge = (() => {
  const picker = () => document.querySelector("[data-knowledge]");
  const boxes = () => Array.from(picker()?.querySelectorAll("input[type=checkbox]") ?? []);

  function showCount() {
    const count = picker()?.querySelector("[data-knowledge-count]");
    if (!count) return;
    const checked = boxes().filter((box) => box.checked).length;
    count.hidden = checked === 0;
    count.textContent = String(checked);
  }

  function selected() {
    return boxes().filter((box) => box.checked).map((box) => Number(box.value));
  }

  function set(ids) {
    const wanted = new Set((ids ?? []).map(Number));
    boxes().forEach((box) => { box.checked = wanted.has(Number(box.value)); });
    showCount();
  }

  document.addEventListener("change", (event) => {
    if (event.target.closest?.("[data-knowledge]")) showCount();
  });

  function citeLinks(body, sources) {
    const byNumber = new Map(sources.map((source) => [source.number, source]));
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    const hits = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest("code, pre, a")) continue;
      if (/\[\d+\]/.test(node.nodeValue)) hits.push(node);
    }
    hits.forEach((node) => {
      const parts = node.nodeValue.split(/(\[\d+\])/);
      const pieces = parts.map((part) => {
        const source = byNumber.get(Number(part.slice(1, -1)));
        if (!/^\[\d+\]$/.test(part) || !source) return document.createTextNode(part);
        const link = Object.assign(document.createElement("a"), {
          href: source.url, className: "citation", textContent: part,
          title: `${source.document}${source.page ? `, page ${source.page}` : ""}`,
        });
        return link;
      });
      node.replaceWith(...pieces);
    });
  }

  function score(source) {
    const parts = [`fused ${source.score.toFixed(4)}`];
    if (source.dense_rank) parts.push(`meaning #${source.dense_rank}`);
    if (source.keyword_rank) parts.push(`keywords #${source.keyword_rank}`);
    if (source.rerank_score !== null && source.rerank_score !== undefined) parts.push(`reranked ${source.rerank_score.toFixed(3)}`);
    return parts.join(" · ");
  }

  function panel(sources) {
    const box = Object.assign(document.createElement("details"), { className: "msg-sources" });
    box.append(Object.assign(document.createElement("summary"), { textContent: `Sources (${sources.length})` }));
    const list = Object.assign(document.createElement("ol"), { className: "msg-sources-list" });
    sources.forEach((source) => {
      const item = document.createElement("li");
      const where = [source.page && `page ${source.page}`, (source.heading_path ?? []).join(" › ")].filter(Boolean).join(" · ");
      const link = Object.assign(document.createElement("a"), { href: source.url, textContent: source.document });
      const detail = Object.assign(document.createElement("span"), { className: "note", textContent: ` ${where ? `${where} · ` : ""}${source.collection} · ${score(source)}` });
      const excerpt = Object.assign(document.createElement("p"), { className: "msg-sources-excerpt", textContent: source.excerpt });
      item.value = source.number;
      item.append(link, detail, excerpt);
      list.append(item);
    });
    box.append(list);
    return box;
  }

  // The answer's body with its citations linked, and the panel after it (once).
  function decorate(body, sources) {
    body.parentElement.querySelector(":scope > .msg-sources")?.remove();
    if (!sources?.length) return;
    citeLinks(body, sources);
    body.after(panel(sources));
  }

  return { selected, set, decorate, panel };
})();
