"""Reading the access log back: the review by admins and case directors (with filters), and the
resident's own "who looked at my data" in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, or_
from sqlalchemy.sql import Select
from sqlmodel import Session, col, select

from wattelt import clock
from wattelt.models import AccessLog, Organisation, Resident, User
from wattelt.policy import sees_whole_access_log, write_pending_log


@dataclass
class LogFilter:
    code: str | None = None
    user: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    resident_id: int | None = None


def _start(day: date) -> datetime:
    """The beginning of the local day (WATTELT_TIMEZONE), in UTC as the log stores it."""
    return clock.day_start(day)


def review_query(reviewer: User, wanted: LogFilter) -> Select:
    """Log rows with their user, resident and the user's organisation at the time of access;
    admins see all, a case director the rows about the residents they direct now."""
    query = (
        select(AccessLog, User, Resident, Organisation.name)
        .join(User, col(User.id) == AccessLog.user_id, isouter=True)
        .join(Resident, col(Resident.id) == AccessLog.resident_id, isouter=True)
        .join(Organisation, col(Organisation.id) == AccessLog.organisation_id, isouter=True)
        .order_by(col(AccessLog.at).desc(), col(AccessLog.id).desc())
    )
    if not sees_whole_access_log(reviewer):
        query = query.where(Resident.case_director_id == reviewer.id)
    if wanted.resident_id is not None:
        query = query.where(AccessLog.resident_id == wanted.resident_id)
    if wanted.code:
        query = query.where(func.upper(Resident.code) == wanted.code.strip().upper())
    if wanted.user:
        text = "%" + wanted.user.strip().lower().replace("%", "").replace("_", "") + "%"
        query = query.where(
            or_(func.lower(User.email).like(text), func.lower(User.display_name).like(text))
        )
    if wanted.action:
        query = query.where(AccessLog.action == wanted.action)
    if wanted.date_from:
        query = query.where(AccessLog.at >= _start(wanted.date_from))
    if wanted.date_to:
        query = query.where(AccessLog.at < _start(wanted.date_to + timedelta(days=1)))
    return query


@dataclass
class Look:
    """One line of "who looked at my data": on a day, people of an organisation did something."""

    day: date
    organisation: str | None
    role: str
    action: str
    times: int


def who_looked(db: Session, resident: Resident, own_user_id: int, limit: int = 200) -> list[Look]:
    """Per day, organisation (the one the person worked for then), role and kind of access,
    newest first; the resident's own visits are left out (they know those)."""
    write_pending_log(db)
    # Counted per hour in the database, then per *local* day here: a look at 00:30 in
    # Amsterdam belongs to that day, not to the day before as it does in UTC.
    if db.get_bind().dialect.name == "postgresql":
        hour = func.date_trunc("hour", AccessLog.at)
    else:
        hour = func.strftime("%Y-%m-%d %H:00:00", AccessLog.at)
    # Seeing a code in a list, or reviewing the log, is told apart from looking at the data.
    kind = case(
        (col(AccessLog.what).like("%(code only)"), "code"),
        (AccessLog.what == "access log", "log"),
        else_=AccessLog.action,
    )
    rows = db.exec(
        select(hour, Organisation.name, AccessLog.role, kind, func.count())
        .join(User, col(User.id) == AccessLog.user_id, isouter=True)
        .join(Organisation, col(Organisation.id) == AccessLog.organisation_id, isouter=True)
        .where(
            AccessLog.resident_id == resident.id,
            or_(col(AccessLog.user_id).is_(None), AccessLog.user_id != own_user_id),
        )
        .group_by(hour, Organisation.name, AccessLog.role, kind)
    ).all()
    counted: dict[tuple, int] = {}
    for at, org, role, action, times in rows:
        moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        key = (clock.local_date(moment), org, role, action)
        counted[key] = counted.get(key, 0) + times
    newest_first = sorted(counted, key=lambda k: (-k[0].toordinal(), k[1] or "", k[2], k[3]))
    return [Look(*key, counted[key]) for key in newest_first[:limit]]
