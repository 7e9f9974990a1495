"""The report's figures and sentences, built from known scores: the right traces and values.

Figures are pure (no app); the sentences are checked in both languages."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest
from flask_babel import force_locale

from wattelt.reports import figures, summaries
from wattelt.reports.render import figure_json

DOMAINS = [("money", "Money"), ("housing", "Housing"), ("friends", "Friends")]
LABELS = {"resident": "Resident", "coach": "Coach", "network": "Network"}


def _rounds(count: int) -> list[str]:
    return [f"T{n}" for n in range(count)]


def _radar(scores, rounds=None, shown=("resident",)):
    count = len(next(iter(scores.values())))
    return figures.radar(
        DOMAINS,
        rounds or _rounds(count),
        scores,
        scale=(1, 5),
        perspective_labels=LABELS,
        shown=shown,
    )


def test_radar_has_one_closed_line_per_round_oldest_first():
    scores = {
        "resident": [
            {"money": 2, "housing": 3, "friends": 4},
            {"money": 4, "housing": 3, "friends": 5},
        ]
    }
    figure = _radar(scores)
    assert [t.type for t in figure.data] == ["scatterpolar", "scatterpolar"]
    assert [t.name for t in figure.data] == ["T0", "T1"]
    # The web is closed: the first domain comes again at the end.
    assert list(figure.data[0].r) == [2, 3, 4, 2]
    assert list(figure.data[1].r) == [4, 3, 5, 4]
    assert list(figure.data[1].theta) == ["Money", "Housing", "Friends", "Money"]
    latest, earlier = figure.data[1], figure.data[0]
    assert latest.line.width > earlier.line.width
    assert latest.fill == "toself" and earlier.fill == "none"
    assert all(t.meta["perspective"] == "resident" and t.visible is True for t in figure.data)
    assert figure.layout.polar.radialaxis.range == (0, 5)
    assert list(figure.layout.polar.radialaxis.tickvals) == [1, 2, 3, 4, 5]


def test_radar_shows_gaps_for_missing_answers_and_domains_added_later():
    scores = {
        "resident": [
            {"money": 2, "housing": None, "friends": None},  # "don't know"; not asked yet
            {"money": 3, "housing": 4, "friends": 2},
        ]
    }
    first, latest = _radar(scores).data
    assert list(first.r) == [2, None, None, 2]  # a gap, never a zero
    assert first.connectgaps is False
    assert latest.fill == "toself"
    gappy = _radar({"resident": [{"money": 3, "housing": None, "friends": 4}]}).data[0]
    assert gappy.fill == "none"  # a fill across a gap would draw odd wedges


def test_radar_of_a_single_measurement_has_one_line():
    figure = _radar({"resident": [{"money": 1, "housing": 2, "friends": 3}]})
    assert len(figure.data) == 1
    assert figure.data[0].name == "T0" and figure.data[0].fill == "toself"


def test_radar_of_ten_rounds_shows_the_latest_the_baseline_and_the_two_before_the_latest():
    scores = {"resident": [{"money": n % 5 + 1, "housing": 3, "friends": 3} for n in range(10)]}
    figure = _radar(scores)
    assert [t.name for t in figure.data] == ["T0", "T7", "T8", "T9"]
    assert [t.r[0] for t in figure.data] == [1, 3, 4, 5]
    assert figures.radar_rounds(1) == [0]
    assert figures.radar_rounds(4) == [0, 1, 2, 3]
    assert figures.radar_rounds(5) == [0, 2, 3, 4]


def test_radar_perspectives_have_their_own_line_style_and_start_hidden_unless_shown():
    round_ = {"money": 3, "housing": 3, "friends": 3}
    figure = _radar(
        {"resident": [round_], "coach": [round_], "network": [{"money": None}]},
        shown=("resident",),
    )
    # The network view has no number at all: no empty line for it.
    assert [t.meta["perspective"] for t in figure.data] == ["resident", "coach"]
    assert [t.visible for t in figure.data] == [True, False]
    assert [t.line.dash for t in figure.data] == ["solid", "dash"]
    assert [t.name for t in figure.data] == ["T0 · Resident", "T0 · Coach"]


def test_long_domain_titles_are_broken_over_lines():
    assert figures.wrap("Work, school or day activity") == "Work, school<br>or day<br>activity"
    assert figures.wrap("Money") == "Money"


def test_line_over_rounds_has_one_line_per_perspective_with_gaps():
    figure = figures.line_over_rounds(
        _rounds(4),
        {"resident": [2, None, 3, 4], "coach": [3, 3, 3, 3], "network": [None] * 4},
        scale=(1, 5),
        perspective_labels=LABELS,
        shown=("resident",),
    )
    assert [t.meta["perspective"] for t in figure.data] == ["resident", "coach"]
    resident, coach = figure.data
    assert list(resident.x) == ["T0", "T1", "T2", "T3"]
    assert list(resident.y) == [2, None, 3, 4]
    assert resident.connectgaps is False and resident.mode == "lines+markers"
    assert (resident.visible, coach.visible) == (True, False)
    assert list(figure.layout.yaxis.tickvals) == [1, 2, 3, 4, 5]
    assert figure.layout.xaxis.type == "category"


def test_the_grade_line_uses_the_grade_scale():
    figure = figures.line_over_rounds(
        _rounds(10),
        {"resident": [5, 5, 6, 6, 7, 7, 7, 8, 8, 8]},
        scale=(1, 10),
        perspective_labels=LABELS,
        shown=("resident",),
    )
    assert list(figure.data[0].y)[-1] == 8 and len(figure.data[0].x) == 10
    assert list(figure.layout.yaxis.tickvals) == [1, 4, 7, 10]
    assert figure.layout.yaxis.range == (0.6, 10.4)


@pytest.mark.parametrize(
    "spec",
    [
        lambda: figures.radar_spec(
            DOMAINS,
            _rounds(5),
            {
                "resident": [{"money": n % 5 + 1, "housing": None, "friends": 3} for n in range(5)],
                "coach": [{"money": 2, "housing": 2, "friends": 2}] * 5,
                "network": [{"money": None, "housing": None, "friends": None}] * 5,
            },
            scale=(1, 5),
            perspective_labels=LABELS,
            shown=("resident", "coach"),
        ),
        lambda: figures.radar_spec(
            DOMAINS,
            ["T0"],
            {"resident": [{"money": 1, "housing": 2, "friends": 3}]},
            scale=(1, 5),
            perspective_labels=LABELS,
            shown=("resident",),
        ),
        lambda: figures.line_spec(
            _rounds(4),
            {"resident": [2, None, 3, 4], "coach": [3, 3, 3, 3], "network": [None] * 4},
            scale=(1, 5),
            perspective_labels=LABELS,
            shown=("coach",),
        ),
        lambda: figures.line_spec(
            _rounds(3),
            {"resident": [5, 7, 8]},
            scale=(1, 10),
            perspective_labels=LABELS,
            shown=("resident",),
            height=260,
        ),
    ],
)
def test_the_page_draws_exactly_what_plotly_validates(spec):
    # The report puts the plain specs on the page without building a go.Figure (it is slow);
    # Plotly's validation must find nothing to reject or to change in them.
    on_page = json.loads(str(figure_json(spec())))
    validated = json.loads(figure_json(go.Figure(spec())))
    assert on_page == validated


def test_figure_json_cannot_close_its_script_element():
    figure = figures.line_over_rounds(
        ["</script><script>alert(1)</script>"],
        {"resident": [3]},
        scale=(1, 5),
        perspective_labels=LABELS,
        shown=("resident",),
    )
    text = str(figure_json(figure))
    assert "</script>" not in text and "<" not in text
    assert json.loads(text)["data"][0]["x"] == ["</script><script>alert(1)</script>"]


# --- sentences ----------------------------------------------------------------------------------


@pytest.fixture
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


@pytest.fixture
def dutch(app):
    with app.test_request_context(), force_locale("nl"):
        yield


def test_domain_sentences(english):
    assert summaries.domain_sentence("Money", [2, 3, 4], 1) == "Money went up from 2 to 4."
    assert summaries.domain_sentence("Money", [4, None, 2], 1) == "Money went down from 4 to 2."
    assert summaries.domain_sentence("Friends", [3, 2, 3], 1) == "Friends stayed the same."
    # The first answer with a number counts: "don't know" in T0 hides no later change.
    assert summaries.domain_sentence("Money", [None, 2, 4], 1) == "Money went up from 2 to 4."
    assert summaries.domain_sentence("Money", [3, 4], 2) == (
        "Money stayed about the same: 3 and now 4."
    )
    assert summaries.domain_sentence("Money", [3], 1) == "Money: 3. This is the first measurement."
    assert summaries.domain_sentence("Money", [None, 3], 1) == (
        "Money: 3. There is only one answer so far."
    )
    assert summaries.domain_sentence("Money", [None, None], 1) == "Money: no answer yet."


def test_grade_sentences(english):
    assert summaries.grade_sentence([5, 6, 7]) == "The grade went up from 5 to 7."
    assert summaries.grade_sentence([7, 6]) == "The grade went down from 7 to 6."
    assert summaries.grade_sentence([6, None, 6]) == "The grade stayed 6."
    assert summaries.grade_sentence([None, 6]) == "The grade is 6."
    assert summaries.grade_sentence([None]) == "There is no grade yet."


def test_overview_names_what_changed_and_counts_the_rest(english):
    domains = [
        ("Money", [2, 3, 4]),
        ("Friends", [3, 3, 3]),
        ("Housing", [4, 4, 3]),
        ("Family", [3, 4, 3]),
    ]
    assert summaries.overview_sentences(domains, 3, 1) == [
        "Money went up from 2 to 4.",
        "Housing went down from 4 to 3.",
        "The other 2 life domains stayed the same.",
    ]
    with_gap = [*domains, ("Work", [None, None, 3])]
    assert summaries.overview_sentences(with_gap, 3, 1)[-2:] == [
        "2 life domains stayed the same.",
        "1 life domain does not have two answers to compare yet.",
    ]
    assert summaries.overview_sentences([("Money", [3, 3])], 2, 1) == [
        "The life domain stayed the same."
    ]
    assert summaries.overview_sentences(domains[:1], 1, 1) == [
        "This is the first measurement. Next time you can see what changed."
    ]


def test_sentences_in_dutch(dutch):
    assert summaries.domain_sentence("Geld", [2, 4], 1) == "Bij Geld ging het omhoog van 2 naar 4."
    assert summaries.domain_sentence("Wonen", [4, 3], 1) == (
        "Bij Wonen ging het omlaag van 4 naar 3."
    )
    assert summaries.domain_sentence("Vrienden", [3, 3], 1) == "Bij Vrienden bleef het hetzelfde."
    assert summaries.grade_sentence([5, 7]) == "Het rapportcijfer ging omhoog van 5 naar 7."
    assert summaries.overview_sentences([("Geld", [2, 4]), ("Wonen", [3, 3])], 2, 1) == [
        "Bij Geld ging het omhoog van 2 naar 4.",
        "Het andere leefgebied bleef hetzelfde.",
    ]
    assert summaries.overview_sentences([("Geld", [2])], 1, 1) == [
        "Dit is de eerste meting. De volgende keer zie je wat er veranderde."
    ]
