"""The goal figures: goals set, goals reached and the mean GAS T-score - one more family of
blocks, like the life domains.

Per resident in the figures (counted and in scope): how many goals their plan has, how many were
reached, and the Goal Attainment Scaling T-score (Kiresuk & Sherman 1968, formula in
``wattelt.scoring.gas``) of their latest scored follow-up measurement. Everything is computed in
SQL: each resident's sums (sum(w*x), sum(w^2), sum(w)) over the goals scored at that measurement,
the T-score from them, and then integer sums per atom; ``sum_t_milli`` adds the T-scores in
thousandths, rounded, so that SQLite and PostgreSQL add up identical integers.
"""

from __future__ import annotations

from sqlalchemy import Integer, case, cast, func, select
from sqlmodel import Session, col

from wattelt.models import Goal, GoalScore, Measurement
from wattelt.outcomes.atoms import Scope, ScopeAtoms, read_scope
from wattelt.outcomes.disclosure import AtomSums
from wattelt.outcomes.results import GoalFigures
from wattelt.scoring.gas import DEFAULT_RHO

AVAILABLE = True

#: n = residents with at least one goal; the block threshold applies to n. (Sums s0-s2 of a
#: goals atom.)
GOAL_SUMS = ("n", "goals_set", "goals_reached")
GOAL_COLUMNS = slice(0, 3)
#: n = residents with a T-score; a family of blocks of its own, so that the mean T-score never
#: rests on fewer than k scored residents, also not as the difference of two published means.
#: (Sums s3-s4 of a goals atom.)
GAS_SUMS = ("n", "sum_t_milli")
GAS_COLUMNS = slice(3, 5)


def goals_per_resident(resident_ids: list[int] | None = None):
    """Each resident's goals set and reached (residents with a goal only)."""
    query = select(
        col(Goal.resident_id).label("resident_id"),
        func.count().label("goals_set"),
        func.sum(case((col(Goal.status) == "reached", 1), else_=0)).label("goals_reached"),
    ).group_by(col(Goal.resident_id))
    if resident_ids is not None:
        query = query.where(col(Goal.resident_id).in_(resident_ids))
    return query.subquery("goals_per_resident")


def t_per_resident(resident_ids: list[int] | None = None, rho: float = DEFAULT_RHO):
    """Each resident's GAS T-score (in thousandths) at their latest scored, completed round."""
    ranked = (
        select(
            col(Goal.resident_id).label("resident_id"),
            col(GoalScore.score).label("score"),
            col(Goal.weight).label("weight"),
            func.dense_rank()
            .over(
                partition_by=col(Goal.resident_id),
                order_by=(col(Measurement.completed_at).desc(), col(Measurement.id).desc()),
            )
            .label("recency"),
        )
        .join(Goal, col(Goal.id) == col(GoalScore.goal_id))
        .join(Measurement, col(Measurement.id) == col(GoalScore.measurement_id))
        .where(col(Measurement.status) == "completed")
    )
    if resident_ids is not None:
        ranked = ranked.where(col(Goal.resident_id).in_(resident_ids))
    ranked = ranked.subquery("ranked_scores")
    sums = (
        select(
            ranked.c.resident_id,
            func.sum(ranked.c.weight * ranked.c.score).label("weighted"),
            func.sum(ranked.c.weight * ranked.c.weight).label("squared"),
            func.sum(ranked.c.weight).label("weights"),
        )
        .where(ranked.c.recency == 1)
        .group_by(ranked.c.resident_id)
        .subquery("gas_sums")
    )
    # T = 50 + 10 * sum(w*x) / sqrt((1 - rho) * sum(w^2) + rho * (sum(w))^2), weights > 0.
    variance = (1.0 - rho) * sums.c.squared + rho * sums.c.weights * sums.c.weights
    t_score = 50.0 + 10.0 * sums.c.weighted / func.sqrt(variance)
    return select(
        sums.c.resident_id, cast(func.round(t_score * 1000.0), Integer).label("t_milli")
    ).subquery("gas_t")


def goal_atoms(db: Session, scope: Scope) -> tuple[AtomSums, AtomSums]:
    """Per atom: the goal sums (residents with a goal, goals set, goals reached) and the GAS
    sums (residents with a T-score, the sum of their T-scores in thousandths)."""
    found = read_scope(db, scope, "resident")
    return goal_sums(found)


def goal_sums(found: ScopeAtoms) -> tuple[AtomSums, AtomSums]:
    return (
        found.sums(GOAL_SUMS, found.goals, GOAL_COLUMNS),
        found.sums(GAS_SUMS, found.goals, GAS_COLUMNS),
    )


def finish(sums: dict[str, int] | None, gas: dict[str, int] | None) -> GoalFigures:
    """Published goal figures from the sums over whole blocks (None: suppressed)."""
    mean_t = gas["sum_t_milli"] / 1000 / gas["n"] if gas and gas.get("n") else None
    scored = gas.get("n") if gas else None
    if sums is None:
        return GoalFigures(
            available=AVAILABLE,
            suppressed=True,
            residents=None,
            goals_set=None,
            goals_reached=None,
            reached_share=None,
            scored_residents=scored,
            mean_gas_t=mean_t,
        )
    goals_set = sums.get("goals_set", 0)
    return GoalFigures(
        available=True,
        suppressed=False,
        residents=sums["n"],
        goals_set=goals_set,
        goals_reached=sums.get("goals_reached", 0),
        reached_share=sums.get("goals_reached", 0) / goals_set if goals_set else None,
        scored_residents=scored,
        mean_gas_t=mean_t,
    )
