"""Who may see or change which resident: the one place that decides, and logs.

Every person-level view asks :func:`resident_or_404` (one resident) or uses
:func:`visible_residents` (lists, filtered in SQL). Both write to the append-only access log.

Rules (DOMAIN.md, "Who uses it"):

* coach: residents their organisation is actively involved with, and residents they direct;
* case director (regievoerder): their residents, including managing the involvement;
* manager: residents of their own organisation, read-only;
* resident: themself; network member: the resident who invited them, read-only;
* policymaker and admin: no person-level data at all (they see aggregates only).

Consent (a later issue) narrows the coach and manager rules further; it plugs in here.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask import abort, request
from sqlalchemy import false, insert
from sqlalchemy.sql import Select
from sqlmodel import Session, col, or_, select

from wattelt import db
from wattelt.models import AccessLog, Involvement, NetworkMember, Resident, Role, User, utcnow


class Action(StrEnum):
    VIEW = "view"  # see the resident's data
    CHANGE = "change"  # fill in, add to their data
    MANAGE = "manage"  # involvement, case director, invitations, network


def _active_involvement():
    today = date.today()
    return or_(col(Involvement.ended_on).is_(None), col(Involvement.ended_on) > today)


def _involved_org_residents(organisation_id: int | None):
    return (
        select(Involvement.resident_id)
        .where(Involvement.organisation_id == organisation_id)
        .where(_active_involvement())
    )


def visible_residents(user: User) -> Select:
    """A query of the residents this user may see; empty for roles without person-level access."""
    query = select(Resident)
    role = user.role_enum
    if role in (Role.COACH, Role.MANAGER):
        allowed = col(Resident.id).in_(_involved_org_residents(user.organisation_id))
        if role is Role.COACH:
            allowed = or_(allowed, Resident.case_director_id == user.id)
        return query.where(allowed)
    if role is Role.RESIDENT:
        return query.where(Resident.account_id == user.id)
    if role is Role.NETWORK:
        return query.where(
            col(Resident.id).in_(
                select(NetworkMember.resident_id).where(NetworkMember.user_id == user.id)
            )
        )
    return query.where(false())


def can(session: Session, user: User | None, action: Action, resident: Resident) -> bool:
    """May ``user`` do ``action`` for ``resident``?"""
    if user is None or not user.is_authenticated or not user.active:
        return False
    role = user.role_enum
    if role is Role.COACH:
        if resident.case_director_id == user.id:
            return True
        involved = session.exec(
            _involved_org_residents(user.organisation_id).where(
                Involvement.resident_id == resident.id
            )
        ).first()
        return involved is not None and user.organisation_id is not None
    if role is Role.MANAGER:
        if action is not Action.VIEW or user.organisation_id is None:
            return False
        return (
            session.exec(
                _involved_org_residents(user.organisation_id).where(
                    Involvement.resident_id == resident.id
                )
            ).first()
            is not None
        )
    if role is Role.RESIDENT:
        return resident.account_id == user.id and action in (Action.VIEW, Action.CHANGE)
    if role is Role.NETWORK:
        if action is not Action.VIEW:
            return False
        member = session.exec(
            select(NetworkMember.id).where(
                NetworkMember.user_id == user.id, NetworkMember.resident_id == resident.id
            )
        ).first()
        return member is not None
    return False


def _request_details() -> dict:
    return {"path": (request.path or "")[:255], "address": (request.remote_addr or "")[:45]}


def log_access(user: User, resident_ids: list[int] | int | None, action: str, what: str) -> None:
    """Append to the access log within the request's transaction (committed with it)."""
    ids = resident_ids if isinstance(resident_ids, list) else [resident_ids]
    details = _request_details()
    rows = [
        {
            "at": utcnow(),
            "user_id": user.id,
            "role": user.role,
            "resident_id": resident_id,
            "action": action,
            "what": what[:80],
            **details,
        }
        for resident_id in ids
    ]
    if rows:
        db.session().exec(insert(AccessLog), params=rows)  # type: ignore[call-overload]


def log_denied(user: User, resident_id: int | None, what: str) -> None:
    """A refused access is logged too, and kept even though the request then fails."""
    session = db.session()
    session.rollback()
    log_access(user, resident_id, "denied", what)
    session.commit()


def resident_or_404(user: User, resident_id: int, action: Action, what: str) -> Resident:
    """Load a resident for ``user`` or answer 404 (the same for 'missing' and 'not yours', so ids
    cannot be probed). Allowed access is logged as ``view`` or ``change``."""
    session = db.session()
    resident = session.get(Resident, resident_id)
    if resident is None or not can(session, user, action, resident):
        log_denied(user, resident_id, what)
        abort(404)
    log_access(user, resident.id, "view" if action is Action.VIEW else "change", what)
    return resident


def require_role(*roles: Role):
    """View decorator: logged in, and one of ``roles``; others get the 403 page."""
    from functools import wraps

    from flask_login import current_user, login_required

    allowed = {r.value for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
