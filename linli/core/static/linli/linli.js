// Large-text toggle (WCAG 1.4.4). The choice is kept in a cookie that the server reads, so the page
// arrives already in the right size (no flash); this script only flips the class and the cookie.
// A table that is wider than the screen scrolls inside its .table-wrap (or itself, on phones): that box is made focusable, so a
// keyboard can scroll it too (WCAG 2.1.1), and named after the table's caption or the heading above it.
(function () {
  var COOKIE = "linli_text";

  function heading(el) {
    for (var n = el.previousElementSibling; n; n = n.previousElementSibling) {
      if (/^H[1-6]$/.test(n.tagName)) { return n.textContent.trim(); }
    }
    return el.parentElement && el.parentElement !== document.body ? heading(el.parentElement) : "";
  }

  function scrollableTables() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-wrap, table"), function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth || wrap.hasAttribute("tabindex")) { return; }
      var caption = wrap.querySelector("caption"), name = caption ? caption.textContent.trim() : heading(wrap);
      wrap.setAttribute("tabindex", "0");
      if (name) { wrap.setAttribute("role", "region"); wrap.setAttribute("aria-label", name); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
    var button = document.getElementById("large-text-toggle");
    if (!button) return;
    var root = document.documentElement;
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      document.cookie = COOKIE + "=" + (on ? "large" : "normal") + ";path=/;max-age=31536000;SameSite=Lax";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      scrollableTables();
    });
  });
})();
