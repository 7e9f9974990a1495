/*
 * Wattelt: the printable plan. The page works without this file (the browser's own Print menu
 * does the same); it only shows a Print button that opens the print window.
 */
(function () {
  "use strict";

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (button) {
      if (typeof window.print !== "function") {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
