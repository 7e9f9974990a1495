"""The per-resident summary of rounds behind the anonymous figures.

For every resident with a completed measurement it keeps the first (T0) and the latest completed
measurement, ordered by ``completed_at`` then ``id`` (``ROW_NUMBER() OVER (PARTITION BY
resident_id ORDER BY completed_at, id)``, the same order as the person's report), and per
perspective and item the numeric answer at both, with what the figures group and filter by: the
registering organisation, the district, the age band at the first measurement and whether the
resident's newest choice lets them be counted. Everything is computed in SQL with window
functions (``INSERT ... SELECT``), for one resident when a measurement is completed or
corrected, their counting consent or details change, or after an erasure; or for everyone with
:func:`rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlmodel import Session, col

from wattelt.consent.services import counted_residents
from wattelt.models import (
    Answer,
    Involvement,
    Measurement,
    OutcomeItem,
    OutcomeResident,
    Resident,
    utcnow,
)
from wattelt.outcomes import atom_table
from wattelt.outcomes.dimensions import age_band_of
from wattelt.outcomes.goals import goals_per_resident, t_per_resident
from wattelt.questionnaires.loader import registry


def _threshold():
    """The change threshold of the round's questionnaire, from the definition files."""
    whens = [
        (
            and_(
                col(Measurement.questionnaire_key) == q.key,
                col(Measurement.questionnaire_version) == q.version,
            ),
            q.scale.change_threshold,
        )
        for q in registry().all()
    ]
    return case(*whens, else_=1) if whens else literal(1)


def _ranked(resident_ids: list[int] | None):
    """Completed measurements with their place among the resident's rounds, both ways."""
    by_resident = col(Measurement.resident_id)
    query = select(
        col(Measurement.id).label("measurement_id"),
        by_resident.label("resident_id"),
        col(Measurement.questionnaire_key).label("questionnaire_key"),
        col(Measurement.questionnaire_version).label("questionnaire_version"),
        cast(extract("year", col(Measurement.completed_at)), Integer).label("year"),
        cast(extract("month", col(Measurement.completed_at)), Integer).label("month"),
        _threshold().label("change_threshold"),
        func.row_number()
        .over(
            partition_by=by_resident,
            order_by=(col(Measurement.completed_at), col(Measurement.id)),
        )
        .label("first_rank"),
        func.row_number()
        .over(
            partition_by=by_resident,
            order_by=(col(Measurement.completed_at).desc(), col(Measurement.id).desc()),
        )
        .label("last_rank"),
        func.count().over(partition_by=by_resident).label("rounds"),
    ).where(col(Measurement.status) == "completed")
    if resident_ids is not None:
        query = query.where(by_resident.in_(resident_ids))
    return query.subquery("ranked")


def refresh(db: Session, resident_ids: Iterable[int] | None = None) -> None:
    """Recompute the summary for these residents (``None``: everyone), within the transaction."""
    ids = None if resident_ids is None else sorted(set(resident_ids))
    if ids == []:
        return
    atom_table.bump_version(db)
    if ids is not None:
        # Take these residents' present rows out of their atoms' sums; the new rows go in below.
        atom_table.add(db, ids, -1)
    for table in (OutcomeItem, OutcomeResident):
        statement = delete(table)
        if ids is not None:
            statement = statement.where(col(table.resident_id).in_(ids))
        db.exec(statement)  # type: ignore[call-overload]

    ranked = _ranked(ids)

    def at_first(column):
        return func.max(case((ranked.c.first_rank == 1, column)))

    # One pass over the ranked rounds, no self-join: each resident's first and last round
    # become one row by conditional aggregation (robust whatever the planner's statistics).
    per_resident = (
        select(
            ranked.c.resident_id.label("resident_id"),
            func.max(ranked.c.rounds).label("rounds"),
            at_first(ranked.c.measurement_id).label("baseline_id"),
            func.max(case((ranked.c.last_rank == 1, ranked.c.measurement_id))).label("latest_id"),
            at_first(ranked.c.questionnaire_key).label("questionnaire_key"),
            at_first(ranked.c.questionnaire_version).label("questionnaire_version"),
            at_first(ranked.c.year).label("year"),
            at_first(ranked.c.month).label("month"),
            at_first(ranked.c.change_threshold).label("change_threshold"),
        )
        .where((ranked.c.first_rank == 1) | (ranked.c.last_rank == 1))
        .group_by(ranked.c.resident_id)
        .subquery("per_resident")
    )
    registered = (
        select(col(Involvement.organisation_id))
        .where(col(Involvement.resident_id) == per_resident.c.resident_id)
        .order_by(col(Involvement.id))
        .limit(1)
        .scalar_subquery()
    )
    goals = goals_per_resident(ids)
    gas = t_per_resident(ids)
    rounds = select(
        per_resident.c.resident_id,
        registered,
        per_resident.c.rounds,
        per_resident.c.baseline_id,
        per_resident.c.latest_id,
        per_resident.c.questionnaire_key,
        per_resident.c.questionnaire_version,
        per_resident.c.year,
        (per_resident.c.month + 2) // 3,
        per_resident.c.change_threshold,
        col(Resident.district_id),
        age_band_of(per_resident.c.year - col(Resident.birth_year)),
        per_resident.c.resident_id.in_(counted_residents()),
        func.coalesce(goals.c.goals_set, 0),
        func.coalesce(goals.c.goals_reached, 0),
        gas.c.t_milli,
        literal(utcnow()),
    )
    rounds = (
        rounds.join(Resident, col(Resident.id) == per_resident.c.resident_id)
        .join(goals, goals.c.resident_id == per_resident.c.resident_id, isouter=True)
        .join(gas, gas.c.resident_id == per_resident.c.resident_id, isouter=True)
    )
    db.exec(  # type: ignore[call-overload]
        insert(OutcomeResident).from_select(
            [
                "resident_id",
                "organisation_id",
                "measurements",
                "baseline_measurement_id",
                "latest_measurement_id",
                "questionnaire_key",
                "questionnaire_version",
                "baseline_year",
                "baseline_quarter",
                "change_threshold",
                "district_id",
                "age_band",
                "counted",
                "goals_set",
                "goals_reached",
                "gas_t_milli",
                "refreshed_at",
            ],
            rounds,
        )
    )

    baseline = Answer.__table__.alias("baseline_answer")  # type: ignore[attr-defined]
    latest = Answer.__table__.alias("latest_answer")  # type: ignore[attr-defined]
    summary = OutcomeResident.__table__  # type: ignore[attr-defined]
    items = (
        select(
            summary.c.resident_id,
            baseline.c.perspective,
            baseline.c.item,
            baseline.c.value,
            latest.c.value,
            baseline.c.wants_to_work,
        )
        .select_from(summary)
        .join(baseline, baseline.c.measurement_id == summary.c.baseline_measurement_id)
        .join(
            latest,
            and_(
                latest.c.measurement_id == summary.c.latest_measurement_id,
                latest.c.measurement_id != summary.c.baseline_measurement_id,
                latest.c.perspective == baseline.c.perspective,
                latest.c.item == baseline.c.item,
            ),
            isouter=True,
        )
    )
    if ids is not None:
        items = items.where(summary.c.resident_id.in_(ids))
    db.exec(  # type: ignore[call-overload]
        insert(OutcomeItem).from_select(
            [
                "resident_id",
                "perspective",
                "item",
                "baseline_value",
                "latest_value",
                "wants_to_work",
            ],
            items,
        )
    )
    if ids is None:
        atom_table.rebuild(db)
    else:
        atom_table.add(db, ids, 1)
        atom_table.drop_empty(db)
    db.flush()


def rebuild(db: Session) -> int:
    """Recompute the whole summary; returns the number of residents in it."""
    refresh(db, None)
    if db.get_bind().dialect.name == "postgresql":
        # The tables were just filled anew: fresh statistics keep the figures' plans fast.
        db.exec(text("ANALYZE outcome_resident, outcome_item, outcome_atom"))  # type: ignore[call-overload]
    return db.exec(select(func.count()).select_from(OutcomeResident)).one()[0]  # type: ignore[call-overload]
