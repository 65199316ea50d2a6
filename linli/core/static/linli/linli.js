// Large-text toggle (WCAG 1.4.4). The choice is kept in a cookie that the server reads, so the page
// arrives already in the right size (no flash); this script only flips the class and the cookie.
(function () {
  var COOKIE = "linli_text";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("large-text-toggle");
    if (!button) return;
    var root = document.documentElement;
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-text");
      document.cookie = COOKIE + "=" + (on ? "large" : "normal") + ";path=/;max-age=31536000;SameSite=Lax";
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
})();
