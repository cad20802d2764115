/* The report page: drafts save as the liaison types, and a copy stays in this browser until the
   server has it, so a closed tab, a lost connection or an expired session loses nothing. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch) return;
  var url = form.dataset.autosave;
  var storeKey = "qc-report-draft-" + form.dataset.report;
  var status = form.querySelector(".autosave-status");
  var timer = null;
  var saving = false;
  var dirty = false;
  // The page's messages, translated by the server into the reader's language (data-msg-*).
  var msg = form.dataset;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, name) { return values[name]; });
  }

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && /^(entry|value)-\d+-(?!version)/.test(el.name);
    });
  }

  function keepLocally() {
    var copy = {};
    fields().forEach(function (el) { copy[el.name] = el.value; });
    try { localStorage.setItem(storeKey, JSON.stringify({ at: Date.now(), fields: copy })); } catch (e) { /* full or private */ }
  }

  function forgetLocally() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
  }

  function offerRestore() {
    var raw;
    try { raw = localStorage.getItem(storeKey); } catch (e) { return; }
    if (!raw) return;
    var saved = JSON.parse(raw);
    var differs = fields().some(function (el) {
      return saved.fields[el.name] !== undefined && saved.fields[el.name] !== el.value;
    });
    if (!differs) { forgetLocally(); return; }
    var bar = document.createElement("p");
    bar.className = "message";
    var when = new Date(saved.at).toLocaleString(document.documentElement.lang || "zh-CN");
    bar.textContent = fill(msg.msgLocal, { time: when });
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button small";
    restore.textContent = msg.msgRestore;
    restore.addEventListener("click", function () {
      fields().forEach(function (el) {
        if (saved.fields[el.name] !== undefined) el.value = saved.fields[el.name];
      });
      bar.remove();
      schedule();
    });
    bar.appendChild(restore);
    form.insertBefore(bar, form.firstChild);
  }

  function save() {
    if (saving) { schedule(); return; }
    saving = true;
    dirty = false;
    say(msg.msgSaving);
    var body = new FormData(form);
    fetch(url, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || response.status === 403) {
          say(msg.msgExpired, true);
          return null;
        }
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        if (!result) return;
        var data = result.data;
        if (data.versions) {
          Object.keys(data.versions).forEach(function (key) {
            var input = form.elements[key + "-version"];
            if (input && data.conflicts.indexOf(key) === -1) input.value = data.versions[key];
          });
        }
        if (data.error) { say(data.error, true); return; }
        if (data.conflicts && data.conflicts.length) {
          say(fill(msg.msgConflicts, { count: data.conflicts.length }), true);
          return;
        }
        var errors = Object.keys(data.errors || {});
        if (errors.length) { say(data.errors[errors[0]], true); return; }
        if (!dirty) forgetLocally();
        say(fill(msg.msgSaved, { time: data.saved_at }));
      })
      .catch(function () { say(msg.msgOffline, true); })
      .then(function () { saving = false; if (dirty) schedule(); });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  }

  form.addEventListener("input", function () { dirty = true; keepLocally(); schedule(); });
  form.addEventListener("submit", function () { clearTimeout(timer); });
  window.addEventListener("online", function () { if (dirty) save(); });
  offerRestore();
})();
