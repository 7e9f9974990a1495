"""What belongs to the plan as a whole: the next appointment and the case director."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from wattelt.goals import history
from wattelt.goals.services import Conflict, compare_and_set
from wattelt.models import Plan, Resident, User, utcnow
from wattelt.notices import services as notices
from wattelt.residents import services as residents

NOTE_MAX = 200


def plan_of(db: Session, resident: Resident) -> Plan | None:
    return db.exec(select(Plan).where(Plan.resident_id == resident.id)).first()


def _describe(on: date | None, at: time | None, note: str) -> str:
    """An appointment in short for the history, e.g. ``2026-12-03 10:00 · at the office``."""
    parts = [on.isoformat() if on else "", at.strftime("%H:%M") if at else "", note]
    return " \u00b7 ".join(p for p in (" ".join(p for p in parts[:2] if p), parts[2]) if p)


def set_appointment(
    db: Session,
    resident: Resident,
    user: User,
    expected_version: int,
    on: date | None,
    at: time | None,
    note: str,
) -> Plan:
    """Set (or, with no date, clear) the next appointment. ``expected_version`` is 0 when the
    form saw no plan record yet; someone else's save in between raises :class:`Conflict`."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX or (at is not None and on is None):
        raise ValueError("a time needs a date, and the note is at most 200 characters")
    if on is None:
        at, note = None, ""
    plan = plan_of(db, resident)
    old = _describe(plan.next_on, plan.next_at, plan.next_note) if plan else ""
    values = {"next_on": on, "next_at": at, "next_note": note}
    if plan is None:
        if expected_version != 0:
            raise Conflict(None)
        plan = Plan(resident_id=resident.id, updated_by_id=user.id, **values)
        db.add(plan)
        try:
            db.flush()
        except IntegrityError:  # made by someone else at the very same moment
            db.rollback()
            raise Conflict(None) from None
    else:
        compare_and_set(
            db,
            Plan,
            plan,
            expected_version,
            dict(values, updated_by_id=user.id, updated_at=utcnow()),
        )
    new = _describe(on, at, note)
    if new != old:
        history.record(db, resident.id, "appointment", user, old=old, new=new)
    db.flush()
    return plan


def change_case_director(
    db: Session, resident: Resident, user: User, expected_version: int, director_id: int
) -> None:
    """Make ``director_id`` the case director unless the resident changed meanwhile (then
    :class:`residents.services.ConflictError`); the change goes into the plan's history."""
    old_id = resident.case_director_id
    residents.set_case_director(db, resident, expected_version, director_id)
    record_case_director(db, resident, user, old_id)


def record_case_director(
    db: Session, resident: Resident, user: User, old_director_id: int | None
) -> None:
    """Write a case director change (made here or on the resident's page) into the history, and
    tell the resident and their own organisation (a notice)."""
    if old_director_id == resident.case_director_id:
        return
    old = db.get(User, old_director_id) if old_director_id else None
    new = db.get(User, resident.case_director_id) if resident.case_director_id else None
    history.record(
        db,
        resident.id,
        "case_director",
        user,
        old=old.display_name if old else "",
        new=new.display_name if new else "",
    )
    notices.case_director_changed(db, resident, user, old, new)
    db.flush()
