// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
    var fallback = button.parentElement && button.parentElement.querySelector("[data-print-fallback]");
    if (fallback) { fallback.hidden = true; }
  });
});
