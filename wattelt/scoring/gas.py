"""Goal Attainment Scaling (GAS): one T-score for all goals of a plan.

Source: Kiresuk, T. J., & Sherman, R. E. (1968). Goal attainment scaling: a general method for
evaluating comprehensive community mental health programs. Community Mental Health Journal, 4(6),
443-453. Each goal is scored on five levels, -2 (much less than expected) to +2 (much more than
expected), 0 being the expected outcome; with weights w and an assumed correlation rho between
the goal scores (Kiresuk & Sherman take rho = 0.3) the summary score is

    T = 50 + 10 * sum(w * x) / sqrt((1 - rho) * sum(w^2) + rho * (sum(w))^2)

so that T has mean 50 and SD 10 when every goal is met as expected on average.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

GAS_MIN_SCORE = -2
GAS_MAX_SCORE = 2
DEFAULT_RHO = 0.3  # Kiresuk & Sherman's assumed inter-goal correlation.


@dataclass(frozen=True)
class GasSums:
    """The three sums the T-score needs, over one set of scored goals.

    Sums add up, so a database can compute them per resident, per organisation or per round
    with ``GROUP BY`` and :func:`gas_t_score_from_sums` turns each row into a T-score. The
    T-scores themselves do not add up: the T of all goals is not the mean of the sets' T."""

    goals: int  # how many goals
    weighted_scores: float  # sum(w * x)
    squared_weights: float  # sum(w^2)
    weights: float  # sum(w)


@dataclass(frozen=True)
class ScoredGoal:
    """One goal's attainment level (-2..+2) and its weight (default 1)."""

    score: int
    weight: float = 1.0

    def __post_init__(self) -> None:
        _check_score(self.score)
        _check_weight(self.weight)


def gas_t_score(
    scores: Sequence[int], weights: Sequence[float] | None = None, rho: float = DEFAULT_RHO
) -> float | None:
    """The GAS T-score (Kiresuk & Sherman 1968) of goals scored -2..+2; None without goals.

    ``weights`` default to 1 for every goal. Raises ValueError for a score that is not an
    integer in -2..+2, a weight that is not a positive finite number, a ``weights`` of another
    length than ``scores``, or a ``rho`` outside 0..1.
    """
    if weights is None:
        weights = [1.0] * len(scores)
    if len(weights) != len(scores):
        raise ValueError(f"{len(scores)} scores but {len(weights)} weights")
    for score in scores:
        _check_score(score)
    for weight in weights:
        _check_weight(weight)
    return gas_t_score_from_sums(
        GasSums(
            goals=len(scores),
            weighted_scores=math.fsum(w * x for w, x in zip(weights, scores, strict=True)),
            squared_weights=math.fsum(w * w for w in weights),
            weights=math.fsum(weights),
        ),
        rho,
    )


def gas_t_score_for_goals(goals: Iterable[ScoredGoal], rho: float = DEFAULT_RHO) -> float | None:
    """:func:`gas_t_score` of :class:`ScoredGoal` objects; None without goals."""
    goals = list(goals)
    return gas_t_score([g.score for g in goals], [g.weight for g in goals], rho)


def gas_sums(goals: Iterable[ScoredGoal]) -> GasSums:
    """The sums of :class:`GasSums` over ``goals``."""
    goals = list(goals)
    return GasSums(
        goals=len(goals),
        weighted_scores=math.fsum(g.weight * g.score for g in goals),
        squared_weights=math.fsum(g.weight * g.weight for g in goals),
        weights=math.fsum(g.weight for g in goals),
    )


def gas_t_score_from_sums(sums: GasSums, rho: float = DEFAULT_RHO) -> float | None:
    """The Kiresuk & Sherman T-score from the sums over a set of goals; None without goals.

    Raises ValueError for a ``rho`` outside 0..1 or sums no set of valid goals can have."""
    if not (isinstance(rho, int | float) and 0.0 <= rho <= 1.0):
        raise ValueError(f"rho must be between 0 and 1, not {rho!r}")
    if sums.goals == 0:
        # No goals means nothing was attained or missed: "50" would claim "as expected".
        return None
    if sums.goals < 0 or sums.weights <= 0 or sums.squared_weights <= 0:
        raise ValueError(f"these are not the sums of goals with positive weights: {sums!r}")
    if abs(sums.weighted_scores) > GAS_MAX_SCORE * sums.weights + 1e-9:
        raise ValueError(f"the weighted scores lie outside -2..+2 per goal: {sums!r}")
    # Variance of sum(w * x) when each x has variance 1 and every pair correlates rho; positive
    # because all weights are positive and 0 <= rho <= 1.
    variance = (1.0 - rho) * sums.squared_weights + rho * sums.weights**2
    return 50.0 + 10.0 * sums.weighted_scores / math.sqrt(variance)


def _check_score(score: object) -> None:
    # bool is a subclass of int, but True as a goal score is a bug upstream, not "+1".
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError(f"a GAS score must be an integer, not {score!r}")
    if not GAS_MIN_SCORE <= score <= GAS_MAX_SCORE:
        raise ValueError(f"a GAS score must be between -2 and +2, not {score}")


def _check_weight(weight: object) -> None:
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not math.isfinite(weight)
        or weight <= 0
    ):
        raise ValueError(f"a GAS weight must be a positive number, not {weight!r}")
