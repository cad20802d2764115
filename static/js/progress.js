// Follows a background job (an assessment compile, a month's compilation): polls its status
// every second and fills the page's marked elements: data-job="bar|percent|status|stage|error",
// each link data-job-link="<key of the state holding its address>", and data-job="result",
// shown once a link has its address. Served by the portal itself (no CDN).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-status]");
  if (!box || box.dataset.done === "1") return;
  var url = box.dataset.jobStatus;
  function part(name) { return box.querySelector('[data-job="' + name + '"]'); }
  function text(name, value) { var el = part(name); if (el) el.textContent = value; }
  function show(state) {
    var bar = part("bar");
    if (bar) bar.value = state.progress;
    text("percent", state.progress);
    text("status", state.status_label);
    text("stage", state.stage || "");
    var error = part("error");
    if (error) { error.textContent = state.error || ""; error.hidden = !state.error; }
    var ready = false;
    box.querySelectorAll("[data-job-link]").forEach(function (link) {
      var address = state[link.dataset.jobLink];
      if (address) { link.href = address; ready = true; }
    });
    var result = part("result");
    if (result && ready) result.hidden = false;
  }
  function poll() {
    fetch(url, { headers: { "x-requested-with": "fetch" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        show(state);
        if (!state.done) window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
