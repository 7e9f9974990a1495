/*
 * Wattelt: draws the report's charts and switches perspectives in place.
 *
 * Each chart's figure is a JSON data block (<script type="application/json">), which the
 * Content-Security-Policy allows because it is never executed; plotly.js comes from our own
 * static files. Without this script the page still works: the sentences and tables carry the
 * same numbers, and the perspective form reloads the page with the chosen views.
 */
(function () {
  "use strict";

  var doc = document;
  var charts = [];

  function each(selector, fn, root) {
    Array.prototype.forEach.call((root || doc).querySelectorAll(selector), fn);
  }

  function draw(element) {
    var source = doc.getElementById(element.getAttribute("data-chart"));
    if (!source || !window.Plotly) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var width = parseInt(element.getAttribute("data-width") || "", 10);
    if (width) {
      // The printable version: a fixed width that fits an A4 page.
      figure.layout.width = width;
      figure.layout.autosize = false;
    }
    fitNarrow(figure, width || element.clientWidth);
    element.textContent = "";
    element.classList.add("is-drawn");
    // Static pictures: no toolbar, no zooming or dragging; the tables hold the exact numbers.
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displayModeBar: false,
      displaylogo: false,
      showLink: false,
      staticPlot: true,
      responsive: !width
    });
    charts.push(element);
  }

  /* Break a label over lines of at most `width` characters (Plotly's <br>). */
  function rewrap(label, width) {
    var lines = [];
    var line = "";
    String(label).split("<br>").join(" ").split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines.join("<br>");
  }

  /* On a phone the spider web gets the whole width: shorter label lines, smaller margins. */
  function fitNarrow(figure, width) {
    var layout = figure.layout;
    if (!layout.polar || !width || width >= 520) {
      return;
    }
    figure.data.forEach(function (trace) {
      if (trace.theta) {
        trace.theta = trace.theta.map(function (label) {
          return rewrap(label, 10);
        });
      }
    });
    layout.margin = { l: 64, r: 64, t: 44, b: 16 };
    layout.height = Math.round(width + 120);
    layout.polar.angularaxis.tickfont = { size: 10 };
    layout.polar.radialaxis.tickfont = { size: 10 };
    layout.legend.y = -0.04;
  }

  function checkedPerspectives(form) {
    var shown = [];
    each("input[name=perspective]", function (box) {
      if (box.checked) {
        shown.push(box.value);
      }
    }, form);
    return shown;
  }

  function showPerspectives(shown) {
    charts.forEach(function (element) {
      var traces = element.data || [];
      if (!traces.length) {
        return;
      }
      var visible = traces.map(function (trace) {
        return shown.indexOf((trace.meta || {}).perspective) >= 0;
      });
      window.Plotly.restyle(element, { visible: visible });
    });
    each("[data-perspective]", function (node) {
      node.hidden = shown.indexOf(node.getAttribute("data-perspective")) < 0;
    });
    var query = shown.map(function (p) {
      return "perspective=" + encodeURIComponent(p);
    }).join("&");
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
    each("[data-print-link]", function (link) {
      link.setAttribute("href", window.location.pathname + "?print=1" + (query ? "&" + query : ""));
    });
  }

  function initPerspectives() {
    var form = doc.querySelector(".perspective-form");
    if (!form) {
      return;
    }
    each("[data-perspective-submit]", function (button) {
      button.hidden = true;
    }, form);
    form.addEventListener("change", function (event) {
      var shown = checkedPerspectives(form);
      if (!shown.length && event.target && event.target.name === "perspective") {
        // At least one view stays on: an empty report helps no one.
        event.target.checked = true;
        shown = [event.target.value];
      }
      showPerspectives(shown);
    });
  }

  function resizeAll() {
    charts.forEach(function (element) {
      if (!element.hasAttribute("data-width")) {
        window.Plotly.Plots.resize(element);
      }
    });
  }

  function initPrint() {
    each("[data-print-button]", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
    // Printing the normal page: fit the charts to the paper's width, and back afterwards.
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var listener = function () {
        resizeAll();
      };
      if (print.addEventListener) {
        print.addEventListener("change", listener);
      } else if (print.addListener) {
        print.addListener(listener);
      }
    }
    window.addEventListener("afterprint", resizeAll);
  }

  function init() {
    var parts = [
      function () {
        each("[data-chart]", draw);
      },
      initPerspectives,
      initPrint
    ];
    for (var i = 0; i < parts.length; i++) {
      try {
        parts[i]();
      } catch (e) {
        if (window.console && console.warn) {
          console.warn("wattelt report:", e);
        }
      }
    }
  }

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
