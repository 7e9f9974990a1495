"""The aggregates, computed in SQL: sums per smallest group ("atom") of residents.

An atom is one combination of the filter dimensions - organisation, district, age band, year and
quarter of the first measurement, questionnaire version. Every figure is a sum of these sums,
so the database does the counting (GROUP BY with CASE), and Python only adds up a few thousand
rows and finishes means, intervals and effect sizes from (n, sum, sum of squares).

All sums are of integers, so SQLite and PostgreSQL give identical results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from wattelt.models import OVERALL, OutcomeItem, OutcomeResident
from wattelt.models.outcome import WISHES_INDEX_WHERE
from wattelt.outcomes.disclosure import AtomSums, Key
from wattelt.outcomes.population import countable

#: The overall grade (1-10) counts as changed from this many points; the life domains use their
#: questionnaire's ``scale.change_threshold``.
GRADE_CHANGE_THRESHOLD = 1
#: Baseline distribution: values 1..10 cover the domain scales (1-5) and the grade (1-10).
DISTRIBUTION_VALUES = tuple(range(1, 11))


@dataclass(frozen=True)
class Scope:
    """Whose residents a viewer's figures are about: the organisations of one chain (or one
    organisation without a chain). Disclosure control always works on the whole scope, so a
    manager's figures are exactly the chain's figures for their organisation."""

    organisation_ids: tuple[int, ...]
    chain_id: int | None = None
    name: str = ""


def _key_columns() -> list[ColumnElement]:
    return [
        col(OutcomeResident.organisation_id).label("organisation_id"),
        col(OutcomeResident.district_id).label("district_id"),
        col(OutcomeResident.age_band).label("age_band"),
        col(OutcomeResident.baseline_year).label("year"),
        col(OutcomeResident.baseline_quarter).label("quarter"),
        col(OutcomeResident.questionnaire_key).label("questionnaire_key"),
        col(OutcomeResident.questionnaire_version).label("questionnaire_version"),
    ]


def _in_scope(query, scope: Scope):
    """Only residents of the scope who may be counted (``wattelt.outcomes.population``)."""
    return query.where(col(OutcomeResident.organisation_id).in_(scope.organisation_ids)).where(
        countable()
    )


def _count_if(condition) -> ColumnElement:
    return func.sum(case((condition, 1), else_=0))


def _rows(db: Session, query) -> list:
    """The rows as plain tuples, straight from the connection (no ORM objects)."""
    return db.connection().execute(query).all()


def resident_atoms(db: Session, scope: Scope) -> AtomSums:
    """Per atom: residents measured (``n``) and measured at least twice (``repeated``)."""
    keys = _key_columns()
    query = _in_scope(
        select(
            *keys,
            func.count().label("n"),
            _count_if(col(OutcomeResident.measurements) >= 2).label("repeated"),
        ).select_from(OutcomeResident),
        scope,
    ).group_by(*keys)
    return AtomSums.from_rows(("n", "repeated"), _rows(db, query))


def wish_atoms(db: Session, scope: Scope) -> AtomSums:
    """Per atom and item: residents who said at their first measurement (in their own view)
    that they want to work on it."""
    keys = _key_columns()
    query = (
        _in_scope(
            select(*keys, col(OutcomeItem.item), func.count().label("n"))
            .select_from(OutcomeResident)
            .join(OutcomeItem, col(OutcomeItem.resident_id) == col(OutcomeResident.resident_id)),
            scope,
        )
        # Written as the partial index ix_outcome_item_wishes is, so the planner can use it.
        .where(WISHES_INDEX_WHERE)
        .group_by(*keys, col(OutcomeItem.item))
    )
    found: dict[Key, dict[str, int]] = {}
    for row in _rows(db, query):
        found.setdefault(tuple(row[:7]), {})[row[7]] = int(row[8])
    return AtomSums.from_mapping({key: {"n": 0, **wishes} for key, wishes in found.items()})


#: The sums kept per atom and item for the change figures.
CHANGE_SUMS: Sequence[str] = (
    "n",
    "sum_baseline",
    "sum_latest",
    "sum_diff",
    "sum_diff2",
    "improved",
    "same",
    "declined",
    *(f"baseline_{v}" for v in DISTRIBUTION_VALUES),
)


def change_atoms(db: Session, scope: Scope, perspective: str) -> dict[str, AtomSums]:
    """Per item and atom, for residents with a numeric answer at the first AND the latest
    measurement (so measured at least twice): the sums behind every per-domain figure."""
    keys = _key_columns()
    baseline = col(OutcomeItem.baseline_value)
    latest = col(OutcomeItem.latest_value)
    diff = latest - baseline
    threshold = case(
        (col(OutcomeItem.item) == OVERALL, GRADE_CHANGE_THRESHOLD),
        else_=col(OutcomeResident.change_threshold),
    )
    sums = [
        func.count().label("n"),
        func.sum(baseline).label("sum_baseline"),
        func.sum(latest).label("sum_latest"),
        func.sum(diff).label("sum_diff"),
        func.sum(diff * diff).label("sum_diff2"),
        _count_if(diff >= threshold).label("improved"),
        _count_if(and_(diff < threshold, -diff < threshold)).label("same"),
        _count_if(-diff >= threshold).label("declined"),
        *(_count_if(baseline == v).label(f"baseline_{v}") for v in DISTRIBUTION_VALUES),
    ]
    query = (
        _in_scope(
            select(*keys, col(OutcomeItem.item), *sums)
            .select_from(OutcomeResident)
            .join(OutcomeItem, col(OutcomeItem.resident_id) == col(OutcomeResident.resident_id)),
            scope,
        )
        .where(col(OutcomeItem.perspective) == perspective)
        .where(baseline.is_not(None))
        .where(latest.is_not(None))
        .group_by(*keys, col(OutcomeItem.item))
    )
    keys: dict[str, list] = {}
    values: dict[str, list] = {}
    for row in _rows(db, query):
        item = row[7]
        if item not in keys:
            keys[item], values[item] = [], []
        keys[item].append(tuple(row[:7]))
        values[item].append(row[8:])
    return {
        item: AtomSums(CHANGE_SUMS, keys[item], np.array(values[item], dtype=np.int64))
        for item in keys
    }


__all__ = ["Key", "Scope", "change_atoms", "resident_atoms", "wish_atoms"]
