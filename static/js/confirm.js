// A button with data-confirm asks before its form is sent: the one confirmation dialog of the
// portal, in a script file because the Content-Security-Policy blocks inline handlers.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
});
