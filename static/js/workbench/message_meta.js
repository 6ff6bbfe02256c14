// The line under an answer: which model answered, tokens, cost, time and time to first token.
"use strict";

(() => {
  const format = window.HubFormat;

  window.HubMessageMeta = (message) => {
    if (message.role !== "assistant") return "";
    const parts = [];
    const answered = message.answered_by || "";
    if (answered && answered !== message.model) parts.push(`${message.model} → ${answered}`);
    else parts.push(message.model || answered);
    if (message.status === "streaming") {
      parts.push(`${message.output_tokens ?? 0} tokens so far`);
    } else {
      parts.push(`${message.input_tokens} in · ${message.output_tokens} out`);
    }
    parts.push(format.cost(message.cost_usd));
    if (message.status !== "streaming") parts.push(format.ms(message.latency_ms));
    if (message.ttft_ms !== null && message.ttft_ms !== undefined) parts.push(`TTFT ${format.ms(message.ttft_ms)}`);
    return parts.filter(Boolean).join(" · ");
  };
})();
