"""Plotly figures of the anonymous outcome figures: pure functions from published figures to a
``plotly.graph_objects.Figure``, without Flask. Texts come in as arguments (already translated).

Suppressed values are left out of a chart; the table beside every chart says "fewer than k".
Colours have at least 3:1 contrast on white, and no chart relies on colour alone: every bar
series is also named in the legend and in the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from wattelt.outcomes.results import Comparison, ItemFigures, Wish

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
TEXT = "#1f2a30"
GRID = "#ddd5c8"
ACCENT = "#0b6466"
IMPROVED, SAME, DECLINED = "#1e6b34", "#6b747b", "#a4231c"
# For groups side by side and answer values: distinguishable, each >= 3:1 on white.
SERIES = ["#0b6466", "#1b3f91", "#a4231c", "#7a4a00", "#6b3fa0", "#1e6b34", "#515b63"]
SCALE = ["#a4231c", "#c2571a", "#8a6d00", "#4b7d2f", "#1e6b34"]


def _layout(figure: go.Figure, rows: int, x_title: str, **extra) -> go.Figure:
    figure.update_layout(
        font={"family": FONT, "size": 14, "color": TEXT},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="#ffffff",
        height=max(220, 90 + 30 * rows),
        margin={"l": 10, "r": 20, "t": 10, "b": 50},
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
        xaxis={"title": {"text": x_title}, "gridcolor": GRID, "zerolinecolor": TEXT},
        yaxis={"automargin": True, "autorange": "reversed"},
        hoverlabel={"font": {"family": FONT}},
        **extra,
    )
    return figure


def _shown(items: Sequence[ItemFigures]) -> list[ItemFigures]:
    return [item for item in items if not item.suppressed]


def change_figure(items: Sequence[ItemFigures], x_title: str) -> go.Figure:
    """Mean change (latest minus first) per life domain, with its 95% confidence interval."""
    shown = [i for i in _shown(items) if i.change_mean is not None]
    figure = go.Figure(
        go.Bar(
            x=[i.change_mean for i in shown],
            y=[i.title for i in shown],
            orientation="h",
            marker={"color": [IMPROVED if (i.change_mean or 0) >= 0 else DECLINED for i in shown]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(i.change_ci_high or 0) - (i.change_mean or 0) for i in shown],
                "arrayminus": [(i.change_mean or 0) - (i.change_ci_low or 0) for i in shown],
                "color": TEXT,
                "thickness": 1.5,
            },
            hovertemplate="%{y}: %{x:.2f}<extra></extra>",
        )
    )
    return _layout(figure, len(shown), x_title, showlegend=False)


def shares_figure(
    items: Sequence[ItemFigures], names: Mapping[str, str], x_title: str
) -> go.Figure:
    """Share improved / same / declined per life domain, stacked to 100%."""
    shown = _shown(items)
    figure = go.Figure()
    for field, colour in (("improved", IMPROVED), ("same", SAME), ("declined", DECLINED)):
        figure.add_bar(
            name=names[field],
            x=[round(100 * (getattr(i, field) or 0), 1) for i in shown],
            y=[i.title for i in shown],
            orientation="h",
            marker={"color": colour},
            hovertemplate="%{y}: %{x:.0f}%<extra>" + names[field] + "</extra>",
        )
    return _layout(figure, len(shown), x_title, barmode="stack", xaxis_range=[0, 100])


def distribution_figure(
    items: Sequence[ItemFigures], value_names: Mapping[int, str], x_title: str
) -> go.Figure:
    """The answers at the first measurement per life domain (1-5), stacked to 100%."""
    shown = [i for i in _shown(items) if i.kind == "domain"]
    figure = go.Figure()
    values = sorted(value_names)
    for position, value in enumerate(values):
        figure.add_bar(
            name=value_names[value],
            x=[
                round(
                    100
                    * (
                        next((d.share for d in i.baseline_distribution if d.value == value), 0) or 0
                    ),
                    1,
                )
                for i in shown
            ],
            y=[i.title for i in shown],
            orientation="h",
            marker={"color": SCALE[position % len(SCALE)]},
            hovertemplate="%{y}: %{x:.0f}%<extra>" + value_names[value] + "</extra>",
        )
    return _layout(figure, len(shown), x_title, barmode="stack", xaxis_range=[0, 100])


def wishes_figure(wishes: Sequence[Wish], x_title: str) -> go.Figure:
    """Share of the residents measured who want to work on each life domain, most wanted first."""
    shown = [w for w in wishes if not w.suppressed and w.share]
    figure = go.Figure(
        go.Bar(
            x=[round(100 * (w.share or 0), 1) for w in shown],
            y=[w.title for w in shown],
            orientation="h",
            marker={"color": ACCENT},
            hovertemplate="%{y}: %{x:.0f}%<extra></extra>",
        )
    )
    return _layout(figure, len(shown), x_title, showlegend=False)


def compare_figure(comparison: Comparison, x_title: str) -> go.Figure:
    """Mean change per life domain for every group that can be shown, side by side."""
    groups = [g for g in comparison.groups if not g.residents.suppressed]
    titles = [i.title for i in comparison.total.items]
    figure = go.Figure()
    for position, group in enumerate(groups):
        figure.add_bar(
            name=group.name,
            x=[i.change_mean if not i.suppressed else None for i in group.items],
            y=titles,
            orientation="h",
            marker={"color": SERIES[position % len(SERIES)]},
            hovertemplate="%{y}: %{x:.2f}<extra>" + group.name + "</extra>",
        )
    rows = len(titles) * max(1, len(groups)) // 2 + len(titles)
    return _layout(figure, rows, x_title, barmode="group")
