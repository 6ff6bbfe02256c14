// Upload forms (<form data-upload>): the file field becomes a drop zone, and sending shows a
// progress bar while the bytes go up, then "Processing…" until the server answers; the answer
// replaces the page as a normal submit would. Without this script the form posts as usual.
"use strict";

(() => {
  function dropZone(input) {
    const zone = document.createElement("div");
    zone.className = "drop-zone";
    const text = document.createElement("p");
    text.className = "drop-zone-text";
    const name = document.createElement("p");
    name.className = "drop-zone-file note";
    name.setAttribute("aria-live", "polite");
    text.textContent = input.multiple ? "Drop files here, or " : "Drop a file here, or ";
    input.before(zone);
    const label = Object.assign(document.createElement("label"), { htmlFor: input.id, className: "drop-zone-pick", textContent: input.multiple ? "choose them" : "choose one" });
    text.append(label);
    zone.append(text, input, name);
    const show = () => {
      const files = Array.from(input.files);
      const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      const total = files.reduce((sum, file) => sum + file.size, 0);
      name.textContent = files.length > 1 ? `${files.length} files · ${megabytes(total)}`
        : files.length ? `${files[0].name} · ${megabytes(total)}` : "";
    };
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach((type) => zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("is-over");
    }));
    ["dragleave", "drop"].forEach((type) => zone.addEventListener(type, () => zone.classList.remove("is-over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!event.dataTransfer?.files.length) return;
      input.files = event.dataTransfer.files;
      show();
    });
  }

  function progressBar(form) {
    const box = document.createElement("div");
    box.className = "upload-progress";
    box.hidden = true;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.setAttribute("aria-label", "Upload progress");
    const status = Object.assign(document.createElement("span"), { className: "note" });
    status.setAttribute("role", "status");
    box.append(bar, status);
    form.querySelector(".form-actions")?.before(box);
    return { box, bar, status };
  }

  function enhance(form) {
    const input = form.querySelector("input[type=file]");
    if (!input) return;
    dropZone(input);
    const progress = progressBar(form);
    form.addEventListener("submit", (event) => {
      if (!input.files.length) return; // the server says what is missing
      event.preventDefault();
      const request = new XMLHttpRequest();
      const submit = form.querySelector("[type=submit]");
      submit.disabled = true;
      progress.box.hidden = false;
      progress.bar.value = 0;
      progress.status.textContent = "Uploading…";
      request.upload.addEventListener("progress", (step) => {
        if (!step.lengthComputable) return;
        const percent = Math.round((step.loaded / step.total) * 100);
        progress.bar.value = percent;
        progress.status.textContent = `Uploading… ${percent} %`;
      });
      request.upload.addEventListener("load", () => {
        progress.bar.removeAttribute("value"); // indeterminate: the server is at work
        progress.status.textContent = "Processing…";
      });
      request.addEventListener("load", () => {
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", () => {
        submit.disabled = false;
        progress.bar.value = 0;
        progress.status.textContent = "The upload did not reach the hub. Check the connection and try again.";
      });
      request.open("POST", form.action || window.location.href);
      request.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(enhance);
})();
