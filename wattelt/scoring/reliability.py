"""Reliability of a set of scores, and whether one person's change exceeds measurement error.

Sources:
- Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika,
  16(3), 297-334: alpha = k / (k - 1) * (1 - sum of item variances / variance of the totals).
- Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to defining
  meaningful change in psychotherapy research. Journal of Consulting and Clinical Psychology,
  59(1), 12-19: RC = (x2 - x1) / S_diff with S_diff = sqrt(2 * SE^2) and SE = SD1 * sqrt(1 - r),
  i.e. RC = (x2 - x1) / (sqrt(2) * SD1 * sqrt(1 - r)); |RC| > 1.96 is reliable change.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

# Two-sided 5% critical value of the standard normal distribution, as used by Jacobson & Truax.
RCI_CRITICAL = 1.96


def cronbach_alpha(rows: Sequence[Sequence[float | None]]) -> float | None:
    """Cronbach's alpha (Cronbach 1951) of a persons x items table; None marks a missing answer.

    Only complete rows count (listwise deletion), so that every variance is taken over the same
    persons. None when there are fewer than 2 items or 2 complete rows, or when the totals do not
    vary. Raises ValueError for rows of different lengths or non-finite values. Alpha can be
    negative (items that disagree); it is never above 1.
    """
    if not rows:
        return None
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise ValueError("every row must have one value per item")
    complete = [row for row in rows if all(value is not None for value in row)]
    for row in complete:
        if not all(math.isfinite(value) for value in row):
            raise ValueError("answers must be finite numbers")
    if k < 2 or len(complete) < 2:
        return None
    # Sample variances (n - 1) throughout; the divisor cancels in the ratio anyway.
    sum_of_item_variances = math.fsum(
        statistics.variance([row[i] for row in complete]) for i in range(k)
    )
    total_variance = statistics.variance([math.fsum(row) for row in complete])
    if total_variance == 0:
        return None
    return k / (k - 1) * (1.0 - sum_of_item_variances / total_variance)


def standard_error_of_difference(sd1: float, reliability: float) -> float:
    """S_diff = sqrt(2) * SD1 * sqrt(1 - r), the SD of a difference of two measurement errors.

    Jacobson & Truax (1991): SE = SD1 * sqrt(1 - r) and S_diff = sqrt(2 * SE^2). ``sd1`` is the
    SD at baseline (must be > 0) and ``reliability`` a coefficient in 0 <= r < 1: with r = 1
    there is no measurement error and any change would be "reliable"; a negative r means the
    scale does not measure one thing, so the index would mean nothing. Raises ValueError.
    """
    if not (math.isfinite(sd1) and sd1 > 0):
        raise ValueError(f"the baseline SD must be positive, not {sd1!r}")
    if not 0.0 <= reliability < 1.0:  # also rejects NaN
        raise ValueError(f"reliability must be in 0 <= r < 1, not {reliability!r}")
    return math.sqrt(2.0) * sd1 * math.sqrt(1.0 - reliability)


def reliable_change_index(x1: float, x2: float, sd1: float, reliability: float) -> float:
    """RC = (x2 - x1) / (sqrt(2) * SD1 * sqrt(1 - r)), Jacobson & Truax (1991).

    Positive when the score went up. Raises ValueError as :func:`standard_error_of_difference`.
    """
    return (x2 - x1) / standard_error_of_difference(sd1, reliability)


def is_reliable(rc: float, critical: float = RCI_CRITICAL) -> bool:
    """Whether |RC| exceeds the critical value (1.96: less than 5% chance under no change)."""
    return abs(rc) > critical


def cronbach_alpha_from_variances(
    item_variances: Sequence[float], total_variance: float
) -> float | None:
    """Cronbach's alpha from the item variances and the variance of the totals of the same
    complete rows, e.g. aggregated in SQL: alpha = k / (k - 1) * (1 - sum(var_i) / var_total).

    None for fewer than 2 items or totals that do not vary, like :func:`cronbach_alpha`."""
    k = len(item_variances)
    if k < 2 or not total_variance > 0:
        return None
    return k / (k - 1) * (1.0 - math.fsum(item_variances) / total_variance)
