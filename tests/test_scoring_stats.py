"""Pure statistics in wattelt.scoring, checked against worked examples computed by hand.

No app, no database: plain test functions. Table values of the t distribution are the usual
published ones (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2), rounded to 7 decimals.
"""

from __future__ import annotations

import math
from decimal import Decimal
from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wattelt.scoring.gas import ScoredGoal, gas_t_score, gas_t_score_for_goals
from wattelt.scoring.reliability import (
    cronbach_alpha,
    is_reliable,
    reliable_change_index,
    standard_error_of_difference,
)
from wattelt.scoring.stats import (
    change_shares,
    classify_change,
    mean,
    moments_from_sums,
    paired_change,
    paired_change_from_moments,
    sample_sd,
    t_cdf,
    t_quantile,
)

gas_scores = st.lists(st.integers(-2, 2), min_size=1, max_size=8)
gas_weights = st.floats(0.1, 10)


# --- Goal Attainment Scaling ------------------------------------------------------------------
# T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum w)^2), rho = 0.3


def test_gas_all_goals_as_expected_is_exactly_50():
    # sum(w*x) = 0, so T = 50 + 0 whatever the denominator.
    assert gas_t_score([0, 0, 0]) == 50.0


def test_gas_one_goal_one_better_than_expected_is_60():
    # sum(w*x) = 1; denominator sqrt(0.7 * 1 + 0.3 * 1^2) = sqrt(1) = 1; T = 50 + 10 * 1 = 60.
    assert gas_t_score([1]) == pytest.approx(60.0, abs=1e-12)


def test_gas_one_goal_at_the_extremes():
    # One goal: denominator 1, so T = 50 + 10 * x: +2 -> 70, -2 -> 30.
    assert gas_t_score([2]) == pytest.approx(70.0, abs=1e-12)
    assert gas_t_score([-2]) == pytest.approx(30.0, abs=1e-12)


def test_gas_better_and_worse_cancel_out():
    # (+1, 0, -1), weights 1: sum(w*x) = 1 + 0 - 1 = 0, so T = 50.
    assert gas_t_score([1, 0, -1]) == pytest.approx(50.0, abs=1e-12)


def test_gas_weighted_worked_example():
    # Scores (+2, +1), weights (2, 1):
    #   sum(w*x) = 2*2 + 1*1 = 5
    #   sum(w^2) = 4 + 1 = 5;  (sum w)^2 = 3^2 = 9
    #   denominator = sqrt(0.7 * 5 + 0.3 * 9) = sqrt(3.5 + 2.7) = sqrt(6.2) = 2.4899799
    #   T = 50 + 10 * 5 / 2.4899799 = 50 + 20.0804832 = 70.0804832
    assert gas_t_score([2, 1], [2, 1]) == pytest.approx(70.0804832, abs=1e-6)


def test_gas_four_goals_one_better_each():
    # (+1, +1, +1, +1), weights 1: sum(w*x) = 4, sum(w^2) = 4, (sum w)^2 = 16
    #   denominator = sqrt(0.7 * 4 + 0.3 * 16) = sqrt(2.8 + 4.8) = sqrt(7.6) = 2.7568098
    #   T = 50 + 40 / 2.7568098 = 50 + 14.5095250 = 64.5095250
    assert gas_t_score([1, 1, 1, 1]) == pytest.approx(64.5095250, abs=1e-6)


def test_gas_rho_zero_uses_only_the_sum_of_squared_weights():
    # rho = 0: denominator sqrt(sum w^2). (+1, +1, +1, +1): 50 + 10 * 4 / sqrt(4) = 70.
    assert gas_t_score([1, 1, 1, 1], rho=0) == pytest.approx(70.0, abs=1e-12)
    # Weights (2, 1), scores (+2, +1): 50 + 10 * 5 / sqrt(5) = 50 + 22.3606798 = 72.3606798.
    assert gas_t_score([2, 1], [2, 1], rho=0) == pytest.approx(72.3606798, abs=1e-6)


def test_gas_without_goals_is_none():
    assert gas_t_score([]) is None
    assert gas_t_score([], []) is None
    assert gas_t_score_for_goals([]) is None


def test_gas_for_goal_objects_matches_the_lists():
    goals = [ScoredGoal(2, 2.0), ScoredGoal(1)]
    assert gas_t_score_for_goals(goals) == gas_t_score([2, 1], [2.0, 1.0])


@pytest.mark.parametrize("score", [3, -3, 1.5, 1.0, True, "1", None])
def test_gas_rejects_scores_that_are_not_integers_from_minus_2_to_2(score):
    with pytest.raises(ValueError):
        gas_t_score([0, score])
    with pytest.raises(ValueError):
        ScoredGoal(score)


@pytest.mark.parametrize("weight", [0, -1, math.nan, math.inf, True, "2"])
def test_gas_rejects_weights_that_are_not_positive_numbers(weight):
    with pytest.raises(ValueError):
        gas_t_score([1, 0], [1, weight])
    with pytest.raises(ValueError):
        ScoredGoal(1, weight)


def test_gas_rejects_weights_of_another_length_and_bad_rho():
    with pytest.raises(ValueError):
        gas_t_score([1, 0], [1])
    with pytest.raises(ValueError):
        gas_t_score([1], rho=-0.1)
    with pytest.raises(ValueError):
        gas_t_score([1], rho=1.1)


@given(scores=gas_scores, data=st.data())
def test_gas_rises_with_every_score(scores, data):
    weights = data.draw(st.lists(gas_weights, min_size=len(scores), max_size=len(scores)))
    index = data.draw(st.integers(0, len(scores) - 1))
    if scores[index] == 2:
        return
    better = [*scores]
    better[index] += 1
    assert gas_t_score(better, weights) > gas_t_score(scores, weights)


@given(scores=gas_scores, data=st.data())
def test_gas_mirrors_around_50_and_ignores_the_scale_of_the_weights(scores, data):
    weights = data.draw(st.lists(gas_weights, min_size=len(scores), max_size=len(scores)))
    t = gas_t_score(scores, weights)
    assert gas_t_score([-x for x in scores], weights) == pytest.approx(100 - t, abs=1e-9)
    assert gas_t_score(scores, [3 * w for w in weights]) == pytest.approx(t, abs=1e-9)


# --- Student t quantile -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "table"),
    [
        (0.975, 1, 12.7062047),
        (0.975, 2, 4.3026527),
        (0.975, 4, 2.7764451),
        (0.975, 9, 2.2621572),
        (0.975, 30, 2.0422725),
        (0.975, 1000, 1.9623391),
        (0.95, 10, 1.8124611),
        (0.995, 2, 9.9248432),
        (0.90, 5, 1.4758840),
        (0.999, 3, 10.2145319),
    ],
)
def test_t_quantile_matches_table_values(p, df, table):
    assert t_quantile(p, df) == pytest.approx(table, abs=1e-7)
    # Symmetry: t(1 - p) = -t(p).
    assert t_quantile(1 - p, df) == pytest.approx(-table, abs=1e-7)


def test_t_quantile_tends_to_the_normal_quantile():
    assert t_quantile(0.975, 10_000_000) == pytest.approx(1.959964, abs=1e-6)
    assert t_quantile(0.975, math.inf) == NormalDist().inv_cdf(0.975)
    assert t_quantile(0.5, 7) == 0.0


def test_t_quantile_is_continuous_where_it_switches_to_the_series():
    # Up to df = 1e5 the quantile is solved from the CDF, above it taken from the Cornish-Fisher
    # series; both must agree where they meet.
    for p in (1e-6, 0.025, 0.3):
        assert t_quantile(p, 100_000) == pytest.approx(t_quantile(p, 100_000.001), abs=1e-10)


@pytest.mark.parametrize(("p", "df"), [(0, 5), (1, 5), (-0.1, 5), (0.5, 0), (0.5, -1)])
def test_t_quantile_rejects_impossible_arguments(p, df):
    with pytest.raises(ValueError):
        t_quantile(p, df)


@given(p=st.floats(1e-8, 1 - 1e-8), df=st.floats(0.5, 1e6))
def test_t_quantile_inverts_the_cdf(p, df):
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, rel=1e-9)


@given(p=st.floats(1e-6, 1 - 1e-6), q=st.floats(1e-6, 1 - 1e-6), df=st.floats(1, 1e4))
def test_t_quantile_is_symmetric_and_increasing(p, q, df):
    assert t_quantile(p, df) == pytest.approx(-t_quantile(1 - p, df), rel=1e-9, abs=1e-12)
    if p < q:
        # Increasing within the stated accuracy (1e-12 relative): for two neighbouring floats
        # p and q the two Newton solutions may differ by a rounding step the other way.
        lower, upper = t_quantile(p, df), t_quantile(q, df)
        assert lower <= upper + 1e-12 * max(abs(lower), abs(upper))


# --- Descriptives and paired change -----------------------------------------------------------


def test_mean_and_sample_sd_are_none_when_undefined():
    assert mean([]) is None
    assert sample_sd([4.0]) is None
    # 2, 4, 4, 4, 5, 5, 7, 9: mean 40 / 8 = 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
    # sample variance 32 / 7; SD = sqrt(4.5714286) = 2.1380899.
    assert mean([2, 4, 4, 4, 5, 5, 7, 9]) == 5.0
    assert sample_sd([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(2.1380899, abs=1e-7)


# Worked example: five residents, before (3, 5, 4, 6, 2) and after (5, 6, 4, 9, 3).
#   diffs = (2, 1, 0, 3, 1); n = 5; sum = 7; sum of squares = 4 + 1 + 0 + 9 + 1 = 15
#   mean = 7 / 5 = 1.4
#   deviations (0.6, -0.4, -1.4, 1.6, -0.4), squared 0.36 + 0.16 + 1.96 + 2.56 + 0.16 = 5.2
#   SD = sqrt(5.2 / 4) = sqrt(1.3) = 1.1401754
#   SE = 1.1401754 / sqrt(5) = 0.5099020; t(0.975, 4) = 2.7764451 (table)
#   half width = 2.7764451 * 0.5099020 = 1.4157148; CI = (-0.0157148, 2.8157148)
#   d_z = 1.4 / 1.1401754 = 1.2278812
BEFORE = [3, 5, 4, 6, 2]
AFTER = [5, 6, 4, 9, 3]


def test_paired_change_worked_example():
    change = paired_change(BEFORE, AFTER)
    assert change.n == 5
    assert change.mean_diff == pytest.approx(1.4, abs=1e-12)
    assert change.sd_diff == pytest.approx(1.1401754, abs=1e-7)
    assert change.ci_low == pytest.approx(-0.0157148, abs=1e-6)
    assert change.ci_high == pytest.approx(2.8157148, abs=1e-6)
    assert change.d_z == pytest.approx(1.2278812, abs=1e-7)
    assert change.confidence == 0.95


def test_paired_change_from_sql_style_sums_matches_the_raw_data():
    # The app sums in SQL: n = 5, sum = 7, sum of squares = 15 (see the worked example).
    # var = (5 * 15 - 7^2) / (5 * 4) = (75 - 49) / 20 = 1.3.
    assert moments_from_sums(5, 7, 15) == (1.4, pytest.approx(math.sqrt(1.3), abs=1e-15))
    from_sums = paired_change_from_moments(5, *moments_from_sums(5, 7, 15))
    raw = paired_change(BEFORE, AFTER)
    for field in ("mean_diff", "sd_diff", "ci_low", "ci_high", "d_z"):
        assert getattr(from_sums, field) == pytest.approx(getattr(raw, field), abs=1e-9)


def test_paired_change_leaves_out_incomplete_pairs():
    # Only the pairs (4 -> 6) and (5 -> 5) are complete: diffs (2, 0), mean 1, SD sqrt(2).
    change = paired_change([4, None, 5, 3], [6, 7, 5, None])
    assert (change.n, change.mean_diff) == (2, 1.0)
    assert change.sd_diff == pytest.approx(math.sqrt(2), abs=1e-12)
    with pytest.raises(ValueError):
        paired_change([1, 2], [1])


def test_paired_change_with_too_few_pairs_or_no_spread():
    empty = paired_change([], [])
    assert (empty.n, empty.mean_diff, empty.ci_low, empty.d_z) == (0, None, None, None)
    single = paired_change([3], [5])
    assert (single.n, single.mean_diff, single.sd_diff, single.ci_low) == (1, 2.0, None, None)
    # Everybody up by exactly 1: SD 0, the interval collapses, and d_z is undefined (not inf).
    same = paired_change([1, 2, 3], [2, 3, 4])
    assert (same.sd_diff, same.ci_low, same.ci_high, same.d_z) == (0.0, 1.0, 1.0, None)


def test_moments_from_sums_treats_rounding_noise_as_zero_variance():
    # Three diffs of 0.1 summed in floating point: sum 0.30000000000000004, sum of squares
    # 0.030000000000000006; n * sum(x^2) - (sum x)^2 comes out slightly negative.
    assert moments_from_sums(3, 0.1 + 0.1 + 0.1, 0.1 * 0.1 * 3)[1] == 0.0
    # Two diffs of 0.1: it comes out slightly positive, still only rounding noise.
    assert moments_from_sums(2, 0.1 + 0.1, 0.1 * 0.1 + 0.1 * 0.1)[1] == 0.0
    # Exact sums (as PostgreSQL returns them for numeric columns) need no noise floor.
    assert moments_from_sums(3, Decimal("0.3"), Decimal("0.03")) == (pytest.approx(0.1), 0.0)
    assert moments_from_sums(0, 0, 0) == (None, None)
    assert moments_from_sums(1, 2.5, 6.25) == (2.5, None)


def test_moments_from_sums_rejects_impossible_sums():
    with pytest.raises(ValueError):
        moments_from_sums(2, 2, 1)  # 2 * 1 - 2^2 < 0: no real numbers have these sums
    with pytest.raises(ValueError):
        moments_from_sums(2, 0, -1)
    with pytest.raises(ValueError):
        moments_from_sums(-1, 0, 0)


@given(st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), max_size=40))
def test_paired_change_from_sums_agrees_with_the_raw_data(pairs):
    before = [b for b, _ in pairs]
    after = [a for _, a in pairs]
    diffs = [a - b for b, a in pairs]
    moments = moments_from_sums(len(diffs), sum(diffs), sum(d * d for d in diffs))
    from_sums = paired_change_from_moments(len(diffs), *moments)
    raw = paired_change(before, after)
    assert from_sums.n == raw.n
    for field in ("mean_diff", "sd_diff", "ci_low", "ci_high", "d_z"):
        expected = getattr(raw, field)
        assert getattr(from_sums, field) == (
            None if expected is None else pytest.approx(expected, abs=1e-9)
        )


@given(
    st.lists(
        st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)),
        min_size=2,
        max_size=30,
    )
)
def test_paired_change_interval_contains_the_mean(pairs):
    change = paired_change([b for b, _ in pairs], [a for _, a in pairs])
    assert change.ci_low <= change.mean_diff <= change.ci_high


# --- Improved / same / declined ---------------------------------------------------------------


def test_classify_change_against_a_threshold():
    assert classify_change(5, 6, 1) == "improved"  # |+1| >= 1
    assert classify_change(5, 5.5, 1) == "same"  # |+0.5| < 1: noise, not improvement
    assert classify_change(6, 5, 1) == "declined"
    # 0.3 - 0.1 is 0.19999999999999998 in binary; on paper it equals the threshold 0.2.
    assert classify_change(0.1, 0.3, 0.2) == "improved"
    assert classify_change(None, 5, 1) is None
    assert classify_change(5, None, 1) is None
    # Where a lower score is better (e.g. a problem-severity scale) the labels swap.
    assert classify_change(5, 3, 1, higher_is_better=False) == "improved"


@pytest.mark.parametrize("threshold", [0, -1, math.nan, math.inf])
def test_classify_change_needs_a_positive_threshold(threshold):
    with pytest.raises(ValueError):
        classify_change(1, 2, threshold)
    with pytest.raises(ValueError):
        change_shares([], threshold)


def test_change_shares_worked_example():
    # Threshold 1:  5 -> 7 improved;  5 -> 5.5 same;  6 -> 5.5 same;  4 -> 2 declined;
    #               None -> 3 incomplete;  3 -> 4 improved.
    # n = 5 complete pairs: improved 2/5 = 0.4, same 2/5 = 0.4, declined 1/5 = 0.2.
    # ("Any increase" would have claimed 3/5 = 60% better.)
    pairs = [(5, 7), (5, 5.5), (6, 5.5), (4, 2), (None, 3), (3, 4)]
    shares = change_shares(pairs, 1)
    assert (shares.n, shares.improved, shares.same, shares.declined) == (5, 2, 2, 1)
    assert shares.incomplete == 1
    assert (shares.share_improved, shares.share_same, shares.share_declined) == (0.4, 0.4, 0.2)


def test_change_shares_without_pairs():
    shares = change_shares([(None, 1)], 1)
    assert (shares.n, shares.incomplete, shares.share_improved) == (0, 1, None)


@given(
    st.lists(st.tuples(st.integers(1, 10), st.integers(1, 10)), min_size=1, max_size=30),
    st.integers(1, 3),
)
def test_change_shares_add_up_and_mirror(pairs, threshold):
    shares = change_shares(pairs, threshold)
    assert shares.improved + shares.same + shares.declined == shares.n == len(pairs)
    assert shares.share_improved + shares.share_same + shares.share_declined == pytest.approx(1)
    mirrored = change_shares([(a, b) for b, a in pairs], threshold)
    assert (mirrored.improved, mirrored.declined) == (shares.declined, shares.improved)


# --- Cronbach's alpha -------------------------------------------------------------------------

# Worked example: four persons x three items.
#   person   item1 item2 item3   total
#   A          2     3     3       8
#   B          4     4     5      13
#   C          3     4     4      11
#   D          5     5     4      14
# Item variances (n - 1 = 3):
#   item1 mean 3.5: deviations -1.5, 0.5, -0.5, 1.5 -> 2.25 + 0.25 + 0.25 + 2.25 = 5 -> 5/3
#   item2 mean 4:   deviations -1, 0, 0, 1          -> 2                            -> 2/3
#   item3 mean 4:   deviations -1, 1, 0, 0          -> 2                            -> 2/3
#   sum of item variances = 9/3 = 3
# Totals mean 11.5: deviations -3.5, 1.5, -0.5, 2.5 -> 12.25 + 2.25 + 0.25 + 6.25 = 21 -> 21/3 = 7
# alpha = 3/2 * (1 - 3/7) = 3/2 * 4/7 = 6/7 = 0.8571429
ALPHA_TABLE = [[2, 3, 3], [4, 4, 5], [3, 4, 4], [5, 5, 4]]


def test_cronbach_alpha_worked_example():
    assert cronbach_alpha(ALPHA_TABLE) == pytest.approx(6 / 7, abs=1e-12)


def test_cronbach_alpha_uses_complete_rows_only():
    # Rows with a missing answer are left out entirely (listwise), so alpha stays 6/7.
    rows = [*ALPHA_TABLE, [1, None, 5], [None, None, None]]
    assert cronbach_alpha(rows) == pytest.approx(6 / 7, abs=1e-12)


def test_cronbach_alpha_is_none_when_undefined():
    assert cronbach_alpha([]) is None
    assert cronbach_alpha([[1], [2], [3]]) is None  # one item
    assert cronbach_alpha([[1, 2], [2, None]]) is None  # one complete person
    # Totals 6, 6, 6: the items cancel out, the total variance is 0.
    assert cronbach_alpha([[1, 5], [2, 4], [3, 3]]) is None


def test_cronbach_alpha_can_be_negative():
    # Items (1, 2, 3) and (3, 1, 2): variances 1 and 1; totals (4, 3, 5), variance 1.
    # alpha = 2/1 * (1 - 2/1) = -2.
    assert cronbach_alpha([[1, 3], [2, 1], [3, 2]]) == pytest.approx(-2, abs=1e-12)


def test_cronbach_alpha_rejects_ragged_rows_and_non_numbers():
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [1, 2, 3]])
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2], [1, math.nan], [2, 3]])


@st.composite
def item_tables(draw):
    items = draw(st.integers(2, 6))
    row = st.lists(st.integers(1, 5), min_size=items, max_size=items)
    return draw(st.lists(row, min_size=2, max_size=20))


@given(item_tables())
def test_cronbach_alpha_is_at_most_1(rows):
    alpha = cronbach_alpha(rows)
    assert alpha is None or alpha <= 1 + 1e-12


@given(st.lists(st.integers(1, 5), min_size=2, max_size=20), st.integers(2, 6))
def test_cronbach_alpha_of_identical_items_is_1(column, items):
    # Every item the same: total variance k^2 * v, item variances k * v,
    # alpha = k/(k-1) * (1 - 1/k) = 1.
    alpha = cronbach_alpha([[x] * items for x in column])
    assert alpha is None if len(set(column)) == 1 else alpha == pytest.approx(1, abs=1e-12)


# --- Reliable Change Index --------------------------------------------------------------------


def test_reliable_change_index_worked_example():
    # x1 = 20, x2 = 28, SD1 = 7.5, r = 0.88:
    #   SE = 7.5 * sqrt(1 - 0.88) = 7.5 * sqrt(0.12) = 7.5 * 0.3464102 = 2.5980762
    #   S_diff = sqrt(2) * 2.5980762 = 3.6742346
    #   RC = (28 - 20) / 3.6742346 = 2.1773242 > 1.96: reliable improvement.
    assert standard_error_of_difference(7.5, 0.88) == pytest.approx(3.6742346, abs=1e-7)
    rc = reliable_change_index(20, 28, 7.5, 0.88)
    assert rc == pytest.approx(2.1773242, abs=1e-7)
    assert is_reliable(rc)
    # Four points up instead: RC = 4 / 3.6742346 = 1.0886621, within measurement error.
    rc = reliable_change_index(20, 24, 7.5, 0.88)
    assert rc == pytest.approx(1.0886621, abs=1e-7)
    assert not is_reliable(rc)
    # Down by eight: the same size, negative, and also reliable.
    assert reliable_change_index(28, 20, 7.5, 0.88) == pytest.approx(-2.1773242, abs=1e-7)
    assert is_reliable(-2.1773242)


def test_is_reliable_needs_more_than_the_critical_value():
    assert not is_reliable(1.96)
    assert is_reliable(1.9601)
    assert is_reliable(1.7, critical=1.645)


@pytest.mark.parametrize(
    ("sd1", "reliability"),
    [(7.5, 1.0), (7.5, 1.2), (7.5, -0.1), (7.5, math.nan), (0, 0.8), (-1, 0.8), (math.inf, 0.8)],
)
def test_reliable_change_index_rejects_impossible_parameters(sd1, reliability):
    with pytest.raises(ValueError):
        standard_error_of_difference(sd1, reliability)
    with pytest.raises(ValueError):
        reliable_change_index(20, 28, sd1, reliability)


@given(
    st.floats(-100, 100),
    st.floats(-100, 100),
    st.floats(0.1, 50),
    st.floats(0, 0.99),
)
def test_reliable_change_index_follows_the_direction_of_change(x1, x2, sd1, reliability):
    rc = reliable_change_index(x1, x2, sd1, reliability)
    assert math.copysign(1, rc) == math.copysign(1, x2 - x1) or rc == 0
    assert reliable_change_index(x2, x1, sd1, reliability) == pytest.approx(-rc)
