"""Who may see or change which resident: the one place that decides, and logs.

Every person-level view asks :func:`resident_or_404` (one resident) or uses
:func:`visible_residents` (lists, filtered in SQL). Both write to the append-only access log.

Rules (DOMAIN.md, "Who uses it"):

* coach: residents their organisation is actively involved with, and residents they direct;
* managing (involvement, case director, network, invitations): only the case director and the
  coaches of the resident's own organisation (the one that registered them), see
  :func:`is_responsible`;
* manager: residents of their own organisation, read-only;
* resident: themself; network member: the resident who invited them, read-only;
* policymaker and admin: no person-level data at all (they see aggregates only).

Consent narrows the coach and manager rules (see ``wattelt.consent.services``): an involved
organisation that is not the resident's own sees person-level data only with the resident's
consent for that organisation. Without it, :func:`known_residents` still lists the resident
(code only), and :func:`resident_or_404` answers with a "consent is missing" page (403, logged
as denied). The resident's own access and the network's are not affected. The case director's
organisation needs the consent too, unless it is the resident's own: becoming case director
never replaces the resident's consent.
"""

from __future__ import annotations

from enum import StrEnum

from flask import abort, has_request_context, make_response, render_template, request
from sqlalchemy import event, false
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql import Select
from sqlmodel import Session, col, or_, select

from wattelt import access_chain, clock, db
from wattelt.consent import services as consent
from wattelt.models import Involvement, NetworkMember, Resident, Role, User


class Action(StrEnum):
    VIEW = "view"  # see the resident's data
    CHANGE = "change"  # fill in, add to their data
    MANAGE = "manage"  # involvement, case director, invitations, network


def _active_involvement():
    today = clock.today()
    return or_(col(Involvement.ended_on).is_(None), col(Involvement.ended_on) > today)


def _involved_org_residents(organisation_id: int | None):
    return (
        select(Involvement.resident_id)
        .where(Involvement.organisation_id == organisation_id)
        .where(_active_involvement())
    )


def visible_residents(user: User) -> Select:
    """A query of the residents whose person-level data this user may see (consent included);
    empty for roles without person-level access."""
    query = select(Resident)
    role = user.role_enum
    if role in (Role.COACH, Role.MANAGER):
        known = col(Resident.id).in_(_involved_org_residents(user.organisation_id))
        if role is Role.COACH:
            known = or_(known, Resident.case_director_id == user.id)
        return query.where(known & consent.may_see_person_data(user.organisation_id))
    if role is Role.RESIDENT:
        return query.where(Resident.account_id == user.id)
    if role is Role.NETWORK:
        return query.where(
            col(Resident.id).in_(
                select(NetworkMember.resident_id).where(NetworkMember.user_id == user.id)
            )
        )
    return query.where(false())


def known_residents(user: User) -> Select:
    """The residents in the records of the user's organisation, with or without consent.

    For lists that show the code and nothing else; everything more goes through
    :func:`visible_residents`."""
    role = user.role_enum
    if role in (Role.COACH, Role.MANAGER):
        allowed = col(Resident.id).in_(_involved_org_residents(user.organisation_id))
        if role is Role.COACH:
            allowed = or_(allowed, Resident.case_director_id == user.id)
        return select(Resident).where(allowed)
    return visible_residents(user)


def _involved(session: Session, organisation_id: int | None, resident: Resident) -> bool:
    if organisation_id is None:
        return False
    return (
        session.exec(
            _involved_org_residents(organisation_id).where(Involvement.resident_id == resident.id)
        ).first()
        is not None
    )


def consent_missing(session: Session, user: User | None, resident: Resident) -> bool:
    """Does ``user``'s organisation work with ``resident`` (involved, or directing the case) but
    without the resident's consent?"""
    if (
        user is None
        or not user.is_authenticated
        or user.role_enum not in (Role.COACH, Role.MANAGER)
    ):
        return False
    known = resident.case_director_id == user.id or _involved(
        session, user.organisation_id, resident
    )
    return known and not consent.organisation_may_see(session, user.organisation_id, resident)


def is_responsible(session: Session, user: User | None, resident: Resident) -> bool:
    """The resident's case director (while their organisation may see the resident) or a coach of
    the resident's own organisation that still works with them: they manage who is involved and
    who directs the case, invite the resident and their network, record consent, export the data
    on the resident's behalf and ask for erasure. A partner organisation never can: it could
    otherwise make itself case director or end the own organisation's involvement."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if user.role_enum is not Role.COACH:
        return False
    if resident.case_director_id == user.id:
        return consent.organisation_may_see(session, user.organisation_id, resident)
    return user.organisation_id in consent.own_organisation_ids(session, resident) and _involved(
        session, user.organisation_id, resident
    )


def may_see_notices(session: Session, user: User | None, resident: Resident) -> bool:
    """Notices (the case director changed, an organisation stopped, a login link was made) are
    for the resident themself and their own organisation: its coaches and manager while they may
    see the resident, and the case director. Not for partner organisations, and not for the
    network: a carer is not told about the resident's helpers or others' accounts."""
    if user is None or not can(session, user, Action.VIEW, resident):
        return False
    role = user.role_enum
    if role is Role.RESIDENT:
        return True
    if role not in (Role.COACH, Role.MANAGER):
        return False
    return resident.case_director_id == user.id or (
        user.organisation_id in consent.own_organisation_ids(session, resident)
    )


#: ``Session.info`` key of the decisions already taken with that session (see :func:`can`).
_DECISIONS = "wattelt.policy.decisions"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_decisions(session, *_args) -> None:
    session.info.pop(_DECISIONS, None)


def can(session: Session, user: User | None, action: Action, resident: Resident) -> bool:
    """May ``user`` do ``action`` for ``resident``?

    One request asks this several times for the same resident (the view's check, then which
    perspectives the user fills in, ...), each time with two queries. The answer is kept on the
    session until it next writes, commits or rolls back, so a change of involvement or consent
    is seen at once."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    key = (
        user.id,
        user.role,
        user.organisation_id,
        action,
        resident.id,
        resident.case_director_id,
        resident.account_id,
    )
    decisions = session.info.setdefault(_DECISIONS, {})
    if key not in decisions:
        decisions[key] = _decide(session, user, action, resident)
    return decisions[key]


def _decide(session: Session, user: User, action: Action, resident: Resident) -> bool:
    role = user.role_enum
    if role is Role.COACH:
        if action is Action.MANAGE:
            return is_responsible(session, user, resident)
        known = resident.case_director_id == user.id or _involved(
            session, user.organisation_id, resident
        )
        return known and consent.organisation_may_see(session, user.organisation_id, resident)
    if role is Role.MANAGER:
        # A manager is treated as their organisation, read-only.
        if action is not Action.VIEW:
            return False
        return _involved(session, user.organisation_id, resident) and consent.organisation_may_see(
            session, user.organisation_id, resident
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
    # request.path never holds the query string, where invitation tokens travel.
    if not has_request_context():
        return {"path": "(command line)", "address": ""}
    return {"path": (request.path or "")[:255], "address": (request.remote_addr or "")[:45]}


def log_access(
    user: User | None, resident_ids: list[int] | int | None, action: str, what: str
) -> None:
    """Append to the access log within the request's transaction (committed with it). The
    row's time is the moment it is written and chained, at the commit (``access_chain``).

    ``user`` is None for what Wattelt does by itself (the retention check)."""
    ids = resident_ids if isinstance(resident_ids, list) else [resident_ids]
    details = _request_details()
    rows = [
        {
            "user_id": user.id if user else None,
            "role": user.role if user else "system",
            "organisation_id": user.organisation_id if user else None,
            "resident_id": resident_id,
            "action": action,
            "what": what[:80],
            **details,
        }
        for resident_id in ids
    ]
    if rows:
        # Written when the transaction commits (or before the log is read), not now: on SQLite
        # the first write takes the database's single write lock until the commit, and the
        # request would hold it while it renders its page. A rollback drops the rows, as before.
        session = db.session()
        # Tie the rows to the transaction (begin it if needed; no lock is taken by that), so
        # any rollback from here on drops them.
        session.connection()
        session.info.setdefault(_PENDING_LOG, []).extend(rows)


#: ``Session.info`` key of the access-log rows not written yet (see :func:`log_access`).
_PENDING_LOG = "wattelt.policy.access_log"


def write_pending_log(session: Session) -> None:
    """Write this transaction's access-log rows now. Code that reads the log calls this first,
    so the rows of the request itself are part of what it reads."""
    rows = session.info.pop(_PENDING_LOG, None)
    if rows:
        # Chained to the rows before, under a lock, with the time of writing (access_chain).
        access_chain.append(session, rows)


@event.listens_for(Session, "before_commit")
def _write_log_on_commit(session: Session) -> None:
    # Not when a savepoint is released: if the savepoint fails, the rows would go with it.
    if not session.in_nested_transaction():
        write_pending_log(session)


@event.listens_for(Session, "after_transaction_end")
def _drop_unwritten_log(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(_PENDING_LOG, None)


def log_denied(user: User, resident_id: int | None, what: str) -> None:
    """A refused access is logged too, and kept even though the request then fails."""
    session = db.session()
    session.rollback()
    log_access(user, resident_id, "denied", what)
    session.commit()


def resident_or_404(user: User, resident_id: int, action: Action, what: str) -> Resident:
    """Load a resident for ``user`` or answer 404 (the same for 'missing' and 'not yours', so ids
    cannot be probed). Allowed access is logged as ``view`` or ``change``.

    ``action`` is what the page needs the user to be allowed (a form that changes the plan
    needs ``CHANGE`` already to be shown); what is logged is what the request does: opening a
    page (GET or HEAD) only looks, whatever the page would let one change."""
    session = db.session()
    resident = session.get(Resident, resident_id)
    allowed = resident is not None and can(session, user, action, resident)
    if resident is not None and not allowed:
        if consent_missing(session, user, resident):
            code = resident.code
            log_denied(user, resident_id, what[:66] + " (no consent)")
            page = render_template("consent/missing.html", code=code)
            abort(make_response(page, 403))
    if resident is None or not allowed:
        log_denied(user, resident_id, what)
        abort(404)
    log_access(user, resident.id, logged_kind(action), what)
    return resident


def logged_kind(action: Action) -> str:
    """``view`` or ``change``: the kind of access the current request makes for ``action``."""
    if action is Action.VIEW or (has_request_context() and request.method in ("GET", "HEAD")):
        return "view"
    return "change"


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
