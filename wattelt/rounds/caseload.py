"""The caseload: a professional's residents with their latest round, next due date and change
since the baseline, filtered, sorted and paged in SQL.

A coach sees the residents the policy layer lets them see; "mine" narrows that to those they are
case director or the involved professional of. A manager sees their organisation's residents and
can narrow them to one coach. Due dates use the viewer's organisation's follow-up interval. The
reliable change of the total uses a reference from the baselines of everyone in the list without
filters (the whole organisation), so a filter never changes the verdict on a resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import func, or_
from sqlalchemy.sql import Select
from sqlmodel import Session, select

from wattelt import clock
from wattelt.models import Organisation, User
from wattelt.models.organisation import DEFAULT_FOLLOW_UP_MONTHS
from wattelt.policy import coach_accounts, directs_cases, visible_residents
from wattelt.questionnaires.loader import Registry
from wattelt.rounds import aggregates
from wattelt.rounds.due import DUE_SOON_DAYS, due_status, next_due, rounds_before
from wattelt.scoring.total import ChangeReference, min_items, reliable_change

PAGE_SIZE = 50
SORTS = ("due", "code", "last", "improved", "declined", "change", "goals", "coach")
DUE_FILTERS = ("all", "due", "overdue")
CHANGE_FILTERS = ("all", "declined", "improved")


def interval_of(db: Session, organisation_id: int | None) -> int:
    """The follow-up interval in months of the viewer's organisation (the default without)."""
    organisation = db.get(Organisation, organisation_id) if organisation_id else None
    return organisation.follow_up_months if organisation else DEFAULT_FOLLOW_UP_MONTHS


@dataclass
class Filters:
    mine: bool = False
    coach_id: int | None = None
    due: str = "all"
    change: str = "all"
    code: str = ""
    sort: str = "due"
    descending: bool = False
    page: int = 1


@dataclass
class Row:
    resident_id: int
    code: str
    last_round: datetime | None
    rounds: int
    improved: int | None
    same: int | None
    declined: int | None
    coach: str | None
    case_director: str | None
    has_draft: bool
    open_goals: int
    next_due: date | None
    due: str
    total_change: str | None  # improved, same, declined; None: cannot say (see total_reason)
    total_reason: str | None


@dataclass
class Caseload:
    rows: list[Row]
    total: int
    page: int
    pages: int
    months: int
    references: dict[str, ChangeReference] = field(default_factory=dict)


def _utc_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _base(user: User, questionnaires: Registry):
    """The caseload query as a subquery; its columns are filtered and sorted below."""
    visible = visible_residents(user).subquery("visible")
    return aggregates.caseload_query(visible, user.organisation_id, questionnaires).subquery(
        "caseload"
    )


def _filtered(query: Select, q, user: User, filters: Filters, months: int, today: date) -> Select:
    if filters.mine:
        query = query.where(or_(q.c.case_director_id == user.id, q.c.coach_id == user.id))
    if filters.coach_id is not None:
        query = query.where(
            or_(q.c.case_director_id == filters.coach_id, q.c.coach_id == filters.coach_id)
        )
    if filters.due == "overdue":
        query = query.where(q.c.last_round < _utc_midnight(rounds_before(today, months)))
    elif filters.due == "due":
        cutoff = _utc_midnight(rounds_before(today, months, DUE_SOON_DAYS))
        query = query.where(or_(q.c.last_round.is_(None), q.c.last_round < cutoff))
    if filters.change == "declined":
        query = query.where(q.c.declined > 0)
    elif filters.change == "improved":
        query = query.where(q.c.improved > 0)
    if filters.code:
        query = query.where(func.upper(q.c.code).contains(filters.code.strip().upper()))
    return query


def _order(q, filters: Filters) -> list:
    columns = {
        "code": q.c.code,
        # With one interval for the whole list, the next due date follows the latest round;
        # never measured means due now, so those come first.
        "due": q.c.last_round,
        "last": q.c.last_round,
        "improved": q.c.improved,
        "declined": q.c.declined,
        "change": q.c.total_after - q.c.total_before,
        "goals": q.c.open_goals,
        "coach": func.lower(q.c.coach),
    }
    column = columns.get(filters.sort, q.c.last_round)
    ordered = column.desc() if filters.descending else column.asc()
    nulls_first = filters.sort == "due" and not filters.descending
    ordered = ordered.nulls_first() if nulls_first else ordered.nulls_last()
    return [ordered, q.c.code]


def load(
    db: Session,
    user: User,
    filters: Filters,
    questionnaires: Registry,
    today: date | None = None,
) -> Caseload:
    today = today or clock.today()
    months = interval_of(db, user.organisation_id)
    q = _base(user, questionnaires)
    query = _filtered(select(*q.c), q, user, filters, months, today)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, filters.page), pages)
    records = db.exec(
        query.order_by(*_order(q, filters)).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    references = aggregates.references(
        db, select(visible_residents(user).subquery().c.id), questionnaires
    )
    items = aggregates.total_items(questionnaires)
    rows = [_row(record, months, today, references, items) for record in records]
    return Caseload(rows, total, page, pages, months, references)


def _row(record, months: int, today: date, references, items) -> Row:
    due = next_due(record.last_round, months)
    change, reason = _total_change(record, references, items)
    return Row(
        resident_id=record.resident_id,
        code=record.code,
        last_round=record.last_round,
        rounds=int(record.rounds),
        improved=record.improved,
        same=record.same,
        declined=record.declined,
        coach=record.coach,
        case_director=record.case_director,
        has_draft=bool(record.has_draft),
        open_goals=int(record.open_goals or 0),
        next_due=due,
        due=due_status(due, today),
        total_change=change,
        total_reason=reason,
    )


def _total_change(record, references, items) -> tuple[str | None, str | None]:
    if record.rounds < 2:
        return None, "one_round" if record.rounds == 1 else "no_rounds"
    if record.key is None or record.total_before is None:
        return None, "few_answers"
    if not record.same_questionnaire:
        return None, "other_questionnaire"
    if record.total_items < min_items(len(items.get(record.key, []))):
        return None, "few_answers"
    reference = references.get(record.key)
    if reference is None or not reference.usable:
        return None, "no_reference"
    return (
        reliable_change(float(record.total_before), float(record.total_after), reference),
        None,
    )


def due_counts(db: Session, user: User, today: date | None = None) -> tuple[int, int]:
    """(overdue, due within a month or never measured) among a coach's own residents, or a
    manager's organisation."""
    today = today or clock.today()
    months = interval_of(db, user.organisation_id)
    visible = visible_residents(user).subquery("visible")
    q = aggregates.due_query(visible, user.organisation_id).subquery("due")
    mine = directs_cases(user)
    counts = {}
    for due in ("overdue", "due"):
        query = _filtered(select(*q.c), q, user, Filters(mine=mine, due=due), months, today)
        counts[due] = db.exec(select(func.count()).select_from(query.subquery())).one()
    return counts["overdue"], counts["due"]


def coaches(db: Session, organisation_id: int | None) -> list[User]:
    """The coaches of an organisation, for the manager's filter."""
    if organisation_id is None:
        return []
    return list(
        db.exec(
            select(User)
            .where(User.organisation_id == organisation_id, coach_accounts())
            .order_by(func.lower(User.display_name))
        ).all()
    )
