// Help with the app's forms, added on top of pages that work without it (the CSP allows no inline script).
//  - The error summary (templates/_error_summary.html) takes focus when the page loads, and each of its links
//    moves the focus to the field it names.
//  - Every row of a radio table (templates/_radio_table.html) gets a "Clear" button that leaves the item
//    unanswered. Without JavaScript there is no such button: a chosen answer can still be changed, and an
//    answer chosen by mistake is removed by reloading the form or by correcting the record afterwards.
//  - A field marked data-required-unless-field is aria-required while the control it names holds a value
//    other than data-required-unless-value (an allocation's reason, when the grouping is not the suggestion).
(function () {
  "use strict";

  function showErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      var group = field.closest("fieldset, tr, .mb-3") || field;
      group.scrollIntoView({ block: "center" });
      field.focus({ preventScroll: true });
    });
  }

  function addClearButtons() {
    document.querySelectorAll("table[data-clearable]").forEach(function (table) {
      var status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("aria-live", "polite");
      table.after(status);
      var heading = document.createElement("th");
      heading.scope = "col";
      heading.innerHTML = '<span class="visually-hidden">Clear the answer</span>';
      table.tHead.rows[0].appendChild(heading);
      table.querySelectorAll("tbody tr[data-clear-name]").forEach(function (row) {
        var name = row.getAttribute("data-clear-name");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link btn-sm py-0";
        button.textContent = "Clear";
        button.setAttribute("aria-label", "Clear answer to " + name);
        button.addEventListener("click", function () {
          row.querySelectorAll("input[type=radio]").forEach(function (radio) {
            radio.checked = false;
          });
          status.textContent = "Answer to " + name + " cleared: not answered.";
        });
        var cell = document.createElement("td");
        cell.className = "text-center";
        cell.appendChild(button);
        row.appendChild(cell);
      });
    });
  }

  function markConditionallyRequired() {
    document.querySelectorAll("[data-required-unless-field]").forEach(function (field) {
      var control = document.getElementById(field.getAttribute("data-required-unless-field"));
      if (!control) {
        return;
      }
      var update = function () {
        var required = control.value !== "" && control.value !== field.getAttribute("data-required-unless-value");
        field.setAttribute("aria-required", required ? "true" : "false");
      };
      control.addEventListener("change", update);
      update();
    });
  }

  function start() {
    addClearButtons();
    markConditionallyRequired();
    showErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
