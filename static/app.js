/* Bianmin: small progressive enhancements (the pages work without them). CSP forbids inline scripts. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Ask before adverse or destructive actions (withdraw, refuse, remove a file …).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // Correction list: typing a reason ticks its row; ticking a row moves to its reason.
  document.querySelectorAll(".correction-list").forEach(function (list) {
    list.querySelectorAll("input.item-reason").forEach(function (reason) {
      var box = document.getElementById(reason.dataset.item);
      var row = reason.closest("tr");
      var paint = function () { row.classList.toggle("ticked", box.checked); };
      reason.addEventListener("input", function () { box.checked = reason.value.trim() !== ""; paint(); });
      box.addEventListener("change", function () { paint(); if (box.checked) { reason.focus(); } });
    });
  });

  // Refuse an oversized upload before sending it, with a message beside the form. The server
  // checks again: a file over UPLOAD_MAX_BYTES is refused with a message on the page, and a request
  // over MAX_CONTENT_LENGTH (12 MiB) is cut off with a 413 error page, so this check is what keeps
  // the person on the form with their other inputs.
  document.querySelectorAll("form.upload[data-max-bytes]").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var max = parseInt(form.dataset.maxBytes, 10);
    var note = form.querySelector(".upload-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "error-text upload-error";
      note.setAttribute("role", "alert");
      note.hidden = true;
      form.appendChild(note);
    }
    var size = function (bytes) {
      return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MiB" : Math.ceil(bytes / 1024) + " KiB";
    };
    var tooBig = function () {
      var file = input.files.length ? input.files[0] : null;
      var bad = !!file && file.size > max;
      note.hidden = !bad;
      note.textContent = bad ? "文件“" + file.name + "”为 " + size(file.size) + "，超过 " + size(max) +
        " 上限，请压缩或拆分后再上传 / The file is " + size(file.size) + ", over the " + size(max) +
        " limit: compress or split it, then upload" : "";
      if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      return bad;
    };
    input.addEventListener("change", tooBig);
    form.addEventListener("submit", function (event) {
      if (tooBig()) { event.preventDefault(); input.focus(); }
    });
  });

  // Inbox: one box ticks every row.
  document.querySelectorAll("input.pick-all").forEach(function (all) {
    var form = all.closest("form");
    all.addEventListener("change", function () {
      form.querySelectorAll("input[name=pick]").forEach(function (box) { box.checked = all.checked; });
    });
  });

  // Prevent double submission of any event form.
  document.querySelectorAll("form.event-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) { return; }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
});
