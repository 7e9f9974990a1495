"""The goal figures: goals set, goals reached and the mean GAS T-score - one more family of
blocks, like the life domains.

Goals are recorded by the goals feature (goals, goal <-> life domain, a score -2..+2 per goal per
measurement, status open / reached / stopped). Until it is there, :data:`AVAILABLE` is False,
:func:`goal_atoms` finds nothing and every goal figure is suppressed and hidden.

To switch it on, fill in :func:`goal_atoms` with ONE grouped SQL query in the style of
``atoms.change_atoms``: join the goals to ``OutcomeResident`` (through ``atoms._in_scope``, which
also applies the population of countable residents) and group by ``atoms._key_columns()``. Per
atom return the integer sums below; ``sum_t_milli`` is the sum of each resident's GAS T-score of
their latest scored measurement (``wattelt.scoring.gas``), in thousandths and rounded, so that
SQLite and PostgreSQL add up identical integers. Then set :data:`AVAILABLE` to True. The
disclosure control, the API, the exports and the codebook pick the section up from there.
"""

from __future__ import annotations

from sqlmodel import Session

from wattelt.outcomes.atoms import Key, Scope
from wattelt.outcomes.results import GoalFigures

AVAILABLE = False

#: n = residents with at least one goal; the block threshold applies to n.
GOAL_SUMS = ("n", "goals_set", "goals_reached", "n_t", "sum_t_milli")


def goal_atoms(db: Session, scope: Scope) -> dict[Key, dict[str, int]]:
    """Per atom the goal sums (see the module text). Nothing yet: goals are not recorded."""
    return {}


def finish(sums: dict[str, int] | None) -> GoalFigures:
    """Published goal figures from the sums over whole blocks (None: suppressed)."""
    if not AVAILABLE or sums is None:
        return GoalFigures(
            available=AVAILABLE,
            suppressed=True,
            residents=None,
            goals_set=None,
            goals_reached=None,
            reached_share=None,
            mean_gas_t=None,
        )
    goals_set = sums.get("goals_set", 0)
    n_t = sums.get("n_t", 0)
    return GoalFigures(
        available=True,
        suppressed=False,
        residents=sums["n"],
        goals_set=goals_set,
        goals_reached=sums.get("goals_reached", 0),
        reached_share=sums.get("goals_reached", 0) / goals_set if goals_set else None,
        mean_gas_t=sums.get("sum_t_milli", 0) / 1000 / n_t if n_t else None,
    )
