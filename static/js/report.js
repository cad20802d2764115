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

  // The save under way, if any (a promise of whether the server took everything), and how the
  // last one ended.
  var inflight = null;
  var lastOk = true;

  function save() {
    if (inflight) { schedule(); return inflight; }
    dirty = false;
    say(msg.msgSaving);
    var body = new FormData(form);
    inflight = fetch(url, { method: "POST", body: body, headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected || response.status === 403) {
          say(msg.msgExpired, true);
          return null;
        }
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      })
      .then(function (result) {
        if (!result) return false;
        var data = result.data;
        if (data.versions) {
          Object.keys(data.versions).forEach(function (key) {
            var input = form.elements[key + "-version"];
            if (input && data.conflicts.indexOf(key) === -1) input.value = data.versions[key];
          });
        }
        if (data.error) { say(data.error, true); return false; }
        if (data.conflicts && data.conflicts.length) {
          say(fill(msg.msgConflicts, { count: data.conflicts.length }), true);
          return false;
        }
        var errors = Object.keys(data.errors || {});
        if (errors.length) { say(data.errors[errors[0]], true); return false; }
        if (!dirty) forgetLocally();
        say(fill(msg.msgSaved, { time: data.saved_at }));
        return true;
      })
      .catch(function () { say(msg.msgOffline, true); return false; })
      .then(function (ok) {
        inflight = null;
        lastOk = ok;
        if (dirty) schedule();
        return ok;
      });
    return inflight;
  }

  // Everything typed so far, saved now: waits for a save under way, then saves what came after
  // it (or retries one that failed). Resolves to whether the server has it all.
  function flush() {
    clearTimeout(timer);
    return (inflight || Promise.resolve(lastOk)).then(function (ok) {
      clearTimeout(timer);
      if (dirty || !ok) return save();
      return true;
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(save, 2000);
  }

  // Uploading or deleting evidence reloads the page: the draft is saved first, so nothing typed
  // is lost; if the server refuses the draft (someone else's change, an expired login) the
  // file waits, with the form's own word why (data-save-first) beside the button.
  function hold(form, button, text) {
    var place = button && button.closest(".evidence");
    if (!place) { say(text, true); return; }
    var note = place.querySelector(".upload-held");
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error upload-held";
      note.setAttribute("role", "alert");
      place.appendChild(note);
    }
    note.textContent = text;
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-save-first]"), function (other) {
    other.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter;
      if (button) button.disabled = true;
      say(msg.msgSavingFirst);
      flush().then(function (ok) {
        if (ok) { HTMLFormElement.prototype.submit.call(other); return; }
        if (button) button.disabled = false;
        hold(other, button, other.dataset.saveFirst + (status ? status.textContent : ""));
      });
    });
  });

  // A refused submission marks the fields that blocked it: the first is brought into view.
  var blocked = form.querySelector("[aria-invalid='true']");
  if (blocked) {
    blocked.scrollIntoView({ block: "center" });
    blocked.focus({ preventScroll: true });
  }

  form.addEventListener("input", function () { dirty = true; keepLocally(); schedule(); });
  form.addEventListener("submit", function () { clearTimeout(timer); });
  window.addEventListener("online", function () { if (dirty) save(); });
  offerRestore();
})();
