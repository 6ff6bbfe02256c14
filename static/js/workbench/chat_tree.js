// A chat's messages as a tree: edits and regenerations branch it, and ``leaf`` is the end of
// the branch on screen. chat.js keeps one and renders ``branch()``.
"use strict";

window.HubChatTree = () => ({
  messages: new Map(),
  children: new Map(), // parent id (0 for roots) -> child ids, oldest first
  leaf: null,

  add(message) {
    this.messages.set(message.id, message);
    const parent = message.parent_id ?? 0;
    const siblings = this.children.get(parent) ?? [];
    if (!siblings.includes(message.id)) siblings.push(message.id);
    siblings.sort((a, b) => a - b);
    this.children.set(parent, siblings);
  },

  branch() {
    const path = [];
    for (let id = this.leaf; id; id = this.messages.get(id)?.parent_id) path.push(this.messages.get(id));
    return path.reverse().filter(Boolean);
  },

  newestLeafUnder(id) {
    let leaf = id;
    while (this.children.get(leaf)?.length) leaf = Math.max(...this.children.get(leaf));
    return leaf;
  },
});
