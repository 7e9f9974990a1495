"""The total score across domains and reliable change of one resident, by worked examples.

Pure functions: no app, no database."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wattelt.scoring.reliability import cronbach_alpha, cronbach_alpha_from_variances
from wattelt.scoring.total import (
    ChangeReference,
    Sums,
    change_reference,
    change_reference_from_sums,
    min_items,
    paired_totals,
    reliable_change,
    total_score,
)

# Baselines of four residents on three domains (the worked example of test_scoring_stats):
#   resident  d1 d2 d3   sum   mean (= total)
#   A          2  3  3     8    8/3
#   B          4  4  5    13   13/3
#   C          3  4  4    11   11/3
#   D          5  5  4    14   14/3
# Cronbach's alpha = 6/7 (item variances 5/3, 2/3, 2/3; variance of the sums 7).
# SD1 of the totals (means) = sqrt(7) / 3, the SD of the sums divided by 3.
# S_diff = sqrt(2) * SD1 * sqrt(1 - r) = sqrt(2) * sqrt(7)/3 * sqrt(1/7) = sqrt(2) / 3 = 0.4714.
BASELINES = [[2, 3, 3], [4, 4, 5], [3, 4, 4], [5, 5, 4]]
S_DIFF = math.sqrt(2) / 3


def test_the_total_is_the_mean_of_the_answered_domains():
    assert total_score([2, 3, 4]) == 3
    # "Don't know" or skipped is left out, not counted as 0: the total stays on the 1-5 scale.
    assert total_score([2, None, 4]) == 3
    assert total_score([5, None, None, 4]) == 4.5  # two of four: exactly half is enough
    assert total_score([5, None, None, None]) is None  # one of four is too few
    assert total_score([None, None]) is None
    assert total_score([]) is None
    assert [min_items(k) for k in (1, 2, 3, 4, 13, 14)] == [1, 1, 2, 2, 7, 7]


def test_paired_totals_use_the_domains_answered_both_times():
    before = {"money": 2, "housing": 4, "friends": None, "work": 3}
    after = {"money": 4, "housing": 4, "friends": 5, "work": None, "new_domain": 1}
    # Only money and housing have a number both times: (2 + 4) / 2 -> (4 + 4) / 2.
    assert paired_totals(before, after, ["money", "housing", "friends", "work"]) == (3, 4)
    # A domain that only the later version asks changes nothing.
    assert paired_totals(before, after, ["money", "housing", "new_domain"]) == (3, 4)
    assert paired_totals(before, after, ["friends", "work", "money"]) is None  # 1 of 3 paired


def test_reference_worked_example():
    reference = change_reference(BASELINES, min_group=4)
    assert reference.alpha == pytest.approx(6 / 7, abs=1e-12)
    assert reference.sd1 == pytest.approx(math.sqrt(7) / 3, abs=1e-12)
    assert (reference.items, reference.n, reference.n_complete) == (3, 4, 4)
    assert reference.usable


def test_reliable_change_worked_example():
    reference = change_reference(BASELINES, min_group=4)
    # From 2, 2, 2 to 3, 3, 3: totals 2 -> 3, RC = 1 / (sqrt(2)/3) = 2.12 > 1.96.
    assert 1 / S_DIFF == pytest.approx(2.1213203, abs=1e-7)
    assert reliable_change(2, 3, reference) == "improved"
    assert reliable_change(3, 2, reference) == "declined"
    # From 2, 2, 2 to 3, 3, 2: totals 2 -> 8/3, RC = (2/3) / (sqrt(2)/3) = sqrt(2) = 1.41.
    assert reliable_change(2, 8 / 3, reference) == "same"
    # The boundary: a change of 1.96 * S_diff is not yet reliable (|RC| must exceed 1.96).
    assert reliable_change(2, 2 + 1.96 * S_DIFF * (1 - 1e-9), reference) == "same"
    assert reliable_change(2, 2 + 1.97 * S_DIFF, reference) == "improved"


def test_without_a_usable_reference_there_is_no_verdict():
    # The default minimum group is 10 baselines with every domain answered.
    assert change_reference(BASELINES).problem == "too_few"
    assert reliable_change(1, 5, change_reference(BASELINES)) is None
    # Rows with a gap count for SD1 but not for alpha.
    gappy = change_reference([*BASELINES, [1, None, 2]], min_group=5)
    assert (gappy.n, gappy.n_complete, gappy.problem) == (5, 4, "too_few")
    # Everyone the same at baseline: no spread, so no error estimate.
    flat = change_reference([[3, 3, 3]] * 12)
    assert flat.problem == "no_spread"
    # Domains that disagree give a negative alpha: the total is not one scale.
    contrary = change_reference([[1, 3], [2, 1], [3, 2]] * 4)
    assert contrary.alpha is not None and contrary.alpha < 0
    assert contrary.problem == "reliability"
    assert reliable_change(1, 3, contrary) is None
    assert ChangeReference(3, 0, 0, None, None).problem == "too_few"


def _sums(values) -> Sums:
    values = list(values)
    return Sums(len(values), sum(values), sum(v * v for v in values))


def test_reference_from_sql_style_sums_matches_the_rows():
    rows = [*BASELINES, [1, None, 2], [5, 5, None], [None, None, 1]]
    complete = [row for row in rows if None not in row]
    totals = [t for row in rows if (t := total_score(row)) is not None]
    from_sums = change_reference_from_sums(
        3,
        _sums(totals),
        [_sums(row[i] for row in complete) for i in range(3)],
        _sums(sum(row) for row in complete),
        min_group=4,
    )
    from_rows = change_reference(rows, min_group=4)
    assert from_sums.n == from_rows.n == 6
    assert from_sums.n_complete == from_rows.n_complete == 4
    assert from_sums.sd1 == pytest.approx(from_rows.sd1, abs=1e-12)
    assert from_sums.alpha == pytest.approx(from_rows.alpha, abs=1e-12)


def test_alpha_from_variances_matches_the_worked_example():
    assert cronbach_alpha_from_variances(
        [Fraction(5, 3), Fraction(2, 3), Fraction(2, 3)], 7
    ) == pytest.approx(6 / 7)
    assert cronbach_alpha_from_variances([1.0], 2.0) is None
    assert cronbach_alpha_from_variances([1.0, 1.0], 0.0) is None


@st.composite
def tables(draw):
    items = draw(st.integers(2, 6))
    row = st.lists(st.integers(1, 5), min_size=items, max_size=items)
    return draw(st.lists(row, min_size=2, max_size=25))


@given(tables())
def test_alpha_from_variances_agrees_with_the_rows(rows):
    complete_items = [_sums(row[i] for row in rows) for i in range(len(rows[0]))]
    variances = [s.variance() for s in complete_items]
    alpha = cronbach_alpha_from_variances(variances, _sums(sum(r) for r in rows).variance())
    expected = cronbach_alpha(rows)
    assert (alpha is None) == (expected is None)
    if expected is not None:
        assert alpha == pytest.approx(expected, rel=1e-9, abs=1e-9)
