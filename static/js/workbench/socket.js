// Provider Hub workbench: one JSON WebSocket per page that reconnects on its own.
//
// Requests sent while the socket is down wait in a queue; every (re)connection calls
// onOpen, where a page re-attaches to the answers still streaming on the server.
"use strict";

(() => {
  const FINAL_CODES = new Set([4401, 4404]); // not signed in, not a member: retrying cannot help

  class HubSocket {
    constructor(path, { onEvent, onOpen = () => {}, onStatus = () => {} }) {
      this.path = path;
      this.onEvent = onEvent;
      this.onOpen = onOpen;
      this.onStatus = onStatus;
      this.queue = [];
      this.retries = 0;
      this.connect();
    }

    connect() {
      const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
      const socket = new WebSocket(`${scheme}//${window.location.host}${this.path}`);
      this.socket = socket;
      socket.addEventListener("open", () => {
        this.retries = 0;
        this.onStatus("open");
        this.queue.splice(0).forEach((message) => socket.send(message));
        this.onOpen();
      });
      socket.addEventListener("message", (event) => {
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        this.onEvent(data);
      });
      socket.addEventListener("close", (event) => {
        if (FINAL_CODES.has(event.code)) {
          this.onStatus("refused", event.code);
          return;
        }
        this.onStatus("closed", event.code);
        const delay = Math.min(500 * 2 ** this.retries, 10000);
        this.retries += 1;
        setTimeout(() => this.connect(), delay);
      });
    }

    send(request) {
      const message = JSON.stringify(request);
      if (this.socket.readyState === WebSocket.OPEN) this.socket.send(message);
      else this.queue.push(message);
    }
  }

  window.HubSocket = HubSocket;

  window.HubFormat = {
    cost(value) {
      const number = Number(value || 0);
      if (!number) return "$0";
      return `$${number < 0.01 ? number.toFixed(6) : number.toFixed(4)}`;
    },
    ms(value) {
      if (value === null || value === undefined || value === "") return "–";
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
    },
    // Render on the next frame, at most once per frame per key; setTimeout covers hidden tabs.
    scheduler(render) {
      const due = new Set();
      let queued = false;
      const flush = () => {
        if (!queued) return;
        queued = false;
        const keys = [...due];
        due.clear();
        keys.forEach(render);
      };
      return (key) => {
        due.add(key);
        if (queued) return;
        queued = true;
        requestAnimationFrame(flush);
        setTimeout(flush, 100);
      };
    },
  };
})();
