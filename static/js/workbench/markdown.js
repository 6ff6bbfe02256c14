// Provider Hub workbench: a small, safe Markdown renderer and code highlighter.
//
// Model output is untrusted. Nothing here parses HTML: the text is split into blocks and
// inline spans, and every piece becomes a DOM node whose text is set with textContent, so
// a "<script>" in an answer is shown as text. Links keep only http(s), mailto and relative
// URLs. Covers what chat answers use: code fences (highlighted), inline code, bold, italic,
// links, headings, lists, block quotes, rules and tables (GitHub's pipes). Streaming-friendly: an unclosed fence
// renders as a code block until its end arrives.
"use strict";

(() => {
  const FENCE = /^\s*(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
  const HEADING = /^(#{1,6})\s+(.*)$/;
  const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
  const QUOTE = /^\s*>\s?(.*)$/;
  const ITEM = /^\s*([-*+]|\d{1,9}[.)])\s+(.*)$/;
  const TABLE_ROW = /^\s*\|.*\|\s*$/;
  const TABLE_RULE = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
  const INLINE = new RegExp(
    [
      "(`+)([^`][\\s\\S]*?)\\1(?!`)", // 1,2 code
      "\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*", // 3 bold
      "__(?=\\S)([\\s\\S]*?\\S)__", // 4 bold
      "\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*", // 5 italic
      "(?<![\\w])_(?=[^\\s_])([\\s\\S]*?[^\\s_])_(?![\\w])", // 6 italic
      "\\[([^\\]\\n]+)\\]\\(([^)\\s]+)\\)", // 7,8 link
      "(https?:\\/\\/[^\\s<>()]*[^\\s<>().,;:!?'\"])", // 9 bare URL
    ].join("|"),
    "g",
  );

  function el(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function safeUrl(url) {
    if (/^(https?:|mailto:)/i.test(url)) return url;
    if (/^[/#?]/.test(url) && !url.startsWith("//")) return url;
    return null;
  }

  function text(parent, value) {
    value.split("\n").forEach((part, index) => {
      if (index) parent.append(el("br"));
      if (part) parent.append(document.createTextNode(part));
    });
  }

  function inline(parent, value) {
    let last = 0;
    // matchAll works on a copy of the pattern, so the recursion below cannot disturb it.
    for (const match of value.matchAll(INLINE)) {
      text(parent, value.slice(last, match.index));
      last = match.index + match[0].length;
      if (match[2] !== undefined) {
        const code = el("code");
        code.textContent = match[2].replace(/^ (.*) $/, "$1");
        parent.append(code);
      } else if (match[3] !== undefined || match[4] !== undefined) {
        const strong = el("strong");
        inline(strong, match[3] ?? match[4]);
        parent.append(strong);
      } else if (match[5] !== undefined || match[6] !== undefined) {
        const em = el("em");
        inline(em, match[5] ?? match[6]);
        parent.append(em);
      } else {
        const href = safeUrl(match[8] ?? match[9]);
        if (!href) {
          text(parent, match[0]);
          continue;
        }
        const link = el("a");
        link.href = href;
        link.rel = "noopener noreferrer nofollow";
        link.target = "_blank";
        text(link, match[7] ?? match[9]);
        parent.append(link);
      }
    }
    text(parent, value.slice(last));
  }

  function codeBlock(code, lang, closed) {
    const wrap = el("div", "md-code");
    const bar = el("div", "md-code-bar");
    const label = el("span", "md-code-lang");
    label.textContent = lang || "code";
    const copy = el("button", "md-copy");
    copy.type = "button";
    copy.textContent = "Copy";
    copy.addEventListener("click", () => {
      navigator.clipboard?.writeText(code).then(() => {
        copy.textContent = "Copied";
        setTimeout(() => { copy.textContent = "Copy"; }, 1500);
      });
    });
    bar.append(label, copy);
    const pre = el("pre");
    pre.tabIndex = 0; // a long line scrolls sideways: keyboards must reach it too
    pre.setAttribute("aria-label", lang ? `${lang} code` : "code");
    const element = el("code");
    element.append(highlight(code, lang));
    pre.append(element);
    wrap.append(bar, pre);
    if (!closed) wrap.classList.add("is-open");
    return wrap;
  }

  function startsBlock(line) {
    return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
  }

  function startsTable(lines, i) {
    return TABLE_ROW.test(lines[i]) && i + 1 < lines.length && TABLE_RULE.test(lines[i + 1]);
  }

  function cells(line) {
    return line.trim().replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((cell) => cell.trim());
  }

  // | a | b |, then |---|:--:|, then rows: a table that scrolls sideways inside the answer.
  function table(header, rule, rows) {
    const aligns = cells(rule).map((c) => (c.startsWith(":") && c.endsWith(":") ? "center" : c.endsWith(":") ? "right" : c.startsWith(":") ? "left" : ""));
    const wrap = el("div", "md-table");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "table");
    const grid = el("table");
    const head = el("thead");
    const body = el("tbody");
    [[header, head, "th"], ...rows.map((row) => [row, body, "td"])].forEach(([line, section, tag]) => {
      const tr = el("tr");
      cells(line).forEach((value, index) => {
        const cell = el(tag);
        if (aligns[index]) cell.style.textAlign = aligns[index];
        inline(cell, value.replace(/\\\|/g, "|"));
        tr.append(cell);
      });
      section.append(tr);
    });
    grid.append(head, body);
    wrap.append(grid);
    return wrap;
  }

  function render(source) {
    const fragment = document.createDocumentFragment();
    const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      const fence = line.match(FENCE);
      if (fence) {
        const body = [];
        i += 1;
        while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[(i += 1) - 1]);
        const closed = i < lines.length;
        i += 1;
        fragment.append(codeBlock(body.join("\n"), fence[2].toLowerCase(), closed));
      } else if (!line.trim()) {
        i += 1;
      } else if (HEADING.test(line)) {
        const [, hashes, title] = line.match(HEADING);
        const heading = el(`h${Math.min(hashes.length + 2, 6)}`);
        inline(heading, title);
        fragment.append(heading);
        i += 1;
      } else if (RULE.test(line)) {
        fragment.append(el("hr"));
        i += 1;
      } else if (QUOTE.test(line)) {
        const quoted = [];
        while (i < lines.length && QUOTE.test(lines[i])) quoted.push(lines[(i += 1) - 1].match(QUOTE)[1]);
        const quote = el("blockquote");
        quote.append(render(quoted.join("\n")));
        fragment.append(quote);
      } else if (startsTable(lines, i)) {
        const rows = [];
        i += 2;
        while (i < lines.length && TABLE_ROW.test(lines[i])) rows.push(lines[(i += 1) - 1]);
        fragment.append(table(line, lines[i - rows.length - 1], rows));
      } else if (ITEM.test(line)) {
        const ordered = /\d/.test(line.match(ITEM)[1]);
        const list = el(ordered ? "ol" : "ul");
        if (ordered) list.start = parseInt(line.match(ITEM)[1], 10) || 1;
        let item = null;
        while (i < lines.length) {
          const match = lines[i].match(ITEM);
          if (match && /\d/.test(match[1]) === ordered) {
            item = el("li");
            inline(item, match[2]);
            list.append(item);
          } else if (item && /^\s{2,}\S/.test(lines[i]) && !FENCE.test(lines[i])) {
            inline(item, ` ${lines[i].trim()}`);
          } else {
            break;
          }
          i += 1;
        }
        fragment.append(list);
      } else {
        const paragraph = [];
        while (i < lines.length && lines[i].trim() && (!paragraph.length || !(startsBlock(lines[i]) || startsTable(lines, i)))) {
          paragraph.push(lines[(i += 1) - 1]);
        }
        const p = el("p");
        inline(p, paragraph.join("\n"));
        fragment.append(p);
      }
    }
    return fragment;
  }

  // Highlighting: one regular expression per language family, tokens as classed spans.
  const KEYWORDS = new Set((
    "if else elif for while do return def class function const let var import from export " +
    "default async await try except catch finally raise throw new in of not and or is as " +
    "with yield lambda pass break continue switch case None null nil undefined true false " +
    "True False self this fn pub struct impl enum match use mod trait where mut ref int " +
    "str bool void public private protected static final package interface type extends " +
    "implements func go defer chan map range select begin end then local echo fi done " +
    "SELECT FROM WHERE INSERT INTO UPDATE DELETE CREATE TABLE JOIN LEFT RIGHT INNER ON " +
    "GROUP BY ORDER LIMIT AS AND OR NOT NULL VALUES SET PRIMARY KEY INDEX DISTINCT HAVING"
  ).split(" "));
  const HASH_COMMENTS = new Set(["python", "py", "sh", "bash", "shell", "zsh", "console", "ruby", "rb", "yaml", "yml", "toml", "r", "perl", "dockerfile", "makefile", "ini", "conf"]);
  const SLASH_COMMENTS = new Set(["js", "javascript", "ts", "typescript", "jsx", "tsx", "c", "h", "cpp", "c++", "cc", "java", "go", "rust", "rs", "cs", "csharp", "kotlin", "kt", "swift", "php", "scala", "dart", "css", "scss", "less"]);
  const DASH_COMMENTS = new Set(["sql", "lua", "haskell", "hs"]);
  const STRINGS = String.raw`"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\[\s\S]|[^"\\\n])*"|'(?:\\[\s\S]|[^'\\\n])*'|\x60(?:\\[\s\S]|[^\x60\\])*\x60`;
  const NUMBERS = String.raw`\b(?:0x[\da-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;
  const patterns = new Map();

  function patternFor(lang) {
    if (!patterns.has(lang)) {
      const comments = [];
      if (HASH_COMMENTS.has(lang)) comments.push("#[^\\n]*");
      if (SLASH_COMMENTS.has(lang)) comments.push("\\/\\/[^\\n]*", "\\/\\*[\\s\\S]*?(?:\\*\\/|$)");
      if (DASH_COMMENTS.has(lang)) comments.push("--[^\\n]*");
      const comment = comments.length ? comments.join("|") : "(?!)";
      patterns.set(lang, new RegExp(`(${comment})|(${STRINGS})|(${NUMBERS})|(\\b[A-Za-z_]\\w*\\b)`, "g"));
    }
    return patterns.get(lang);
  }

  function highlight(code, lang) {
    const fragment = document.createDocumentFragment();
    const pattern = patternFor(lang || "");
    const span = (className, value) => {
      const node = el("span", className);
      node.textContent = value;
      fragment.append(node);
    };
    let last = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
      if (match[0] === "") {
        pattern.lastIndex += 1;
        continue;
      }
      if (match[4] !== undefined && !KEYWORDS.has(match[4])) continue;
      if (match.index > last) fragment.append(document.createTextNode(code.slice(last, match.index)));
      last = pattern.lastIndex;
      if (match[1] !== undefined) span("tok-comment", match[0]);
      else if (match[2] !== undefined) span("tok-string", match[0]);
      else if (match[3] !== undefined) span("tok-number", match[0]);
      else span("tok-keyword", match[0]);
    }
    if (last < code.length) fragment.append(document.createTextNode(code.slice(last)));
    return fragment;
  }

  // The blinking cursor goes at the end of the last paragraph or list item, not below it.
  function appendCursor(container) {
    let target = container;
    while (target.lastElementChild && ["P", "UL", "OL", "LI", "BLOCKQUOTE"].includes(target.lastElementChild.tagName)) {
      target = target.lastElementChild;
    }
    const cursor = document.createElement("span");
    cursor.className = "msg-cursor";
    target.append(cursor);
  }

  window.HubMarkdown = { render, highlight, safeUrl, appendCursor };
})();
