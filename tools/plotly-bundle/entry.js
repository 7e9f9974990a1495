'use strict';
// Only the trace types Wattelt draws: scatter (lines over the rounds; part of the core),
// scatterpolar (the spider web) and bar (for the anonymised dashboards). Everything else of
// plotly.js (maps, WebGL, 3D) stays out of the bundle.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/scatterpolar'), require('plotly.js/lib/bar')]);

module.exports = Plotly;
