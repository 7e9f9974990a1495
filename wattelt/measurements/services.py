"""Measurements: starting one, saving every answer the moment it is given, the summary of the
three perspectives, completing (which locks it) and a professional's recorded corrections."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from wattelt.models import (
    OVERALL,
    Answer,
    AnswerCorrection,
    Measurement,
    Resident,
    User,
    utcnow,
)
from wattelt.outcomes import summary as outcome_summary
from wattelt.policy import perspectives_to_fill
from wattelt.questionnaires.loader import registry

PRESENT = ("alone", "coach", "network", "coach_network")
MODES = ("together", "own_device")


class Conflict(Exception):
    """Someone else saved this answer since the screen was opened."""

    def __init__(self, current: Answer | None):
        super().__init__("answer changed meanwhile")
        self.current = current


class Locked(Exception):
    """The measurement is completed; only a recorded correction may change it."""


class DraftExists(Exception):
    """The resident already has an unfinished measurement; go on with it or stop it first."""

    def __init__(self, draft: Measurement):
        super().__init__("an unfinished measurement exists")
        self.draft = draft


class NoAccount(Exception):
    """On the resident's own device they answer in their own account, which they do not have."""


@dataclass(frozen=True)
class Item:
    """One screen: a life domain, or the overall grade at the end."""

    key: str
    domain: object | None  # questionnaire Domain, None for the grade
    is_grade: bool


def questionnaire_of(measurement: Measurement):
    return registry().get(measurement.questionnaire_key, measurement.questionnaire_version)


def items(measurement: Measurement) -> list[Item]:
    questionnaire = questionnaire_of(measurement)
    screens = [Item(d.key, d, False) for d in questionnaire.domains_for(measurement.optional_keys)]
    return [*screens, Item(OVERALL, None, True)]


def start(
    db: Session,
    resident: Resident,
    user: User,
    questionnaire_key: str,
    optional_keys: list[str],
    present: str,
    mode: str,
) -> Measurement:
    questionnaire = registry().latest(questionnaire_key)
    allowed = {d.key for d in questionnaire.optional_domains}
    if not set(optional_keys) <= allowed or present not in PRESENT or mode not in MODES:
        raise ValueError("not part of this questionnaire")
    draft = open_draft(db, resident)
    if draft is not None:
        raise DraftExists(draft)
    if mode == "own_device" and resident.account_id is None:
        raise NoAccount
    measurement = Measurement(
        resident_id=resident.id,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        optional_domains=",".join(
            k for k in (d.key for d in questionnaire.optional_domains) if k in optional_keys
        ),
        present=present,
        mode=mode,
        started_by_id=user.id,
    )
    db.add(measurement)
    db.flush()
    return measurement


def perspectives_for(
    db: Session, user: User, measurement: Measurement, resident: Resident
) -> list[str]:
    """Which perspectives ``user`` may fill in for this measurement (decided by the policy
    layer, :func:`wattelt.policy.perspectives_to_fill`)."""
    return perspectives_to_fill(db, user, measurement, resident)


def answers(db: Session, measurement: Measurement, perspective: str | None = None) -> dict:
    """Answers by (perspective, item), or by item when ``perspective`` is given."""
    query = select(Answer).where(Answer.measurement_id == measurement.id)
    if perspective:
        query = query.where(Answer.perspective == perspective)
    rows = db.exec(query).all()
    if perspective:
        return {a.item: a for a in rows}
    return {(a.perspective, a.item): a for a in rows}


def answers_of(db: Session, measurement: Measurement, perspectives: list[str]) -> dict:
    """Answers by (perspective, item) of ``perspectives`` only: the others' answers, notes and
    wishes are not even loaded (a network member's summary gets the network's view alone)."""
    query = select(Answer).where(
        Answer.measurement_id == measurement.id,
        Answer.perspective.in_(perspectives),  # type: ignore[attr-defined]
    )
    return {(a.perspective, a.item): a for a in db.exec(query).all()}


def save_answer(
    db: Session,
    measurement: Measurement,
    perspective: str,
    item: str,
    *,
    value: int | None,
    special: str | None,
    wants_to_talk: bool,
    wants_to_work: bool,
    note: str | None,
    expected_version: int,
    user: User,
) -> Answer:
    """Store one answer now. ``expected_version`` is the version the screen showed (0 = none).

    If another person saved this answer since, :class:`Conflict` is raised and nothing is
    written. The same user's own newer save is no conflict: their background save may still be
    on its way when they press Next, and their latest choice is what they mean."""
    if measurement.status != "draft":
        raise Locked
    fields = {
        "value": value,
        "special": special,
        "wants_to_talk": wants_to_talk,
        "wants_to_work": wants_to_work,
        "note": (note or "").strip() or None,
        "answered_by_id": user.id,
        "answered_at": utcnow(),
    }
    existing = _current(db, measurement, perspective, item)
    if existing is None:
        if expected_version != 0:
            raise Conflict(None)
        answer = Answer(measurement_id=measurement.id, perspective=perspective, item=item, **fields)
        try:
            # A savepoint: losing the race must not undo the request's access-log entry.
            with db.begin_nested():
                db.add(answer)
        except IntegrityError:  # saved by someone else at the very same moment
            current = _current(db, measurement, perspective, item)
            if current is None or current.answered_by_id != user.id:
                raise Conflict(current) from None
            return save_answer(
                db,
                measurement,
                perspective,
                item,
                value=value,
                special=special,
                wants_to_talk=wants_to_talk,
                wants_to_work=wants_to_work,
                note=note,
                expected_version=current.version,
                user=user,
            )
    else:
        if existing.version != expected_version and existing.answered_by_id != user.id:
            raise Conflict(existing)
        # Compare-and-set on the version just read: a save by anyone in between loses nothing.
        result = db.exec(
            update(Answer)
            .where(col(Answer.id) == existing.id, col(Answer.version) == existing.version)
            .values(version=existing.version + 1, **fields)
        )
        db.refresh(existing)
        if result.rowcount != 1:
            raise Conflict(existing)
        answer = existing
    _touch(db, measurement)
    return answer


def _current(db: Session, measurement: Measurement, perspective: str, item: str) -> Answer | None:
    return db.exec(
        select(Answer).where(
            Answer.measurement_id == measurement.id,
            Answer.perspective == perspective,
            Answer.item == item,
        )
    ).first()


def _touch(db: Session, measurement: Measurement) -> None:
    measurement.updated_at = utcnow()
    db.add(measurement)
    db.flush()


def remember_step(db: Session, measurement: Measurement, perspective: str, step: int) -> None:
    # Written with the request's commit: flushing now would take SQLite's write lock early and
    # hold it while the screen renders.
    setattr(measurement, f"{perspective}_step", step)
    db.add(measurement)


def resume_step(measurement: Measurement, perspective: str) -> int:
    return int(getattr(measurement, f"{perspective}_step", 0) or 0)


def complete(db: Session, measurement: Measurement, user: User) -> bool:
    """Lock the measurement. False when it was already completed (e.g. by someone else)."""
    result = db.exec(
        update(Measurement)
        .where(col(Measurement.id) == measurement.id, col(Measurement.status) == "draft")
        .values(status="completed", completed_at=utcnow(), completed_by_id=user.id)
    )
    db.refresh(measurement)
    if result.rowcount == 1:
        # The anonymous figures' summary of rounds (first and latest) follows at once.
        outcome_summary.refresh(db, [measurement.resident_id])
    return result.rowcount == 1


def stop(db: Session, measurement: Measurement, user: User) -> bool:
    """Close a draft without finishing it. Its answers are kept; False when it was no draft."""
    result = db.exec(
        update(Measurement)
        .where(col(Measurement.id) == measurement.id, col(Measurement.status) == "draft")
        .values(status="stopped", completed_at=utcnow(), completed_by_id=user.id)
    )
    db.refresh(measurement)
    return result.rowcount == 1


def correct(
    db: Session,
    measurement: Measurement,
    answer: Answer,
    value: int | None,
    special: str | None,
    reason: str,
    user: User,
) -> AnswerCorrection:
    """Change an answer of a completed measurement, keeping what it was, who and why."""
    correction = AnswerCorrection(
        answer_id=answer.id,
        measurement_id=measurement.id,
        old_value=answer.value,
        old_special=answer.special,
        new_value=value,
        new_special=special,
        reason=reason.strip(),
        corrected_by_id=user.id,
    )
    answer.value = value
    answer.special = special
    answer.version += 1
    db.add(answer)
    db.add(correction)
    db.flush()
    outcome_summary.refresh(db, [measurement.resident_id])
    return correction


def corrections(
    db: Session, measurement: Measurement
) -> list[tuple[AnswerCorrection, Answer, User | None]]:
    return list(
        db.exec(
            select(AnswerCorrection, Answer, User)
            .join(Answer, col(Answer.id) == AnswerCorrection.answer_id)
            .join(User, col(User.id) == AnswerCorrection.corrected_by_id, isouter=True)
            .where(AnswerCorrection.measurement_id == measurement.id)
            .order_by(col(AnswerCorrection.corrected_at).desc())
        ).all()
    )


def measurements_of(db: Session, resident: Resident) -> list[Measurement]:
    return list(
        db.exec(
            select(Measurement)
            .where(Measurement.resident_id == resident.id)
            .order_by(col(Measurement.started_at).desc(), col(Measurement.id).desc())
        ).all()
    )


def open_draft(db: Session, resident: Resident) -> Measurement | None:
    return db.exec(
        select(Measurement)
        .where(Measurement.resident_id == resident.id, Measurement.status == "draft")
        .order_by(col(Measurement.started_at).desc())
    ).first()
