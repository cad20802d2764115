// Follows a 月度推进情况汇总表 job: polls its progress every second and shows the two download
// links when it is done. Served by the portal itself (no CDN).
(function () {
  "use strict";
  var box = document.querySelector(".compilation-progress");
  if (!box || box.dataset.done === "1") return;
  var url = box.dataset.statusUrl;
  function show(state) {
    document.getElementById("compilation-bar").value = state.progress;
    document.getElementById("compilation-percent").textContent = state.progress;
    document.getElementById("compilation-status").textContent = state.status_label;
    var error = document.getElementById("compilation-error");
    error.textContent = state.error;
    error.hidden = !state.error;
    if (state.xlsx) {
      document.getElementById("compilation-xlsx").href = state.xlsx;
      document.getElementById("compilation-docx").href = state.docx;
      document.getElementById("compilation-files").hidden = false;
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
