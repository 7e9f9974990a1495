"""Putting a figure on a page without an inline script.

The figure's JSON goes into ``<script type="application/json">``: a data block the browser never
executes, so the Content-Security-Policy (``script-src 'self'``) allows it. Our own
``static/js/report.js`` reads it and draws the chart with the locally served plotly.js.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import plotly.graph_objects as go
from markupsafe import Markup

# As Flask's htmlsafe JSON: nothing in the data can close the <script> element or start markup.
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def figure_json(figure: go.Figure | Mapping) -> Markup:
    """The figure (or a figure's plain dictionary, as from ``figures.radar_spec``) as JSON that is
    safe inside a ``<script type="application/json">`` element."""
    if isinstance(figure, go.Figure):
        text = figure.to_json(validate=False)
    else:
        text = json.dumps(figure, separators=(",", ":"))
    return Markup(text.translate(_ESCAPES))
