// Debrief's progressive enhancement. Every page works without this file;
// it only adds conveniences. It is a static file because the
// Content-Security-Policy allows no inline script.
"use strict";

// Ask before destructive buttons that carry data-confirm.
document.addEventListener("submit", function (e) {
  var b = e.submitter;
  if (b && b.dataset.confirm && !window.confirm(b.dataset.confirm)) {
    e.preventDefault();
  }
});

// The "started" input's zone label follows the time zone field as it is
// typed, so the label beside the time is never out of date.
document.querySelectorAll("[data-zone-follow]").forEach(function (label) {
  var input = document.querySelector("input[name=time_zone]");
  if (!input) return;
  input.addEventListener("input", function () {
    label.textContent = input.value.trim() || "UTC";
  });
});

// New incident: start with the browser's own time zone instead of UTC,
// unless the user already chose one.
document.querySelectorAll("input[data-detect-zone]").forEach(function (input) {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && input.value === "UTC" && !input.getAttribute("aria-invalid")) {
      input.value = tz;
      input.dispatchEvent(new Event("input"));
    }
  } catch (err) { /* keep UTC */ }
});

// Section editor: warn before leaving with unsaved text, and save with
// Ctrl+Enter / Cmd+Enter.
document.querySelectorAll("form[data-unsaved-warning]").forEach(function (form) {
  var area = form.querySelector("textarea");
  if (!area) return;
  var saved = area.value;
  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (e) {
    if (!submitting && area.value !== saved) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
  area.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit(form.querySelector("button[type=submit]"));
    }
  });
});

// The new API token: selected whole when focused, and a Copy button (shown
// only with script, since it needs the clipboard API).
document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
  if (document.activeElement === input) input.select();
});
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var input = document.getElementById(button.dataset.copy);
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = "Copy"; }, 2000);
    });
  });
});

// The account menu closes when a click lands outside it, or on Escape.
document.addEventListener("click", function (e) {
  document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
    if (!menu.contains(e.target)) menu.open = false;
  });
});
document.addEventListener("keydown", function (e) {
  if (e.key !== "Escape") return;
  document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});

// Evidence import: upload with a progress bar. Without script the form
// posts as usual (the browser shows its own progress).
document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
  if (!window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (e) {
    var box = form.querySelector(".imp-progress");
    var bar = form.querySelector("progress");
    if (!box || !bar) return;
    e.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) bar.value = Math.round(100 * ev.loaded / ev.total);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 400 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      if (button) button.disabled = false;
      box.hidden = true;
      window.alert("The upload failed: check the connection and try again.");
    });
    xhr.send(new FormData(form));
  });
});
