"""Recording notices where the changes happen, reading them back for whoever may see them, and
their place in the resident's export and erasure (see wattelt/privacy/registry.py)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from wattelt import clock
from wattelt.models import NetworkMember, Notice, Organisation, Resident, User, utcnow
from wattelt.notices import wording
from wattelt.policy import may_see_notices
from wattelt.privacy.area import Area, Row


def _person(db: Session, user: User | None) -> tuple[str, str]:
    """A professional's name and organisation as they are now (kept in the notice as they were)."""
    if user is None:
        return "", ""
    organisation = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    return user.display_name, organisation.name if organisation else ""


def _record(db: Session, resident: Resident, kind: str, by: User | None, **about: str) -> Notice:
    by_name, by_organisation = _person(db, by)
    notice = Notice(
        resident_id=resident.id,  # type: ignore[arg-type]
        kind=kind,
        by_name=by_name,
        by_organisation=by_organisation,
        **{key: (value or "")[:120] for key, value in about.items()},
    )
    db.add(notice)
    db.flush()
    return notice


def case_director_changed(
    db: Session, resident: Resident, by: User | None, old: User | None, new: User | None
) -> Notice | None:
    if (old.id if old else None) == (new.id if new else None):
        return None
    new_name, new_organisation = _person(db, new)
    old_name, old_organisation = _person(db, old)
    return _record(
        db,
        resident,
        "case_director",
        by,
        about=new_name,
        about_organisation=new_organisation,
        previous=old_name,
        previous_organisation=old_organisation,
    )


def involvement_ended(
    db: Session, resident: Resident, by: User | None, organisation: Organisation
) -> Notice:
    return _record(db, resident, "involvement_ended", by, about=organisation.name)


def login_link_made(
    db: Session, resident: Resident, by: User | None, member: NetworkMember | None = None
) -> Notice:
    """A new login link for the resident's own account, or (``member``) for someone of their
    network."""
    if member is None:
        return _record(db, resident, "login_link", by)
    return _record(db, resident, "network_login_link", by, about=member.display_name)


def notices_of(
    db: Session, resident: Resident, unseen_only: bool = False, limit: int = 100
) -> list[Notice]:
    query = select(Notice).where(Notice.resident_id == resident.id)
    if unseen_only:
        query = query.where(col(Notice.seen_at).is_(None))
    return list(
        db.exec(query.order_by(col(Notice.at).desc(), col(Notice.id).desc()).limit(limit)).all()
    )


def for_viewer(
    db: Session, user: User | None, resident: Resident, unseen_only: bool = False, limit: int = 100
) -> list[wording.Shown]:
    """The resident's notices as ``user`` may read them: none for whoever may not see notices
    (see :func:`wattelt.policy.may_see_notices`), in easy words for the resident themself."""
    if user is None or not may_see_notices(db, user, resident):
        return []
    own = resident.account_id is not None and resident.account_id == user.id
    word = wording.for_resident if own else wording.for_professional
    return [
        wording.Shown(notice.id, notice.at, word(notice))  # type: ignore[arg-type]
        for notice in notices_of(db, resident, unseen_only, limit)
    ]


def mark_seen(db: Session, resident: Resident, up_to_id: int, at: datetime | None = None) -> int:
    """The resident read the notices shown to them (up to ``up_to_id``; a newer one stays new)."""
    result = db.exec(
        update(Notice)
        .where(
            col(Notice.resident_id) == resident.id,
            col(Notice.id) <= up_to_id,
            col(Notice.seen_at).is_(None),
        )
        .values(seen_at=at or utcnow())
    )
    return result.rowcount


# ------------------------------------------------------------------ export and erasure


def _export(db: Session, resident: Resident) -> list[Row]:
    return [
        {"date": clock.local_date(notice.at).isoformat(), "notice": wording.for_resident(notice)}
        for notice in reversed(notices_of(db, resident, limit=10_000))
    ]


def _erase(db: Session, resident: Resident) -> None:
    # Notices hold names (of the resident's helpers and network) and tell about the resident's
    # help: nothing in them is needed for the anonymous figures.
    db.exec(delete(Notice).where(col(Notice.resident_id) == resident.id))


AREA = Area(
    "notices",
    _l("What changed in your help"),
    export=_export,
    erase=_erase,
    tables=("notice",),
    labels={"date": _l("Date"), "notice": _l("What changed")},
    order=25,
)
