"""Scores of one measurement and the comparison of perspectives (pure functions)."""

from __future__ import annotations

import pytest

from wattelt.scoring.measurement import Rating, compare_perspectives, score_measurement

DOMAINS = ["money", "housing", "friends", "health"]


def test_scores_leave_special_and_skipped_answers_out_of_the_mean():
    ratings = [
        Rating("money", 2),
        Rating("housing", None, "dont_know"),
        Rating("friends", None, "rather_not"),
        # health was skipped
        Rating("overall", 6),
    ]
    scores = score_measurement(ratings, DOMAINS)
    assert scores.domains == {"money": 2, "housing": None, "friends": None, "health": None}
    assert (scores.answered, scores.skipped, scores.dont_know, scores.rather_not) == (1, 1, 1, 1)
    assert scores.special == 2
    assert scores.mean == 2
    assert scores.grade == 6


def test_mean_of_numeric_domains_and_answers_outside_the_version_are_ignored():
    ratings = [Rating("money", 1), Rating("housing", 4), Rating("parenting", 5)]
    scores = score_measurement(ratings, ["money", "housing"])
    assert scores.mean == pytest.approx(2.5)
    assert "parenting" not in scores.domains
    assert scores.grade is None


def test_nothing_answered_has_no_mean():
    scores = score_measurement([], DOMAINS)
    assert scores.mean is None and scores.skipped == 4 and scores.answered == 0


def test_perspectives_differ_from_the_threshold_on():
    compared = compare_perspectives(
        {
            "resident": [Rating("money", 5), Rating("housing", 3), Rating("friends", 4)],
            "coach": [
                Rating("money", 2),
                Rating("housing", 2),
                Rating("friends", None, "dont_know"),
            ],
            "network": [Rating("money", 4)],
        },
        ["money", "housing", "friends"],
        threshold=2,
    )
    by_domain = {c.domain: c for c in compared}
    assert by_domain["money"].spread == 3 and by_domain["money"].differs
    assert by_domain["housing"].spread == 1 and not by_domain["housing"].differs
    # One numeric view only: nothing to compare.
    assert by_domain["friends"].spread is None and not by_domain["friends"].differs
    assert by_domain["money"].values == {"resident": 5, "coach": 2, "network": 4}


def test_threshold_below_one_is_refused():
    with pytest.raises(ValueError):
        compare_perspectives({}, DOMAINS, threshold=0)
