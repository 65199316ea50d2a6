// Large-text toggle (WCAG 1.4.4): remembered per browser.
(function () {
  var KEY = "linli-large-text";
  var root = document.documentElement;
  if (localStorage.getItem(KEY) === "1") root.classList.add("large-text");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("large-text-toggle");
    if (!button) return;
    button.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      localStorage.setItem(KEY, on ? "1" : "0");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
})();
