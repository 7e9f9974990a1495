"""Putting a figure on a page without an inline script.

The figure's JSON goes into ``<script type="application/json">``: a data block the browser never
executes, so the Content-Security-Policy (``script-src 'self'``) allows it. Our own
``static/js/report.js`` reads it and draws the chart with the locally served plotly.js.
"""

from __future__ import annotations

import plotly.graph_objects as go
from markupsafe import Markup

# As Flask's htmlsafe JSON: nothing in the data can close the <script> element or start markup.
_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def figure_json(figure: go.Figure) -> Markup:
    """The figure as JSON that is safe inside a ``<script type="application/json">`` element."""
    return Markup(figure.to_json(validate=False).translate(_ESCAPES))
