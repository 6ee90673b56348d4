// The DataTables preview under the portal's Content-Security-Policy and
// WCAG 2.1 AA (angiang_datastore).
(function () {
  // ckanext-datatablesview calls `setTimeout(initFilterObserver(), 100)`,
  // handing setTimeout a value that is not a function, which the browser
  // would evaluate as a string of JavaScript (refused by the policy, no
  // 'unsafe-eval'). Such a call does nothing here, as it did nothing there.
  var nativeSetTimeout = window.setTimeout;
  window.setTimeout = function (handler) {
    if (typeof handler !== "function") {
      return 0;
    }
    return nativeSetTimeout.apply(window, arguments);
  };

  // the "Refit" button without an inline onclick (refused by the policy)
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-angiang-refit]");
    if (button && typeof window.fitColText === "function") {
      event.preventDefault();
      window.fitColText();
    }
  });

  // names for what DataTables draws without one: each column's filter field
  // is named after its column (WCAG 4.1.2, 1.3.1), the frame scrollResize
  // uses to watch the size is hidden from assistive technology
  var label = (document.documentElement.lang || "vi").indexOf("vi") === 0
    ? "Lọc cột " : "Filter column ";
  function name() {
    var heads = document.querySelectorAll("table.dataTable thead tr:first-child th");
    document.querySelectorAll("input.fhead:not([aria-label])").forEach(function (input) {
      var cell = input.closest("th, td");
      var index = cell ? Array.prototype.indexOf.call(cell.parentNode.children, cell) : -1;
      var head = index >= 0 && heads[index] ? heads[index].textContent.trim() : "";
      input.setAttribute("aria-label", label + (head || input.name || ""));
    });
    // any other field DataTables adds without a label (its key capture)
    document.querySelectorAll("input:not([type=hidden]):not([aria-label])").forEach(function (input) {
      if (!input.labels || input.labels.length === 0) {
        input.setAttribute("aria-label", input.placeholder || label.trim());
      }
    });
    document.querySelectorAll("iframe:not([title])").forEach(function (frame) {
      frame.setAttribute("title", "DataTables");
      frame.setAttribute("aria-hidden", "true");
      frame.setAttribute("tabindex", "-1");
    });
  }
  new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", name);
})();
