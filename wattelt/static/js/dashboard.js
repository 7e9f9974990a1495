/*
 * Wattelt figures: draw every chart whose figure JSON sits in a <script type="application/json">
 * data block (no inline scripts: the CSP allows scripts from our own origin only). Without
 * JavaScript or plotly.js the tables beside the charts carry the same numbers.
 */
(function () {
  "use strict";

  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    var charts = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(charts, function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var figure;
      try {
        figure = JSON.parse(source.textContent);
      } catch (e) {
        return;
      }
      window.Plotly.newPlot(element, figure.data, figure.layout, {
        displayModeBar: false,
        responsive: true,
        scrollZoom: false,
        doubleClick: false
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
