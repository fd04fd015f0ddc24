// The Print button of pages with a paper copy: shown only when this script runs (the page's CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
  for (const hint of document.querySelectorAll("[data-print-hint]")) {
    hint.hidden = true;
  }
});
