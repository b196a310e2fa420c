/* Bianmin: small progressive enhancements (the pages work without them). CSP forbids inline scripts. */
"use strict";

(function () {
  var csrfOf = function (form) {
    var input = form.querySelector("input[name=csrf_token]") || document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  };

  // Everything bound to elements that a page may replace (the attachment list, the event panel)
  // goes through enhance(root), so that a refreshed fragment works like the page it came from.
  var enhance = function (root) {
    // Ask before adverse or destructive actions (withdraw, refuse, remove a file …).
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
      });
    });

    // A decision (准予登记, 批准, 备案, 撤销 …) is confirmed in a modal dialog with its opinion text (审批意见): the
    // <details> that holds its form (which works without JavaScript) opens the form as a <dialog> instead.
    root.querySelectorAll("details.decision").forEach(function (details) {
      var summary = details.querySelector("summary");
      var form = details.querySelector("form");
      if (!summary || !form || typeof HTMLDialogElement === "undefined") { return; }
      var dialog = document.createElement("dialog");
      dialog.className = "decision-dialog";
      var title = document.createElement("h2");
      title.id = details.id + "-title";
      title.innerHTML = summary.innerHTML;
      dialog.setAttribute("aria-labelledby", title.id);
      dialog.appendChild(title);
      dialog.appendChild(form);
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "cancel";
      cancel.textContent = english ? "Cancel" : "取消";
      cancel.addEventListener("click", function () { dialog.close(); });
      form.appendChild(cancel);
      details.after(dialog);  // outside the <details>, whose closed content is never rendered
      summary.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
        var first = form.querySelector("textarea, input:not([type=hidden]), select");
        if (first) { first.focus(); }
      });
    });

    // Correction list: typing a reason ticks its row; ticking a row moves to its reason.
    root.querySelectorAll(".correction-list").forEach(function (list) {
      list.querySelectorAll("input.item-reason").forEach(function (reason) {
        var box = document.getElementById(reason.dataset.item);
        var row = reason.closest("tr");
        var paint = function () { row.classList.toggle("ticked", box.checked); };
        reason.addEventListener("input", function () { box.checked = reason.value.trim() !== ""; paint(); });
        box.addEventListener("change", function () { paint(); if (box.checked) { reason.focus(); } });
      });
    });

    // Inbox: one box ticks every row.
    root.querySelectorAll("input.pick-all").forEach(function (all) {
      var form = all.closest("form");
      all.addEventListener("change", function () {
        form.querySelectorAll("input[name=pick]").forEach(function (box) { box.checked = all.checked; });
      });
    });

    // Repeatable groups (classes of a childcare filing …): add a row (a copy of the last one, emptied, with
    // the next index in its names: field-3-column) and remove one; without JavaScript the empty rows do.
    root.querySelectorAll("fieldset[data-group]").forEach(function (group) {
      var body = group.querySelector("tbody");
      var add = group.querySelector("button.group-add");
      var max = parseInt(group.dataset.maxRows, 10) || 50;
      var bindRemove = function (row) {
        var remove = row.querySelector("button.group-remove");
        remove.hidden = false;
        remove.addEventListener("click", function () {
          if (body.rows.length > 1) { row.remove(); } else {
            row.querySelectorAll("input, select").forEach(function (input) { input.value = ""; });
          }
        });
      };
      Array.prototype.forEach.call(body.rows, bindRemove);
      add.hidden = false;
      add.addEventListener("click", function () {
        if (body.rows.length >= max || !body.rows.length) { return; }
        var last = body.rows[body.rows.length - 1];
        var next = 1 + Math.max.apply(null, Array.prototype.map.call(body.querySelectorAll("[name]"), function (input) {
          var found = /-(\d+)-[^-]+$/.exec(input.name);
          return found ? parseInt(found[1], 10) : -1;
        }));
        var row = last.cloneNode(true);
        row.querySelectorAll("[name]").forEach(function (input) {
          input.name = input.name.replace(/-\d+-([^-]+)$/, "-" + next + "-$1");
          input.id = input.name;
          input.value = "";
        });
        body.appendChild(row);
        bindRemove(row);
      });
    });

    // Prevent double submission of any event form.
    // upload forms, the materials' own ones too (they come back with a refreshed list)
    root.querySelectorAll("form.upload[data-max-bytes]").forEach(function (form) { uploadForm(form); });

    root.querySelectorAll("form.event-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) { return; }
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      });
    });
  };

  // The application page again, to refresh the parts an upload changes (what can be done next).
  var refreshStanding = function () {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        ["section.standing", "section.eligibility"].forEach(function (selector) {
          var now = document.querySelector(selector), next = fresh.querySelector(selector);
          if (now && next) { now.replaceWith(next); enhance(next); }
        });
      })
      .catch(function () { /* the list itself is already up to date */ });
  };

  // "中文 / English" shown as the pages show text: Chinese, then the English in a <small>; on a page
  // switched to English (<html lang="en">), the English alone.
  var english = /^en/i.test(document.documentElement.lang || "");
  var bilingual = function (el, text) {
    var at = (text || "").indexOf(" / ");
    if (english && at >= 0) { el.textContent = text.slice(at + 3); return; }
    el.textContent = at < 0 ? (text || "") : text.slice(0, at) + " ";
    if (at >= 0) {
      var en = document.createElement("small");
      en.setAttribute("lang", "en");
      en.textContent = text.slice(at + 3);
      el.appendChild(en);
    }
  };

  var size = function (bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MiB" : Math.ceil(bytes / 1024) + " KiB";
  };

  // Uploads. Oversized files are refused before they are sent, with a message beside the form. The
  // server checks again: a file over UPLOAD_MAX_BYTES is refused with a message, and a request over
  // MAX_CONTENT_LENGTH (12 MiB) is cut off with a 413. With data-json-action the file goes by
  // XMLHttpRequest with a progress bar (the drop zone, or the form's own button) and the attachment
  // list is refreshed in place; without JavaScript the plain form posts and the page reloads.
  var uploadForm = function (form) {
    var input = form.querySelector("input[type=file]");
    var kind = form.querySelector("select[name=kind], input[name=kind]");
    var note = form.querySelector(".upload-error");
    if (!note) {
      note = document.createElement("p");
      note.className = "error-text upload-error";
      note.setAttribute("role", "alert");
      note.hidden = true;
      form.appendChild(note);
    }
    var complain = function (text) {
      note.hidden = !text;
      bilingual(note, text);
      if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    };
    // a material of several pages may come as several files: each is checked, all go in one request
    var tooBig = function (files) {
      var max = parseInt(form.dataset.maxBytes, 10);
      var file = files.filter(function (f) { return f.size > max; })[0];
      var bad = !!file;
      complain(bad ? "文件“" + file.name + "”为 " + size(file.size) + "，超过 " + size(max) +
        " 上限，请压缩或拆分后再上传 / The file is " + size(file.size) + ", over the " + size(max) +
        " limit: compress or split it, then upload" : "");
      return bad;
    };
    var chosen = function () { return Array.prototype.slice.call(input.files); };
    input.addEventListener("change", function () { tooBig(chosen()); });

    var zone = form.querySelector(".drop-zone");
    var canSend = !!(form.dataset.jsonAction && window.FormData && window.XMLHttpRequest);
    if (!canSend) {
      form.addEventListener("submit", function (event) {
        if (tooBig(chosen())) { event.preventDefault(); input.focus(); }
      });
      return;
    }
    var bar = zone ? zone.querySelector("progress") : null;
    var status = zone ? zone.querySelector(".upload-status") : null;
    var busy = false;
    var say = function (text) { if (status) { bilingual(status, text); } };

    var send = function (files) {
      if (busy || !files.length) { return; }
      if (tooBig(files)) { input.focus(); return; }
      busy = true;
      form.classList.add("uploading");
      var data = new FormData();
      data.append("csrf_token", csrfOf(form));
      data.append("kind", kind ? kind.value : "");
      files.forEach(function (file) { data.append("file", file, file.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.jsonAction);
      xhr.setRequestHeader("X-CSRFToken", csrfOf(form));
      xhr.setRequestHeader("Accept", "application/json");
      if (bar) { bar.hidden = false; bar.value = 0; }
      say("正在上传“" + files.map(function (f) { return f.name; }).join("、") + "”… / Uploading…");
      xhr.upload.addEventListener("progress", function (e) {
        if (bar && e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      var done = function () { busy = false; form.classList.remove("uploading"); };
      xhr.addEventListener("error", function () {
        done();
        say("");
        complain("上传失败，请检查网络后重试 / Upload failed: check the connection and retry");
      });
      xhr.addEventListener("load", function () {
        done();
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body && body.ok) {
          if (bar) { bar.value = 100; }
          complain("");
          say(body.message);
          input.value = "";
          // a material's own form sits inside the list it refreshes; the general form beside it
          var list = form.closest(".attachment-kinds") ||
            (form.closest("section") || document).querySelector(".attachment-kinds");
          if (list && body.html) {
            var holder = document.createElement("div");
            holder.innerHTML = body.html;
            var fresh = holder.querySelector(".attachment-kinds");
            if (fresh) { list.replaceWith(fresh); enhance(fresh); }
          }
          refreshStanding();
        } else {
          if (bar) { bar.hidden = true; }
          say("");
          complain(body && body.message ? body.message
            : xhr.status === 413 ? "文件过大 / The file is too large" : "上传失败（" + xhr.status + "） / Upload failed");
        }
      });
      xhr.send(data);
    };

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var files = chosen();
      if (!files.length) { complain("请选择要上传的文件 / Choose a file to upload"); input.focus(); return; }
      send(files);
    });

    if (!zone) { return; }
    zone.hidden = false;
    var picking = false;
    var pick = function () { picking = true; input.click(); };
    input.addEventListener("change", function () {
      if (picking) { picking = false; send(chosen()); }
    });
    zone.addEventListener("click", pick);
    zone.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); }
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("dragover"); });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("dragover"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("dragover");
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length) { send(Array.prototype.slice.call(files)); }
    });
  };

  // Autosave of the draft form: ~1 s after typing stops, when a field loses focus and when the
  // page is hidden. The server runs the same checks as "保存修改"; a malformed value gets its
  // message beside the field and stays in the box as typed, the valid ones are saved.
  var autosave = function (form) {
    var url = form.dataset.autosave;
    var status = form.querySelector(".autosave-status");
    var timer = null, dirty = false, inflight = false, again = false;
    var show = function (text, state) {
      if (!status) { return; }
      bilingual(status, text);
      status.dataset.state = state;
    };
    show("修改会自动保存 / Changes are saved automatically", "idle");
    var mark = function (problems) {
      form.querySelectorAll(".field .error-text").forEach(function (p) { p.remove(); });
      form.querySelectorAll(".field.has-error").forEach(function (f) { f.classList.remove("has-error"); });
      form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
      (problems || []).forEach(function (d) {
        var field = d.field ? document.getElementById("f-" + d.field) : null;
        if (!field) { return; }
        field.classList.add("has-error");
        var control = field.querySelector("input, select, textarea");
        if (control) { control.setAttribute("aria-invalid", "true"); }
        var p = document.createElement("p");
        p.className = "error-text";
        p.setAttribute("role", "alert");
        p.textContent = d.message + (d.message_en ? " / " + d.message_en : "");
        var hint = field.querySelector(".hint");
        field.insertBefore(p, hint ? hint.nextSibling : null);
      });
    };
    var save = function (leaving) {
      if (!dirty) { return; }
      if (inflight && !leaving) { again = true; return; }   // leaving: send now, the page will not wait
      dirty = false;
      inflight = true;
      show("正在保存… / Saving…", "saving");
      fetch(url, {
        method: "POST", credentials: "same-origin", keepalive: !!leaving,
        headers: { "X-CSRFToken": csrfOf(form), "Accept": "application/json" },
        body: new URLSearchParams(new FormData(form))
      }).then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; },
          function () { return { status: r.status, body: null }; });
      }).then(function (res) {
        var body = res.body || {};
        if (body.version !== undefined) {
          var v = form.querySelector("input[name=version]");
          if (v) { v.value = body.version; }
        }
        if (res.status === 200) {
          mark([]);
          show("已自动保存 " + body.saved_at + " / Saved", "saved");
        } else if (res.status === 422) {
          mark(body.problems);
          var n = (body.problems || []).length;
          show(body.saved_at ? "已自动保存 " + body.saved_at + "，标红的 " + n + " 项有误未保存 / Saved, except " + n +
            " marked field(s)" : "未保存：请更正标红的字段 / Not saved: correct the marked fields", "invalid");
        } else {
          dirty = true;
          show(body.message ? "未能自动保存：" + body.message : "未能自动保存（" + res.status + "） / Not saved", "failed");
        }
      }).catch(function () {
        dirty = true;
        show("未能自动保存，请检查网络 / Not saved: check the connection", "failed");
      }).then(function () {
        inflight = false;
        if (again) { again = false; save(); }
      });
    };
    var edited = function () {
      dirty = true;
      show("有未保存的修改 / Unsaved changes", "pending");
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 1000);
    };
    form.addEventListener("input", edited);
    form.addEventListener("focusout", function () { window.clearTimeout(timer); save(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { window.clearTimeout(timer); save(true); }
    });
    window.addEventListener("pagehide", function () { window.clearTimeout(timer); save(true); });
    form.addEventListener("submit", function () { window.clearTimeout(timer); dirty = false; });
  };

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    document.documentElement.dataset.enhanced = "1";  // what the browser tests wait for
    if (window.fetch && window.FormData && window.URLSearchParams) {
      document.querySelectorAll("form[data-autosave]").forEach(autosave);
    }
  });
}());
