"""Plotly figures of one resident's rounds: pure functions from scores to figures.

No Flask and no database: the caller passes the scores and every text already translated. A
missing value (skipped, "don't know", a domain that round did not ask) is None and shows as a
gap, never as a zero. Every trace carries ``meta.perspective``, so the page's script can switch
the perspectives on and off; traces of perspectives not in ``shown`` start invisible.

The figures are drawn as static pictures (``staticPlot`` in the page's script): the numbers are
in the table beside every chart, which is the accessible and precise version.

Each figure exists twice: ``*_spec`` gives the plain dictionary plotly.js draws, and the function
without the suffix wraps it in a ``go.Figure``. Building a ``go.Figure`` validates every property
and costs milliseconds per chart; a report has sixteen charts, so the page puts the specs on the
page as they are. The tests check that Plotly's validation leaves every spec unchanged.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping, Sequence
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

#: Per perspective its own line style, so the views differ in more than colour alone.
DASHES = {"resident": "solid", "coach": "dash", "network": "dot"}
#: Rounds on the spider web, latest first: colours with at least 3:1 contrast on white
#: (teal 6.9, dark blue 9.7, purple 7.3, brown 6.8) and a marker shape of their own.
ROUND_STYLES = [
    ("#0b6466", "circle"),
    ("#1b3f91", "square"),
    ("#6b3fa0", "diamond"),
    ("#7a4a00", "triangle-up"),
]
#: Lines over the rounds: one colour per perspective.
PERSPECTIVE_COLOURS = {"resident": "#0b6466", "coach": "#1b3f91", "network": "#7a4a00"}
LATEST_FILL = "rgba(11, 100, 102, 0.12)"
FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    '"Liberation Sans", sans-serif'
)
TEXT = "#1f2a30"
GRID = "#c9c1b5"
#: Earlier rounds on the spider web besides the latest one.
EARLIER_ROUNDS = 3

Scores = Mapping[str, Sequence[Mapping[str, int | None]]]  # perspective -> per round -> domain


def radar_rounds(count: int, earlier: int = EARLIER_ROUNDS) -> list[int]:
    """Which of ``count`` rounds the spider web shows, oldest first: the latest and at most
    ``earlier`` before it. With more, the baseline stays (it is what change is measured
    against) and the rounds just before the latest fill the other places."""
    if count <= earlier + 1:
        return list(range(count))
    return [0, *range(count - earlier, count)]


def wrap(title: str, width: int = 14) -> str:
    """Break a long domain title over lines (Plotly's <br>), so the web fits a phone."""
    return "<br>".join(textwrap.wrap(title, width)) or title


def radar(
    domains: Sequence[tuple[str, str]],
    rounds: Sequence[str],
    scores: Scores,
    *,
    scale: tuple[int, int],
    perspective_labels: Mapping[str, str],
    shown: Collection[str],
) -> go.Figure:
    """The spider web as a figure (see :func:`radar_spec`)."""
    return go.Figure(
        radar_spec(
            domains, rounds, scores, scale=scale, perspective_labels=perspective_labels, shown=shown
        )
    )


def radar_spec(
    domains: Sequence[tuple[str, str]],
    rounds: Sequence[str],
    scores: Scores,
    *,
    scale: tuple[int, int],
    perspective_labels: Mapping[str, str],
    shown: Collection[str],
) -> dict:
    """The spider web: one axis per domain ``(key, title)``, one closed line per shown round and
    perspective. ``rounds`` are the legend names of all rounds (oldest first); ``scores`` has,
    per perspective, one mapping domain -> value per round."""
    traces = []
    keys = [key for key, _title in domains]
    theta = [wrap(title) for _key, title in domains]
    chosen = radar_rounds(len(rounds))
    several = sum(1 for p in scores if any(_has_values(r) for r in scores[p])) > 1
    for perspective, per_round in scores.items():
        # Oldest first, so the latest round is drawn on top and listed last.
        for order, index in enumerate(chosen):
            position = len(chosen) - 1 - order  # 0 for the latest round
            values = per_round[index]
            if not _has_values(values):
                continue
            colour, symbol = ROUND_STYLES[position]
            latest = position == 0
            r = [values.get(key) for key in keys]
            name = rounds[index]
            if several:
                name = f"{name} · {perspective_labels.get(perspective, perspective)}"
            traces.append(
                dict(
                    type="scatterpolar",
                    # Close the web by repeating the first domain at the end.
                    r=[*r, r[0]] if r else r,
                    theta=[*theta, theta[0]] if theta else theta,
                    mode="lines+markers",
                    name=name,
                    line={
                        "color": colour,
                        "width": 3 if latest else 2,
                        "dash": DASHES.get(perspective, "solid"),
                    },
                    marker={"symbol": symbol, "size": 9 if latest else 7, "color": colour},
                    # Filled only when whole: with a gap the fill would cut odd wedges.
                    fill="toself"
                    if latest and perspective == "resident" and None not in r
                    else "none",
                    fillcolor=LATEST_FILL,
                    connectgaps=False,
                    visible=perspective in shown,
                    meta={"perspective": perspective, "round": index},
                )
            )
    low, high = scale
    layout = _layout(height=620) | dict(
        polar={
            "radialaxis": {
                "range": [0, high],
                "tickvals": list(range(low, high + 1)),
                "angle": 90,
                "tickangle": 90,
                "gridcolor": GRID,
                "linecolor": GRID,
                "tickfont": {"size": 12},
            },
            "angularaxis": {
                "direction": "clockwise",
                "rotation": 90,
                "gridcolor": GRID,
                "linecolor": GRID,
                "tickfont": {"size": 12},
            },
            "bgcolor": "#ffffff",
        },
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.08, "yanchor": "top"},
        margin={"l": 70, "r": 70, "t": 56, "b": 30},
    )
    return {"data": traces, "layout": layout}


def line_over_rounds(
    rounds: Sequence[str],
    series: Mapping[str, Sequence[int | None]],
    *,
    scale: tuple[int, int],
    perspective_labels: Mapping[str, str],
    shown: Collection[str],
    height: int = 200,
) -> go.Figure:
    """One small chart as a figure (see :func:`line_spec`)."""
    return go.Figure(
        line_spec(
            rounds,
            series,
            scale=scale,
            perspective_labels=perspective_labels,
            shown=shown,
            height=height,
        )
    )


def line_spec(
    rounds: Sequence[str],
    series: Mapping[str, Sequence[int | None]],
    *,
    scale: tuple[int, int],
    perspective_labels: Mapping[str, str],
    shown: Collection[str],
    height: int = 200,
) -> dict:
    """One small chart: a value (a domain, or the overall grade) over all rounds, one line per
    perspective. ``rounds`` are the x-axis labels (T0, T1, ...); a None is a gap in the line,
    and a value between two gaps still shows as a dot."""
    traces = []
    for perspective, values in series.items():
        if all(value is None for value in values):
            continue
        colour = PERSPECTIVE_COLOURS.get(perspective, TEXT)
        traces.append(
            dict(
                type="scatter",
                x=list(rounds),
                y=list(values),
                mode="lines+markers",
                name=perspective_labels.get(perspective, perspective),
                line={"color": colour, "width": 3, "dash": DASHES.get(perspective, "solid")},
                marker={"size": 9, "color": colour},
                connectgaps=False,
                visible=perspective in shown,
                meta={"perspective": perspective},
            )
        )
    low, high = scale
    step = 1 if high - low <= 5 else 3
    layout = _layout(height=height) | dict(
        showlegend=False,
        margin={"l": 36, "r": 12, "t": 10, "b": 34},
        xaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(rounds),
            "showgrid": False,
            "linecolor": GRID,
            "fixedrange": True,
        },
        yaxis={
            "range": [low - 0.4, high + 0.4],
            "tickvals": list(range(low, high + 1, step)),
            "gridcolor": GRID,
            "zeroline": False,
            "fixedrange": True,
        },
    )
    return {"data": traces, "layout": layout}


def _has_values(values: Mapping[str, int | None]) -> bool:
    return any(value is not None for value in values.values())


@cache
def _empty_template() -> dict:
    # What Plotly makes of the template name "none"; plotly.js itself knows no names.
    return pio.templates["none"].to_plotly_json()


def _layout(height: int) -> dict:
    return {
        # The empty template keeps every figure small and independent of Plotly's defaults.
        "template": _empty_template(),
        "height": height,
        "autosize": True,
        "font": {"family": FONT, "size": 14, "color": TEXT},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
    }
