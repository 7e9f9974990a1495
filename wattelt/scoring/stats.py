"""Descriptive and inferential statistics for outcome reports, in pure Python.

Sources:
- Student t distribution through the regularized incomplete beta function,
  P(T <= -|t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2) (Abramowitz & Stegun 26.7.1 and
  26.5.27), evaluated with the continued fraction of A&S 26.5.8 by Lentz's method as in Press et
  al., Numerical Recipes (3rd ed., 2007), section 6.4. For very large df the Cornish-Fisher
  expansion of A&S 26.7.5 is used.
- Paired change: mean difference with a t-based 95% confidence interval, and the standardized
  mean difference d_z = mean(diff) / SD(diff) (Cohen 1988, section 2.3.5; Lakens 2013).
- Classifying each person's change as improved / same / declined against a threshold, because
  counting "any increase" over-counts measurement noise (see DOMAIN.md, "Formulas").
"""

from __future__ import annotations

import math
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Literal

Change = Literal["improved", "same", "declined"]

_NORMAL = statistics.NormalDist()
# Above this many degrees of freedom the Cornish-Fisher series (error of order df^-5) is accurate
# to about 1e-12 even far in the tails, while the continued fraction would need ever more terms.
_LARGE_DF = 1e5
_CF_EPS = 1e-15
_CF_MAX_TERMS = 10_000
_TINY = 1e-300  # Lentz's method: stands in for a zero denominator.


def mean(values: Iterable[float]) -> float | None:
    """Arithmetic mean; None for no values."""
    values = list(values)
    # fmean sums with math.fsum, so the order of the values does not change the result.
    return statistics.fmean(values) if values else None


def sample_sd(values: Iterable[float]) -> float | None:
    """Sample standard deviation (divisor n - 1); None for fewer than two values."""
    values = list(values)
    # statistics.stdev sums the squared deviations exactly before rounding once.
    return statistics.stdev(values) if len(values) >= 2 else None


# --- Student t distribution -------------------------------------------------------------------


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` > 0 degrees of freedom (``math.inf``: normal).

    Via the regularized incomplete beta function (Abramowitz & Stegun 26.7.1, 26.5.27).
    """
    _check_df(df)
    if math.isnan(t):
        raise ValueError("t must be a number")
    if math.isinf(df):
        return _NORMAL.cdf(t)
    tail = _t_tail(abs(t), df)
    return tail if t <= 0 else 1.0 - tail


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The t with P(T <= t) = p for Student's t with ``df`` > 0 degrees of freedom.

    Exact closed forms for df = 1 (Cauchy) and df = 2; the Cornish-Fisher expansion (Abramowitz &
    Stegun 26.7.5) above 1e5 degrees of freedom; otherwise Newton's method on :func:`t_cdf`,
    kept inside a bracket by bisection. ``math.inf`` gives the normal quantile. Accurate to about
    1e-12 relative; a quantile beyond the float range (only for df < 2 and absurdly small p) is
    returned as -inf or inf.
    """
    _check_df(df)
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, not {p!r}")
    if p > 0.5:
        # Solve in the lower tail, where t_cdf keeps its relative precision; 1 - p is exact here.
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if math.isinf(df):
        return _NORMAL.inv_cdf(p)
    if df == 1:
        # Cauchy: tan(pi * (p - 1/2)) = -1 / tan(pi * p), which stays precise for tiny p.
        return -1.0 / math.tan(math.pi * p)
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    guess = _cornish_fisher(_NORMAL.inv_cdf(p), df)
    if df > _LARGE_DF:
        return guess
    return _solve_lower_tail(p, df, guess)


def _check_df(df: float) -> None:
    if not df > 0:  # also rejects NaN
        raise ValueError(f"degrees of freedom must be positive, not {df!r}")


def _cornish_fisher(z: float, df: float) -> float:
    """t quantile from the normal quantile z, Abramowitz & Stegun 26.7.5 (error O(df^-5))."""
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _solve_lower_tail(p: float, df: float, guess: float) -> float:
    # Bracket the root in [low, high] with high <= 0 by doubling: t_cdf falls to 0 as t -> -inf.
    high, low = 0.0, -1.0
    while t_cdf(low, df) > p:
        if math.isinf(low):
            return low
        high, low = low, 2 * low
    # For t < 0 the CDF is increasing and convex, so Newton converges quickly once it is on the
    # right of the root; the bracket catches the first overshoot of a poor starting guess.
    t = guess if low < guess < high else (low + high) / 2
    for _ in range(200):
        error = t_cdf(t, df) - p
        if error == 0:
            return t
        if error < 0:
            low = t
        else:
            high = t
        density = _t_pdf(t, df)
        # Far in the tail the density can underflow to 0: then bisect instead of stepping.
        candidate = t - error / density if density > 0 else math.nan
        if not low < candidate < high:  # also catches NaN
            candidate = low / 2 + high / 2  # halves first: low may be near the float limit
        if abs(candidate - t) <= 1e-14 * abs(candidate) or high - low <= 1e-14 * abs(low):
            return candidate
        t = candidate
    return t


def _log_gamma_ratio(a: float) -> float:
    """ln(Gamma(a + 1/2) / Gamma(a)) without the cancellation of two large lgamma values."""
    if a < 20:
        return math.lgamma(a + 0.5) - math.lgamma(a)
    # Asymptotic series (from Stirling's series for ln Gamma); the next term is below 3e-15 here.
    return (
        0.5 * math.log(a) - 1 / (8 * a) + 1 / (192 * a**3) - 1 / (640 * a**5) + 17 / (14336 * a**7)
    )


def _t_pdf(t: float, df: float) -> float:
    u = abs(t) / math.sqrt(df)
    # ln(1 + u^2), written so that u^2 cannot overflow for |t| near the float range.
    log_kernel = math.log1p(u * u) if u <= 1 else 2 * math.log(u) + math.log1p((1 / u) ** 2)
    log_density = (
        _log_gamma_ratio(df / 2) - 0.5 * math.log(df * math.pi) - (df + 1) / 2 * log_kernel
    )
    return math.exp(log_density)


def _t_tail(abs_t: float, df: float) -> float:
    """P(T <= -|t|) = I_x(df/2, 1/2) / 2 with x = df / (df + t^2), A&S 26.7.1 and 26.5.27.

    I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * CF(a, b, x), with the continued fraction CF of A&S
    26.5.8 (Numerical Recipes 3rd ed., section 6.4).
    """
    a, b = df / 2, 0.5
    root_df = math.sqrt(df)
    # x, 1 - x and their logarithms are built from t^2/df or df/t^2, whichever is at most 1, so
    # that nothing overflows or cancels, even for |t| near the float range or tiny df.
    if abs_t <= root_df:
        ratio = (abs_t / root_df) ** 2
        if ratio == 0:
            return 0.5
        x, one_minus_x = 1 / (1 + ratio), ratio / (1 + ratio)
        log_x = -math.log1p(ratio)
        log_one_minus_x = math.log(ratio) + log_x
    else:
        log_inverse = 2 * (math.log(root_df) - math.log(abs_t))
        inverse = math.exp(log_inverse)  # may underflow to 0; the logarithms carry on
        log_one_minus_x = -math.log1p(inverse)
        log_x = log_inverse + log_one_minus_x
        # x itself may underflow to 0 (the continued fraction is then 1); front uses log_x.
        x, one_minus_x = math.exp(log_x), 1 / (1 + inverse)
    # ln B(a, 1/2) = ln Gamma(1/2) - ln(Gamma(a + 1/2) / Gamma(a)), and Gamma(1/2) = sqrt(pi).
    log_beta = 0.5 * math.log(math.pi) - _log_gamma_ratio(a)
    front = math.exp(a * log_x + b * log_one_minus_x - log_beta)
    # The continued fraction converges fast only for x < (a + 1) / (a + b + 2); beyond that use
    # the symmetry I_x(a, b) = 1 - I_{1-x}(b, a).
    if x < (a + 1) / (a + b + 2):
        regularized = front * _beta_continued_fraction(a, b, x) / a
    else:
        regularized = 1.0 - front * _beta_continued_fraction(b, a, one_minus_x) / b
    return 0.5 * regularized


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of A&S 26.5.8 by the modified Lentz method (NR 3rd ed., betacf)."""
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    result = d
    for m in range(1, _CF_MAX_TERMS + 1):
        # Even step of the fraction.
        numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        result *= d * c
        # Odd step.
        numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + numerator * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + numerator / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        result *= delta
        if abs(delta - 1.0) < _CF_EPS:
            return result
    raise ArithmeticError(f"incomplete beta did not converge for a={a}, b={b}, x={x}")


# --- Paired change ----------------------------------------------------------------------------


def moments_from_sums(
    n: int, total: float | Decimal, total_of_squares: float | Decimal
) -> tuple[float | None, float | None]:
    """(mean, sample SD) from n, sum(x) and sum(x^2), e.g. as aggregated in SQL.

    The mean is None for n = 0 and the SD None for n < 2. Uses
    var = (n * sum(x^2) - (sum x)^2) / (n * (n - 1)) in exact rational arithmetic, so the
    subtraction itself loses nothing. Sums given as floats already carry rounding error (relative
    about n * machine epsilon each), so a centred sum of squares below that noise floor - including
    a slightly negative one - counts as zero. Exact inputs (int, Decimal) that imply a negative
    variance, or float inputs that do so beyond the noise floor, raise ValueError.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, not {n!r}")
    if n == 0:
        return None, None
    exact_total = Fraction(total)  # Fraction(float) is exact: it holds the float's binary value.
    exact_squares = Fraction(total_of_squares)
    if exact_squares < 0:
        raise ValueError("a sum of squares cannot be negative")
    mean_value = float(exact_total / n)
    if n == 1:
        return mean_value, None
    # n * sum(x^2) - (sum x)^2 = n * sum((x - mean)^2).
    centred = n * exact_squares - exact_total * exact_total
    noise_floor = 0
    if isinstance(total, float) or isinstance(total_of_squares, float):
        noise_floor = 4 * n * Fraction(sys.float_info.epsilon) * n * exact_squares
    if centred < -noise_floor:
        raise ValueError("these sums cannot come from real numbers (negative variance)")
    if centred <= noise_floor:
        return mean_value, 0.0
    return mean_value, math.sqrt(centred / (n * (n - 1)))


@dataclass(frozen=True)
class PairedChange:
    """Summary of paired differences (after - before).

    ``mean_diff`` is None without pairs; ``sd_diff``, the confidence interval and ``d_z`` need
    at least two pairs, and ``d_z`` also a non-zero SD.
    """

    n: int
    mean_diff: float | None
    sd_diff: float | None
    ci_low: float | None
    ci_high: float | None
    d_z: float | None
    confidence: float = 0.95


def paired_change_from_moments(
    n: int, mean_diff: float | None, sd_diff: float | None, *, confidence: float = 0.95
) -> PairedChange:
    """Mean difference with its t-based confidence interval (df = n - 1) and d_z = mean / SD.

    CI = mean +/- t(1 - alpha/2, n - 1) * SD / sqrt(n); d_z after Cohen (1988). Takes the
    moments as computed by :func:`moments_from_sums` (or any other way).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative integer, not {n!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, not {confidence!r}")
    if n == 0:
        return PairedChange(0, None, None, None, None, None, confidence)
    if mean_diff is None:
        raise ValueError("a mean difference is needed for n >= 1")
    if n == 1:
        return PairedChange(1, mean_diff, None, None, None, None, confidence)
    if sd_diff is None or not sd_diff >= 0:
        raise ValueError(f"a non-negative SD is needed for n >= 2, not {sd_diff!r}")
    half_width = t_quantile(1.0 - (1.0 - confidence) / 2, n - 1) * sd_diff / math.sqrt(n)
    # With every difference equal d_z would be infinite: report "undefined" rather than inf.
    d_z = mean_diff / sd_diff if sd_diff > 0 else None
    return PairedChange(
        n, mean_diff, sd_diff, mean_diff - half_width, mean_diff + half_width, d_z, confidence
    )


def paired_change(
    before: Sequence[float | None],
    after: Sequence[float | None],
    *,
    confidence: float = 0.95,
) -> PairedChange:
    """:func:`paired_change_from_moments` of the differences after - before.

    ``before[i]`` and ``after[i]`` belong to the same person; pairs with a None on either side
    are left out. Raises ValueError when the sequences differ in length.
    """
    if len(before) != len(after):
        raise ValueError(f"{len(before)} before-values but {len(after)} after-values")
    diffs = [b - a for a, b in zip(before, after, strict=True) if a is not None and b is not None]
    return paired_change_from_moments(
        len(diffs), mean(diffs), sample_sd(diffs), confidence=confidence
    )


# --- Improved / same / declined ---------------------------------------------------------------

# Scores such as 7.3 - 6.8 land a hair below a threshold of 0.5 in binary floating point; a
# difference that equals the threshold on paper must count as a change.
_THRESHOLD_SLACK = 1e-9


def classify_change(
    before: float | None,
    after: float | None,
    threshold: float,
    *,
    higher_is_better: bool = True,
) -> Change | None:
    """ "improved", "same" or "declined": a change counts when |after - before| >= threshold.

    None when either score is missing. ``threshold`` must be positive: below it, a difference is
    treated as noise (DOMAIN.md: report % improved / same / declined, not "any increase").
    """
    _check_threshold(threshold)
    if before is None or after is None:
        return None
    diff = after - before if higher_is_better else before - after
    if abs(diff) < threshold * (1 - _THRESHOLD_SLACK):
        return "same"
    return "improved" if diff > 0 else "declined"


def _check_threshold(threshold: float) -> None:
    if not (threshold > 0 and math.isfinite(threshold)):
        raise ValueError(f"threshold must be a positive number, not {threshold!r}")


@dataclass(frozen=True)
class ChangeShares:
    """Counts and shares (fractions 0..1, None when n = 0) of complete before/after pairs."""

    n: int
    improved: int
    same: int
    declined: int
    incomplete: int  # pairs left out because a score was missing

    @property
    def share_improved(self) -> float | None:
        return self.improved / self.n if self.n else None

    @property
    def share_same(self) -> float | None:
        return self.same / self.n if self.n else None

    @property
    def share_declined(self) -> float | None:
        return self.declined / self.n if self.n else None


def change_shares(
    pairs: Iterable[tuple[float | None, float | None]],
    threshold: float,
    *,
    higher_is_better: bool = True,
) -> ChangeShares:
    """Count (before, after) pairs as improved / same / declined with :func:`classify_change`."""
    _check_threshold(threshold)  # also when there are no pairs: a bad threshold is a bug
    counts = {"improved": 0, "same": 0, "declined": 0, None: 0}
    for before, after in pairs:
        counts[classify_change(before, after, threshold, higher_is_better=higher_is_better)] += 1
    return ChangeShares(
        n=counts["improved"] + counts["same"] + counts["declined"],
        improved=counts["improved"],
        same=counts["same"],
        declined=counts["declined"],
        incomplete=counts[None],
    )
