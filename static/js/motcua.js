/* Progressive enhancement only: every control works without this file. */
(function () {
  "use strict";
  var SIZES = ["small", "normal", "large"];
  // Text size: apply at once and remember in the cookie the server reads, without reloading the page.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-font-size")) return;
    var button = event.submitter;
    if (!button || SIZES.indexOf(button.value) < 0) return;
    event.preventDefault();
    var size = button.value;
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = "motcua_font=" + size + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
    var root = document.documentElement;
    SIZES.forEach(function (s) { root.classList.remove("font-" + s); });
    root.classList.add("font-" + size);
    form.querySelectorAll("button[name=size]").forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
  });
})();
