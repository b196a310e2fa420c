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

  // Refuse an oversized upload before sending it (the server checks again).
  document.querySelectorAll("form.upload[data-max-bytes]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var input = form.querySelector("input[type=file]");
      var max = parseInt(form.dataset.maxBytes, 10);
      if (input.files.length && input.files[0].size > max) {
        event.preventDefault();
        window.alert("文件超过 " + Math.floor(max / 1048576) + " MiB 上限 / The file is too large");
      }
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
