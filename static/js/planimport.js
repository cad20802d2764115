// Plan import review: progressive enhancement only; the page works without it.
// Clicking a task shows its source line; a task or target marked for deletion is dimmed;
// the discard button asks first.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("review-form");
    if (!form) return;
    var source = document.querySelector(".source-lines");
    var current = null;
    function showLine(n) {
      var line = document.getElementById("L" + n);
      if (!line || !source) return;
      if (current) current.classList.remove("current");
      line.classList.add("current");
      current = line;
      source.scrollTop = line.offsetTop - source.offsetTop - source.clientHeight / 3;
    }
    form.addEventListener("focusin", function (event) {
      var task = event.target.closest("li.task[data-line]");
      if (task) showLine(task.getAttribute("data-line"));
    });
    form.addEventListener("click", function (event) {
      var ref = event.target.closest(".line-ref");
      if (ref && source && window.matchMedia("(min-width: 641px)").matches) {
        event.preventDefault();
        showLine(ref.getAttribute("href").slice(2));
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.type !== "checkbox" || !/_delete$/.test(event.target.name)) return;
      var item = event.target.closest(".target-edit") || event.target.closest("li.task");
      if (item) item.classList.toggle("is-deleted", event.target.checked);
    });
  });
})();
