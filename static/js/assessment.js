/* The assessment page: a unit's details are folded; a link to one (from the ranking, or back
   after the office set a final score) opens it. */
(function () {
  "use strict";
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var folded = target && target.closest("details");
    if (!folded) return;
    folded.open = true;
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
