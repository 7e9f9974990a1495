"""The foundation's areas in the export and erasure registry: the resident, the organisations
involved, the network, measurements, consent, and the accounts (last).

What erasure keeps, so the anonymous figures stay valid: the numeric answers of completed
measurements (with their dates, district and a coarse birth year), and the counting consent.
What it removes: every free text (notes, reasons, names), the postcode, the code (replaced by a
random meaningless one), the links to people, the network, the accounts and their links.
Unfinished and stopped measurements never count in figures, so they are deleted whole.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from wattelt import clock
from wattelt.db import metadata
from wattelt.models import (
    Answer,
    AnswerCorrection,
    ConsentRecord,
    District,
    Involvement,
    Measurement,
    NetworkMember,
    Organisation,
    Resident,
    User,
)
from wattelt.privacy.area import Area, Row

#: The prefix of an erased resident's code: no real code has it (they start with "R-").
ERASED_PREFIX = "X-"
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def coarse_birth_year(year: int) -> int:
    """The middle year of the resident's five-year birth cohort (1985-1989 -> 1987).

    Keeps the age within two years, enough for the dashboard's age bands, while the exact year
    (which helps re-identify someone in a small district) is gone."""
    return year - year % 5 + 2


def _name(db: Session, user_id: int | None) -> str | None:
    user = db.get(User, user_id) if user_id else None
    return user.display_name if user else None


def _iso(value) -> str | None:
    """A day as ``2026-11-23``; a moment with its zone (UTC, as stored): never ambiguous."""
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------------------- the resident


def _export_resident(db: Session, resident: Resident) -> list[Row]:
    district = db.get(District, resident.district_id) if resident.district_id else None
    return [
        {
            "code": resident.code,
            "birth_year": resident.birth_year,
            "postcode4": resident.postcode4,
            "district": district.name if district else None,
            "case_director": _name(db, resident.case_director_id),
            "registered_at": _iso(resident.created_at),
        }
    ]


def _erase_resident(db: Session, resident: Resident) -> None:
    code = ERASED_PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(10))
    db.exec(
        update(Resident)
        .where(col(Resident.id) == resident.id)
        .values(
            code=code,
            postcode4=None,
            birth_year=coarse_birth_year(resident.birth_year),
            case_director_id=None,
            created_by_id=None,
            version=Resident.version + 1,
        )
    )


# ------------------------------------------------------------------------ the organisations


def _export_involvements(db: Session, resident: Resident) -> list[Row]:
    rows = db.exec(
        select(Involvement, Organisation)
        .join(Organisation, col(Organisation.id) == Involvement.organisation_id)
        .where(Involvement.resident_id == resident.id)
        .order_by(col(Involvement.id))
    ).all()
    return [
        {
            "organisation": org.name,
            "professional": _name(db, inv.professional_id),
            "started_on": _iso(inv.started_on),
            "ended_on": _iso(inv.ended_on),
        }
        for inv, org in rows
    ]


def _erase_involvements(db: Session, resident: Resident) -> None:
    # Which organisations worked with someone stays countable; who, and until when, does not
    # matter any more: every involvement ends today, so no one sees the remainder.
    db.exec(
        update(Involvement)
        .where(col(Involvement.resident_id) == resident.id)
        .values(professional_id=None, ended_on=clock.today())
    )


# ----------------------------------------------------------------------------- the network


def _export_network(db: Session, resident: Resident) -> list[Row]:
    members = db.exec(
        select(NetworkMember)
        .where(NetworkMember.resident_id == resident.id)
        .order_by(col(NetworkMember.id))
    ).all()
    return [
        {"name": m.display_name, "relation": m.relation, "has_login": m.user_id is not None}
        for m in members
    ]


def _erase_network(db: Session, resident: Resident) -> None:
    members = db.exec(select(NetworkMember).where(NetworkMember.resident_id == resident.id)).all()
    accounts = [m.user_id for m in members if m.user_id]
    db.exec(delete(NetworkMember).where(col(NetworkMember.resident_id) == resident.id))
    for user_id in accounts:
        delete_account(db, user_id)


# ------------------------------------------------------------------------ the measurements


def _export_measurements(db: Session, resident: Resident) -> list[Row]:
    measurements = db.exec(
        select(Measurement)
        .where(Measurement.resident_id == resident.id)
        .order_by(col(Measurement.started_at), col(Measurement.id))
    ).all()
    rows: list[Row] = []
    for m in measurements:
        answers = db.exec(
            select(Answer).where(Answer.measurement_id == m.id).order_by(col(Answer.id))
        ).all()
        for a in answers:
            rows.append(
                {
                    "measurement": m.id,
                    "questionnaire": f"{m.questionnaire_key} v{m.questionnaire_version}",
                    "status": m.status,
                    "started_at": _iso(m.started_at),
                    "perspective": a.perspective,
                    "item": a.item,
                    "value": a.value,
                    "special": a.special,
                    "wants_to_talk": a.wants_to_talk,
                    "wants_to_work": a.wants_to_work,
                    "note": a.note,
                    "answered_at": _iso(a.answered_at),
                }
            )
    return rows


def _export_corrections(db: Session, resident: Resident) -> list[Row]:
    rows = db.exec(
        select(AnswerCorrection, Answer)
        .join(Answer, col(Answer.id) == AnswerCorrection.answer_id)
        .join(Measurement, col(Measurement.id) == AnswerCorrection.measurement_id)
        .where(Measurement.resident_id == resident.id)
        .order_by(col(AnswerCorrection.id))
    ).all()
    return [
        {
            "measurement": c.measurement_id,
            "item": a.item,
            "perspective": a.perspective,
            "old_value": c.old_value if c.old_value is not None else c.old_special,
            "new_value": c.new_value if c.new_value is not None else c.new_special,
            "reason": c.reason,
            "corrected_by": _name(db, c.corrected_by_id),
            "corrected_at": _iso(c.corrected_at),
        }
        for c, a in rows
    ]


def _erase_measurements(db: Session, resident: Resident) -> None:
    ids = select(Measurement.id).where(Measurement.resident_id == resident.id)
    # An open draft (even one being filled in right now) and stopped ones never count: gone.
    uncounted = select(Measurement.id).where(
        Measurement.resident_id == resident.id, col(Measurement.status) != "completed"
    )
    db.exec(delete(AnswerCorrection).where(col(AnswerCorrection.measurement_id).in_(uncounted)))
    db.exec(delete(Answer).where(col(Answer.measurement_id).in_(uncounted)))
    db.exec(delete(Measurement).where(col(Measurement.id).in_(uncounted)))
    # Completed ones keep their numbers for the figures; free text and people go.
    db.exec(
        update(Answer)
        .where(col(Answer.measurement_id).in_(ids))
        .values(note=None, answered_by_id=None)
    )
    db.exec(
        update(AnswerCorrection)
        .where(col(AnswerCorrection.measurement_id).in_(ids))
        .values(reason="", corrected_by_id=None)
    )
    db.exec(
        update(Measurement)
        .where(col(Measurement.resident_id) == resident.id)
        .values(started_by_id=None, completed_by_id=None)
    )


# ------------------------------------------------------------------------------- consent


def _export_consent(db: Session, resident: Resident) -> list[Row]:
    rows = db.exec(
        select(ConsentRecord, Organisation)
        .join(Organisation, col(Organisation.id) == ConsentRecord.organisation_id, isouter=True)
        .where(ConsentRecord.resident_id == resident.id)
        .order_by(col(ConsentRecord.id))
    ).all()
    return [
        {
            "purpose": r.purpose,
            "organisation": org.name if org else None,
            "granted": r.granted,
            "explained_by": _name(db, r.explained_by_id),
            "recorded_at": _iso(r.recorded_at),
        }
        for r, org in rows
    ]


def _erase_consent(db: Session, resident: Resident) -> None:
    # Only the current counting choice stays (the figures ask it), without who recorded it.
    newest = db.exec(
        select(ConsentRecord.id)
        .where(ConsentRecord.resident_id == resident.id, ConsentRecord.purpose == "count")
        .order_by(col(ConsentRecord.id).desc())
        .limit(1)
    ).first()
    db.exec(
        delete(ConsentRecord).where(
            col(ConsentRecord.resident_id) == resident.id, col(ConsentRecord.id) != (newest or 0)
        )
    )
    db.exec(
        update(ConsentRecord)
        .where(col(ConsentRecord.resident_id) == resident.id)
        .values(explained_by_id=None, recorded_by_id=None)
    )


# ------------------------------------------------------------------------------ accounts


def _export_account(db: Session, resident: Resident) -> list[Row]:
    account = db.get(User, resident.account_id) if resident.account_id else None
    if account is None:
        return []
    return [
        {
            "login_name": account.username,
            "language": account.language,
            "created_at": _iso(account.created_at),
            "last_login_at": _iso(account.last_login_at),
        }
    ]


def delete_account(db: Session, user_id: int) -> None:
    """Delete a resident's or network member's account and every link to it.

    Links are found from the schema itself, so tables of areas added later are covered too:
    nullable references are cleared, rows that cannot exist without the account are deleted."""
    for table in metadata.sorted_tables:
        for column in table.columns:
            if not any(fk.column.table.name == "users" for fk in column.foreign_keys):
                continue
            if column.nullable:
                db.exec(update(table).where(column == user_id).values({column.name: None}))
            else:
                db.exec(delete(table).where(column == user_id))
    db.exec(delete(User).where(col(User.id) == user_id))


def _erase_account(db: Session, resident: Resident) -> None:
    account_id = db.exec(select(Resident.account_id).where(Resident.id == resident.id)).one()
    if account_id:
        delete_account(db, account_id)


RESIDENT = Area(
    "resident",
    _l("Your details"),
    export=_export_resident,
    erase=_erase_resident,
    tables=(),
    labels={
        "code": _l("Code"),
        "birth_year": _l("Birth year"),
        "postcode4": _l("Postcode"),
        "district": _l("District"),
        "case_director": _l("Case director"),
        "registered_at": _l("Added on"),
    },
    order=10,
)
INVOLVEMENTS = Area(
    "involvements",
    _l("Organisations that help you"),
    export=_export_involvements,
    erase=_erase_involvements,
    tables=("involvement",),
    labels={
        "organisation": _l("Organisation"),
        "professional": _l("Professional"),
        "started_on": _l("Since"),
        "ended_on": _l("Until"),
    },
    order=20,
)
NETWORK = Area(
    "network",
    _l("Your people"),
    export=_export_network,
    erase=_erase_network,
    tables=("network_member",),
    labels={"name": _l("Name"), "relation": _l("Who"), "has_login": _l("Has a login")},
    order=30,
)
MEASUREMENTS = Area(
    "measurements",
    _l("Your answers"),
    export=_export_measurements,
    erase=_erase_measurements,
    tables=("measurement",),
    labels={
        "measurement": _l("Measurement"),
        "questionnaire": _l("Questionnaire"),
        "status": _l("Status"),
        "started_at": _l("Started on"),
        "perspective": _l("Whose answer"),
        "item": _l("Life domain"),
        "value": _l("Answer"),
        "special": _l("Other answer"),
        "wants_to_talk": _l("Wants to talk about it"),
        "wants_to_work": _l("Wants to work on it"),
        "note": _l("In own words"),
        "answered_at": _l("Answered on"),
    },
    order=40,
)
CORRECTIONS = Area(
    "corrections",
    _l("Corrected answers"),
    export=_export_corrections,
    erase=lambda db, resident: None,  # the measurements area anonymises them
    tables=(),
    labels={
        "measurement": _l("Measurement"),
        "item": _l("Life domain"),
        "perspective": _l("Whose answer"),
        "old_value": _l("Was"),
        "new_value": _l("Is now"),
        "reason": _l("Why"),
        "corrected_by": _l("Corrected by"),
        "corrected_at": _l("Corrected on"),
    },
    order=41,
)
CONSENT = Area(
    "consent",
    _l("Your choices about your data"),
    export=_export_consent,
    erase=_erase_consent,
    tables=("consent_record",),
    labels={
        "purpose": _l("About"),
        "organisation": _l("Organisation"),
        "granted": _l("Your choice"),
        "explained_by": _l("Explained by"),
        "recorded_at": _l("Date"),
    },
    order=60,
)
ACCOUNT = Area(
    "account",
    _l("Your login"),
    export=_export_account,
    erase=_erase_account,
    tables=(),
    labels={
        "login_name": _l("Your name in Wattelt"),
        "language": _l("Language"),
        "created_at": _l("Made on"),
        "last_login_at": _l("Last logged in"),
    },
    order=1000,
)

FOUNDATION = (RESIDENT, INVOLVEMENTS, NETWORK, MEASUREMENTS, CORRECTIONS, CONSENT, ACCOUNT)
