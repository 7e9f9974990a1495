"""What a measurement round is. The one place that says so.

A resident's *completed* measurements, ordered by ``completed_at`` and then ``id``, are the
rounds T0 (the baseline), T1, T2, ... Drafts and stopped measurements never count. In SQL that is
``ROW_NUMBER() OVER (PARTITION BY resident_id ORDER BY completed_at, id) - 1`` over completed
measurements: use :func:`round_number` and :func:`is_round` (the anonymised dashboards number
rounds the same way) instead of writing the order again.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from wattelt.models import Measurement

#: The order of a resident's rounds: by completion, ties broken by id.
ROUND_ORDER = (col(Measurement.completed_at), col(Measurement.id))


def is_round() -> ColumnElement[bool]:
    """Only completed measurements are rounds."""
    return col(Measurement.status) == "completed"


def round_number() -> ColumnElement[int]:
    """0 for a resident's baseline (T0), 1 for T1, ... (use together with :func:`is_round`)."""
    return (
        func.row_number().over(partition_by=col(Measurement.resident_id), order_by=ROUND_ORDER) - 1
    )


def round_label(number: int) -> str:
    """T0, T1, ...: the same in every language, as in the field's own reports."""
    return f"T{number}"


def rounds_of(db: Session, resident_id: int) -> list[Measurement]:
    """The resident's rounds, T0 first."""
    return list(
        db.exec(
            select(Measurement)
            .where(Measurement.resident_id == resident_id, is_round())
            .order_by(*ROUND_ORDER)
        ).all()
    )


def previous_round(db: Session, measurement: Measurement) -> Measurement | None:
    """The round before ``measurement``: for a completed one the round just before it, for a
    draft (or a stopped one) the resident's latest round."""
    query = select(Measurement).where(
        Measurement.resident_id == measurement.resident_id,
        is_round(),
        col(Measurement.id) != measurement.id,
    )
    if measurement.status == "completed" and measurement.completed_at is not None:
        earlier = col(Measurement.completed_at) < measurement.completed_at
        tie = (col(Measurement.completed_at) == measurement.completed_at) & (
            col(Measurement.id) < measurement.id
        )
        query = query.where(earlier | tie)
    return db.exec(query.order_by(*(c.desc() for c in ROUND_ORDER))).first()
