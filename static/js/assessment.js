// Follows an assessment compile job: polls the job row's progress every second and shows the
// link to the result when it is done. Served by the portal itself (no CDN).
(function () {
  "use strict";
  var box = document.querySelector(".run-progress");
  if (!box || box.dataset.done === "1") return;
  var url = box.dataset.statusUrl;
  function show(state) {
    document.getElementById("run-bar").value = state.progress;
    document.getElementById("run-percent").textContent = state.progress;
    document.getElementById("run-status").textContent = state.status_label;
    document.getElementById("run-stage").textContent = state.stage;
    var error = document.getElementById("run-error");
    error.textContent = state.error;
    error.hidden = !state.error;
    if (state.url) {
      document.getElementById("run-open").href = state.url;
      document.getElementById("run-result").hidden = false;
    }
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
