"""Consent: which organisations may see a resident's data, and whether their answers count.

The rule a municipality's privacy officer expects (AVG: purpose limitation):

* The resident's *own* organisation always has access: the organisation that registered the
  resident (the first involvement). It processes the data under its public task.
* Every *other* involved organisation sees measurements, plan and report only with the
  resident's recorded consent for that organisation, also when one of its coaches is the case
  director: being made case director never replaces the resident's consent (only a coach of an
  organisation that may see the resident can become case director, and a withdrawn consent
  ends that coach's access too). Without consent it sees only that the resident exists in its
  own records.
* A "no" the resident gave on their own account is undone only by the resident
  (:func:`record_choices`).
* A manager is treated as their organisation.
* Anonymous counting in the chain's figures needs its own consent (:func:`counted_residents`).

Consent is a history (:class:`~wattelt.models.ConsentRecord`); the newest row per resident,
purpose and organisation is the current choice. No row means no consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, or_
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col, select

from wattelt import clock
from wattelt.models import ConsentRecord, Involvement, Organisation, Resident, User


def _latest_ids(purpose: str) -> Select:
    """The id of the newest consent row per resident (and organisation) for ``purpose``."""
    return (
        select(func.max(ConsentRecord.id))
        .where(ConsentRecord.purpose == purpose)
        .group_by(ConsentRecord.resident_id, ConsentRecord.organisation_id)
    )


def counted_residents() -> Select:
    """Resident ids whose answers may be counted, anonymously, in the chain's figures.

    For the dashboard: ``.where(col(Measurement.resident_id).in_(counted_residents()))``. A
    withdrawn consent drops the resident from the very next query."""
    return select(ConsentRecord.resident_id).where(
        col(ConsentRecord.id).in_(_latest_ids("count")), col(ConsentRecord.granted)
    )


def shared_residents(organisation_id: int | None) -> Select:
    """Resident ids who consented to sharing their data with ``organisation_id``."""
    return select(ConsentRecord.resident_id).where(
        col(ConsentRecord.id).in_(_latest_ids("share")),
        ConsentRecord.organisation_id == organisation_id,
        col(ConsentRecord.granted),
    )


def own_residents(organisation_id: int | None) -> Select:
    """Resident ids for whom ``organisation_id`` is the resident's own organisation (the one that
    registered them)."""
    return select(Involvement.resident_id).where(
        Involvement.organisation_id == organisation_id,
        col(Involvement.id).in_(select(func.min(Involvement.id)).group_by(Involvement.resident_id)),
    )


def may_see_person_data(organisation_id: int | None) -> ColumnElement[bool]:
    """A condition on ``Resident.id``: the organisation is the resident's own, or has consent."""
    if organisation_id is None:
        return literal(False)
    return or_(
        col(Resident.id).in_(own_residents(organisation_id)),
        col(Resident.id).in_(shared_residents(organisation_id)),
    )


def own_organisation_ids(db: Session, resident: Resident) -> set[int]:
    """The resident's own organisation (the one that registered them), as a set."""
    first = db.exec(
        select(Involvement.organisation_id)
        .where(Involvement.resident_id == resident.id)
        .order_by(col(Involvement.id))
        .limit(1)
    ).first()
    return {first} if first is not None else set()


def has_share_consent(db: Session, resident_id: int, organisation_id: int) -> bool:
    row = db.exec(
        select(ConsentRecord.granted)
        .where(
            ConsentRecord.resident_id == resident_id,
            ConsentRecord.purpose == "share",
            ConsentRecord.organisation_id == organisation_id,
        )
        .order_by(col(ConsentRecord.id).desc())
        .limit(1)
    ).first()
    return bool(row)


def organisation_may_see(db: Session, organisation_id: int | None, resident: Resident) -> bool:
    if organisation_id is None:
        return False
    if organisation_id in own_organisation_ids(db, resident):
        return True
    return has_share_consent(db, resident.id, organisation_id)


# --------------------------------------------------------------------- recording choices


@dataclass
class Choice:
    """The current choice for one purpose (and organisation), for the consent page."""

    purpose: str
    organisation: Organisation | None
    granted: bool | None  # None: never asked
    recorded_at: datetime | None = None
    explained_by: str | None = None


class ConsentConflict(Exception):
    """Someone changed the consent since the form was opened."""


class ResidentsOwnChoice(Exception):
    """Someone else tried to turn a "no" that the resident gave themself into a "yes"."""


def _latest_rows(db: Session, resident: Resident) -> dict[tuple[str, int | None], ConsentRecord]:
    """The newest consent row per (purpose, organisation): the current choices."""
    return {
        (row.purpose, row.organisation_id): row
        for row in db.exec(
            select(ConsentRecord)
            .where(ConsentRecord.resident_id == resident.id)
            .order_by(col(ConsentRecord.id))
        ).all()
    }


def residents_own_noes(db: Session, resident: Resident) -> set[tuple[str, int | None]]:
    """The current choices that are a "no" the resident recorded on their own account: only the
    resident can undo them."""
    if resident.account_id is None:
        return set()
    latest = _latest_rows(db, resident)
    return {
        key
        for key, row in latest.items()
        if not row.granted and row.recorded_by_id == resident.account_id
    }


def consent_version(db: Session, resident: Resident) -> int:
    """The id of the newest consent row of the resident: changes with every recorded choice."""
    return db.exec(
        select(func.coalesce(func.max(ConsentRecord.id), 0)).where(
            ConsentRecord.resident_id == resident.id
        )
    ).one()


def partner_organisations(db: Session, resident: Resident) -> list[Organisation]:
    """The involved organisations that need consent: active, and not the resident's own."""
    own = own_organisation_ids(db, resident)
    today = clock.today()
    rows = db.exec(
        select(Organisation)
        .join(Involvement, col(Involvement.organisation_id) == Organisation.id)
        .where(
            Involvement.resident_id == resident.id,
            or_(col(Involvement.ended_on).is_(None), col(Involvement.ended_on) > today),
        )
        .order_by(Organisation.name)
    ).all()
    return [org for org in rows if org.id not in own]


def current_choices(db: Session, resident: Resident) -> list[Choice]:
    """The counting choice first, then one per partner organisation."""
    latest = _latest_rows(db, resident)
    people = _names(db, {r.explained_by_id for r in latest.values() if r.explained_by_id})

    def choice(purpose: str, organisation: Organisation | None) -> Choice:
        row = latest.get((purpose, organisation.id if organisation else None))
        if row is None:
            return Choice(purpose, organisation, None)
        return Choice(
            purpose, organisation, row.granted, row.recorded_at, people.get(row.explained_by_id)
        )

    return [choice("count", None)] + [
        choice("share", org) for org in partner_organisations(db, resident)
    ]


def _names(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {u.id: u.display_name for u in db.exec(select(User).where(col(User.id).in_(ids))).all()}


def record_choices(
    db: Session,
    resident: Resident,
    choices: dict[tuple[str, int | None], bool],
    *,
    expected_version: int,
    recorded_by: User,
    explained_by_id: int | None,
) -> list[ConsentRecord]:
    """Record the choices that differ from the current ones; returns the new rows.

    ``choices`` maps (purpose, organisation id or None) to granted. Only the counting choice
    and the resident's partner organisations may be given (a tampered form raises ValueError).
    When someone recorded a choice after ``expected_version``, nothing is written."""
    allowed = {("count", None)} | {("share", org.id) for org in partner_organisations(db, resident)}
    if not set(choices) <= allowed:
        raise ValueError("consent for an organisation that is not a partner of this resident")
    # Lock the resident's row (PostgreSQL; SQLite writes one at a time anyway), so two people
    # saving at the same moment cannot both pass the version check.
    db.exec(select(Resident.id).where(Resident.id == resident.id).with_for_update())
    if consent_version(db, resident) != expected_version:
        raise ConsentConflict
    current = {
        (c.purpose, c.organisation.id if c.organisation else None): c.granted
        for c in current_choices(db, resident)
    }
    if recorded_by.id != resident.account_id:
        undone = [
            key
            for key, granted in choices.items()
            if granted and key in residents_own_noes(db, resident)
        ]
        if undone:
            raise ResidentsOwnChoice
    rows = [
        ConsentRecord(
            resident_id=resident.id,
            purpose=purpose,
            organisation_id=organisation_id,
            granted=granted,
            explained_by_id=explained_by_id,
            recorded_by_id=recorded_by.id,
        )
        for (purpose, organisation_id), granted in choices.items()
        if current.get((purpose, organisation_id)) is not granted
    ]
    db.add_all(rows)
    db.flush()
    if any(row.purpose == "count" for row in rows):
        # The anonymous figures read the choice from the summary: update it in this transaction.
        from wattelt.outcomes import summary

        summary.refresh(db, [resident.id])  # type: ignore[list-item]
    return rows


def history(db: Session, resident: Resident) -> list[tuple[ConsentRecord, str | None, str]]:
    """Every recorded choice, newest first, with the organisation's name and who explained."""
    rows = db.exec(
        select(ConsentRecord, Organisation)
        .join(Organisation, col(Organisation.id) == ConsentRecord.organisation_id, isouter=True)
        .where(ConsentRecord.resident_id == resident.id)
        .order_by(col(ConsentRecord.id).desc())
    ).all()
    people = _names(db, {r.explained_by_id for r, _o in rows if r.explained_by_id})
    return [(r, o.name if o else None, people.get(r.explained_by_id, "")) for r, o in rows]


def explainers(db: Session, resident: Resident) -> list[User]:
    """Professionals who can have explained the choices: those working with the resident."""
    today = clock.today()
    ids = select(Involvement.professional_id).where(
        Involvement.resident_id == resident.id,
        or_(col(Involvement.ended_on).is_(None), col(Involvement.ended_on) > today),
    )
    return list(
        db.exec(
            select(User)
            .where(
                or_(col(User.id).in_(ids), User.id == resident.case_director_id),
                col(User.active),
            )
            .order_by(User.display_name)
        ).all()
    )
