"""The dashboard's charts as JSON for the page: our static script hands each to Plotly.newPlot.
No inline script: the figure travels in a ``<script type="application/json">`` data block."""

from __future__ import annotations

import json

from flask_babel import gettext as _

from wattelt.outcomes.results import Comparison, Figures
from wattelt.reports import dashboard_figures as charts


def _plain(figure) -> dict:
    return json.loads(figure.to_json())


def for_figures(result: Figures) -> dict[str, dict]:
    domains = [i for i in result.items if i.kind == "domain"]
    scale_names = {
        1: _("1 (very bad)"),
        2: "2",
        3: "3",
        4: "4",
        5: _("5 (very good)"),
    }
    return {
        "change": _plain(charts.change_figure(result.items, _("Mean change"))),
        "shares": _plain(
            charts.shares_figure(
                result.items,
                {"improved": _("Improved"), "same": _("Same"), "declined": _("Declined")},
                _("Share of residents (%)"),
            )
        ),
        "distribution": _plain(
            charts.distribution_figure(domains, scale_names, _("Share of residents (%)"))
        ),
        "wishes": _plain(charts.wishes_figure(result.wishes, _("Share of residents (%)"))),
    }


def for_comparison(comparison: Comparison) -> dict[str, dict]:
    return {"compare": _plain(charts.compare_figure(comparison, _("Mean change")))}
