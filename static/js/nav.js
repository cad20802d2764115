// On a phone the sections scroll sideways: bring the current one into view, moving the
// navigation's own scroll only (never the page's).
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.querySelector(".main-nav");
  const current = nav && nav.querySelector("[aria-current=page]");
  if (!current || nav.scrollWidth <= nav.clientWidth) return;
  nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
});
