"""Who may see or change which resident, and what they may do with them: the one place that
decides (no role is compared anywhere else, see "capabilities" below), and logs.

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

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from flask import abort, has_request_context, make_response, render_template, request
from sqlalchemy import event, false
from sqlalchemy.orm import SessionTransaction
from sqlalchemy.sql import Select
from sqlmodel import Session, col, or_, select

from wattelt import access_chain, clock, db
from wattelt.consent import services as consent
from wattelt.models import (
    ErasureRequest,
    Involvement,
    Measurement,
    NetworkMember,
    Resident,
    Role,
    Step,
    User,
)


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


def _log_rows(
    user: User | None, resident_ids: list[int] | int | None, action: str, what: str
) -> list[dict]:
    ids = resident_ids if isinstance(resident_ids, list) else [resident_ids]
    details = _request_details()
    return [
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


def _queue_log(session: Session, rows: list[dict]) -> None:
    if rows:
        # Written when the transaction commits (or before the log is read), not now: on SQLite
        # the first write takes the database's single write lock until the commit, and the
        # request would hold it while it renders its page. A rollback drops the rows, as before.
        # Tie the rows to the transaction (begin it if needed; no lock is taken by that), so
        # any rollback from here on drops them.
        session.connection()
        session.info.setdefault(_PENDING_LOG, []).extend(rows)


def log_access(
    user: User | None, resident_ids: list[int] | int | None, action: str, what: str
) -> None:
    """Append to the access log within the request's transaction (committed with it). The
    row's time is the moment it is written and chained, at the commit (``access_chain``).

    ``user`` is None for what Wattelt does by itself (the retention check)."""
    _queue_log(db.session(), _log_rows(user, resident_ids, action, what))


def log_kept(
    user: User | None, resident_ids: list[int] | int | None, action: str, what: str
) -> None:
    """Like :func:`log_access`, but kept even when the request then fails (and writes nothing
    else): the row goes in with the commit, or on its own after the rollback."""
    rows = _log_rows(user, resident_ids, action, what)  # now, while the user is loaded
    db.keep_even_if_failed(db.session(), lambda session: _queue_log(session, rows))


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
    log_kept(user, resident_id, "denied", what)


def resident_or_404(
    user: User, resident_id: int, action: Action | Capability, what: str
) -> Resident:
    """Load a resident for ``user`` or answer 404 (the same for 'missing' and 'not yours', so ids
    cannot be probed). Allowed access is logged as ``view`` or ``change``.

    ``action`` is what the page needs the user to be allowed: an :class:`Action` or one of the
    capabilities below (a form that changes the plan needs :func:`may_change_plan` already to
    be shown); what is logged is what the request does: opening a page (GET or HEAD) only
    looks, whatever the page would let one change."""
    session = db.session()
    resident = session.get(Resident, resident_id)
    if isinstance(action, Action):
        allowed = resident is not None and can(session, user, action, resident)
    else:
        allowed = resident is not None and action(session, user, resident)
        action = action.action
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


# ================================================================================ capabilities
#
# What this person may do, named once. Views ask these functions (and hand templates their
# answers as booleans); templates ask the role-level ones through ``may`` (see
# :func:`init_app`). Nowhere else in Wattelt is a role compared: a test enforces it
# (tests/test_policy_is_the_one_place.py).


class Capability(Protocol):
    """A check ``(session, user, resident) -> bool`` that :func:`resident_or_404` can ask; its
    ``action`` says whether using it views or changes the resident's data (for the log)."""

    action: Action

    def __call__(self, session: Session, user: User | None, resident: Resident) -> bool: ...


def _needs(action: Action) -> Callable[[Callable], Capability]:
    def mark(check):
        check.action = action
        return check

    return mark


def _role(user: User | None) -> Role | None:
    if user is None or not user.is_authenticated:
        return None
    return user.role_enum


# ------------------------------------------------------------ what a role may do, anyone's data


def works_with_residents(user: User | None) -> bool:
    """Coaches and managers: the residents list, the caseload and a resident's report."""
    return _role(user) in (Role.COACH, Role.MANAGER)


def directs_cases(user: User | None) -> bool:
    """Coaches: they fill in, change plans, and can be a resident's case director."""
    return _role(user) is Role.COACH


def reads_as_organisation(user: User | None) -> bool:
    """Managers: they see their organisation's residents, read-only, as the organisation."""
    return _role(user) is Role.MANAGER


def reads_releases_only(user: User | None) -> bool:
    """Policymakers read frozen releases of the figures, never live ones (managers keep live
    figures of their own organisation)."""
    return _role(user) is Role.POLICYMAKER


def may_add_resident(user: User | None) -> bool:
    """A coach of an organisation registers new residents (for that organisation)."""
    return directs_cases(user) and user.organisation_id is not None  # type: ignore[union-attr]


def may_see_dashboard(user: User | None) -> bool:
    """Policymakers (their chain) and managers (their organisation) see the anonymous figures."""
    return _role(user) in (Role.POLICYMAKER, Role.MANAGER)


#: Who may hold an API token for the figures: those who may see them.
API_TOKEN_ROLES = (Role.POLICYMAKER.value, Role.MANAGER.value)


def may_hold_api_token(user: User | None) -> bool:
    return may_see_dashboard(user)


def may_manage_accounts(user: User | None) -> bool:
    """Admins: accounts, organisations, districts, chains and API tokens."""
    return _role(user) is Role.ADMIN


def is_resident(user: User | None) -> bool:
    """The resident themself (their own pages, in easy language)."""
    return _role(user) is Role.RESIDENT


def is_network_member(user: User | None) -> bool:
    """A carer or other network member (the resident's pages they were invited to)."""
    return _role(user) is Role.NETWORK


def uses_easy_language(user: User | None) -> bool:
    return is_resident(user) or is_network_member(user)


def may_review_access_log(user: User | None) -> bool:
    """Admins (the whole log) and coaches (the residents they direct)."""
    return _role(user) in (Role.ADMIN, Role.COACH)


def sees_whole_access_log(user: User | None) -> bool:
    return _role(user) is Role.ADMIN


def may_find_inactive(user: User | None) -> bool:
    """Who may list (and flag for erasure) residents without activity: admins see all, coaches
    the residents they direct."""
    return _role(user) in (Role.ADMIN, Role.COACH)


def sees_all_erasures(user: User | None) -> bool:
    """Admins see every erasure request and every inactive resident; others only their own."""
    return _role(user) is Role.ADMIN


def is_professional_role(role: str | None) -> bool:
    """Roles that log in with e-mail and password; the accounts an admin manages."""
    return role in {r.value for r in Role if r.is_professional}


def role_needs_organisation(role: str | None) -> bool:
    """Coaches and managers see residents through their organisation; without one they would
    see nothing."""
    return role in (Role.COACH.value, Role.MANAGER.value)


def may_change_role(user: User, by: User, role: str) -> bool:
    """An admin never takes away their own admin role: the last admin would lock everyone out."""
    return user.id != by.id or role == Role.ADMIN.value


def two_factor_required_by_role(user: User, roles: list[str] | tuple[str, ...]) -> bool:
    """Does the configuration (``REQUIRE_2FA_ROLES``) ask ``user``'s role for a second factor?"""
    return user.role_enum.is_professional and user.role in roles


def coach_accounts():
    """SQL condition: the accounts that can be assigned to a resident or direct a case."""
    return col(User.role) == Role.COACH.value


def professional_accounts(role: str | None = None):
    """SQL condition: the professional accounts an admin manages, of ``role`` if given."""
    if role:
        return col(User.role) == role if is_professional_role(role) else false()
    return col(User.role).in_([r.value for r in Role if r.is_professional])


def api_token_accounts():
    """SQL condition: the accounts that may hold an API token (see :func:`may_hold_api_token`)."""
    return col(User.role).in_(API_TOKEN_ROLES)


# ------------------------------------------------------- what a person may do with a resident


@_needs(Action.VIEW)
def may_view(session: Session, user: User | None, resident: Resident) -> bool:
    return can(session, user, Action.VIEW, resident)


@_needs(Action.VIEW)
def may_view_report(session: Session, user: User | None, resident: Resident) -> bool:
    """A resident's report over time: professionals who work with them, or the resident."""
    if is_resident(user):
        return resident.account_id == user.id  # type: ignore[union-attr]
    return works_with_residents(user) and can(session, user, Action.VIEW, resident)


@_needs(Action.CHANGE)
def may_start_round(session: Session, user: User | None, resident: Resident) -> bool:
    """Start a measurement (a round) for the resident: a coach who works with them."""
    return directs_cases(user) and can(session, user, Action.CHANGE, resident)


def needed_to_open_measurement(user: User | None) -> Action:
    """What opening a measurement's pages needs: a network member fills in their own view and a
    manager only reads, so both need to be allowed to see the resident; the others to change."""
    return Action.VIEW if is_network_member(user) or reads_as_organisation(user) else Action.CHANGE


def perspectives_to_fill(
    session: Session, user: User | None, measurement: Measurement, resident: Resident
) -> list[str]:
    """Which perspectives ``user`` may fill in for this measurement, the resident's first."""
    if is_resident(user):
        return ["resident"] if resident.account_id == user.id else []  # type: ignore[union-attr]
    if is_network_member(user):
        return ["network"] if network_member_id(session, user, resident) is not None else []
    if directs_cases(user) and can(session, user, Action.CHANGE, resident):
        # Together on one device the coach taps what the resident (and a network member who is
        # there) says; on the resident's own device only the resident answers for themself.
        if measurement.mode != "together":
            return ["coach"]
        if measurement.present in ("network", "coach_network"):
            return ["resident", "coach", "network"]
        return ["resident", "coach"]
    return []


def may_fill_in(
    session: Session, user: User | None, measurement: Measurement, resident: Resident, perspective
) -> bool:
    return perspective in perspectives_to_fill(session, user, measurement, resident)


def shown_perspectives(user: User | None, all_perspectives) -> list[str]:
    """The perspectives whose answers ``user`` reads: a network member their own view only
    (never the resident's notes or wishes), the others all of them side by side."""
    return ["network"] if is_network_member(user) else list(all_perspectives)


def may_complete_round(
    session: Session, user: User | None, measurement: Measurement, resident: Resident
) -> bool:
    """Finish a measurement (while it is a draft): the coach or the resident who fill it in."""
    return (directs_cases(user) or is_resident(user)) and bool(
        perspectives_to_fill(session, user, measurement, resident)
    )


def may_stop_round(
    session: Session, user: User | None, measurement: Measurement, resident: Resident
) -> bool:
    """Stop a measurement while it is a draft (its answers are kept but do not count): the
    coach."""
    return directs_cases(user) and bool(perspectives_to_fill(session, user, measurement, resident))


def may_correct_answer(
    session: Session, user: User | None, measurement: Measurement, resident: Resident
) -> bool:
    """Correct an answer once the measurement is finished (the old answer is kept): the
    coach."""
    return directs_cases(user) and bool(perspectives_to_fill(session, user, measurement, resident))


def sees_corrections(user: User | None) -> bool:
    """The history of corrected answers is for professionals."""
    return user is not None and user.is_authenticated and user.role_enum.is_professional


@_needs(Action.CHANGE)
def may_change_plan(session: Session, user: User | None, resident: Resident) -> bool:
    """Goals, steps, appointments and goal scores: a coach who works with the resident."""
    return directs_cases(user) and can(session, user, Action.CHANGE, resident)


def may_tick_step(session: Session, user: User | None, step: Step, resident: Resident) -> bool:
    """Tick a step off: a coach who may change the plan; the resident their own steps; a
    network member the steps given to them."""
    if step.removed_at is not None:
        return False
    if directs_cases(user):
        return may_change_plan(session, user, resident)
    if not can(session, user, Action.VIEW, resident):
        return False
    return is_own_step(session, user, step, resident)


def is_own_step(session: Session, user: User | None, step: Step, resident: Resident) -> bool:
    """Is ``step`` the reader's own (the resident's, or given to this network member)?"""
    if is_resident(user):
        return step.helper == "resident" and resident.account_id == user.id  # type: ignore[union-attr]
    member = network_member_id(session, user, resident)
    return step.helper == "network" and member is not None and step.network_member_id == member


def plan_voice(user: User | None) -> str:
    """Whose words a plan is shown in (see ``goals.presenting.VOICES``)."""
    if is_resident(user):
        return "resident"
    if is_network_member(user):
        return "network"
    return "professional"


def network_member_id(session: Session, user: User | None, resident: Resident) -> int | None:
    """The network member ``user`` is for ``resident``, if they are one."""
    if not is_network_member(user):
        return None
    return session.exec(
        select(NetworkMember.id).where(
            NetworkMember.user_id == user.id,  # type: ignore[union-attr]
            NetworkMember.resident_id == resident.id,
        )
    ).first()


@_needs(Action.MANAGE)
def may_edit_details(session: Session, user: User | None, resident: Resident) -> bool:
    return can(session, user, Action.MANAGE, resident)


@_needs(Action.MANAGE)
def may_invite(session: Session, user: User | None, resident: Resident) -> bool:
    """Make a login link for the resident or a network member (see :func:`is_responsible`)."""
    return can(session, user, Action.MANAGE, resident)


@_needs(Action.MANAGE)
def may_change_network(session: Session, user: User | None, resident: Resident) -> bool:
    return can(session, user, Action.MANAGE, resident)


@_needs(Action.MANAGE)
def may_change_involvement(session: Session, user: User | None, resident: Resident) -> bool:
    """Involve an organisation or end its involvement: the case director and the resident's own
    organisation, never a partner (it could lock the own organisation out)."""
    return can(session, user, Action.MANAGE, resident)


@_needs(Action.MANAGE)
def may_change_case_director(session: Session, user: User | None, resident: Resident) -> bool:
    """Name another case director: the case director and the resident's own organisation."""
    return can(session, user, Action.MANAGE, resident)


@_needs(Action.VIEW)
def may_record_consent(session: Session, user: User | None, resident: Resident) -> bool:
    """Record the consent the resident gives: the resident themself, or on their behalf
    the professionals responsible for them (:func:`is_responsible`)."""
    if is_resident(user):
        return resident.account_id == user.id  # type: ignore[union-attr]
    return is_responsible(session, user, resident)


@_needs(Action.VIEW)
def may_export(session: Session, user: User | None, resident: Resident) -> bool:
    """Export all the resident's data: the resident, or a responsible professional for them."""
    return may_record_consent(session, user, resident)


@_needs(Action.VIEW)
def may_ask_erasure(session: Session, user: User | None, resident: Resident) -> bool:
    """Ask for erasure: the resident themself, or a responsible professional for them."""
    return may_record_consent(session, user, resident)


def may_decide_erasure(
    session: Session, user: User | None, request: ErasureRequest, resident: Resident
) -> bool:
    """A second authorised person: an admin, the case director, a coach or manager of the
    resident's own organisation; never the person who asked, nor anyone who made a login link
    for the account that asked or activated it (the two-person rule counts people, not
    accounts)."""
    from wattelt.auth.activation import people_behind

    if user is None or not user.is_authenticated or not user.active:
        return False
    if user.id in people_behind(session, request.requested_by_id):
        return False
    if _role(user) is Role.ADMIN:
        return True
    if reads_as_organisation(user):
        return user.organisation_id in consent.own_organisation_ids(session, resident)
    return is_responsible(session, user, resident)


def may_ask_password_reset(session: Session, user: User | None, resident: Resident) -> bool:
    """A link for a new password for the resident's (or their network's) login: asked by a coach
    of the resident's own organisation; it works only after a second person confirms it."""
    return (
        _role(user) is Role.COACH
        and user.active  # type: ignore[union-attr]
        and user.organisation_id in consent.own_organisation_ids(session, resident)  # type: ignore[union-attr]
    )


def may_confirm_password_reset(session: Session, user: User | None, resident: Resident) -> bool:
    """The second person for such a link: a coach or the manager of the resident's own
    organisation (``residents.password_reset.may_confirm`` adds: not who asked, nor anyone
    behind their account)."""
    return (
        _role(user) in (Role.COACH, Role.MANAGER)
        and user.active  # type: ignore[union-attr]
        and user.organisation_id in consent.own_organisation_ids(session, resident)  # type: ignore[union-attr]
    )


@_needs(Action.VIEW)
def may_see_resident_log(session: Session, user: User | None, resident: Resident) -> bool:
    """The access log of one resident: their case director (admins read the whole log, the
    resident their own "Who looked?")."""
    if is_resident(user):
        return resident.account_id == user.id  # type: ignore[union-attr]
    return (
        directs_cases(user)
        and resident.case_director_id == user.id  # type: ignore[union-attr]
        and can(session, user, Action.VIEW, resident)
    )


# ---------------------------------------------------------------------------- for templates


@dataclass(frozen=True)
class General:
    """What the logged-in person may do whatever the resident: ``may`` in every template."""

    work_with_residents: bool
    direct_cases: bool
    read_as_organisation: bool
    add_resident: bool
    see_dashboard: bool
    manage_accounts: bool
    review_access_log: bool
    see_whole_access_log: bool
    find_inactive: bool
    easy_language: bool
    own_pages: bool
    set_up_two_factor: bool


def general(user: User | None) -> General:
    professional = user is not None and user.is_authenticated and user.role_enum.is_professional
    return General(
        work_with_residents=works_with_residents(user),
        direct_cases=directs_cases(user),
        read_as_organisation=reads_as_organisation(user),
        add_resident=may_add_resident(user),
        see_dashboard=may_see_dashboard(user),
        manage_accounts=may_manage_accounts(user),
        review_access_log=may_review_access_log(user),
        see_whole_access_log=sees_whole_access_log(user),
        find_inactive=may_find_inactive(user),
        easy_language=uses_easy_language(user),
        own_pages=is_resident(user),
        set_up_two_factor=professional,
    )


@dataclass(frozen=True)
class WithResident:
    """What the person may do with one resident, for that resident's page (``can_do``)."""

    start_round: bool
    change_plan: bool
    edit_details: bool
    invite: bool
    change_network: bool
    change_involvement: bool
    change_case_director: bool
    record_consent: bool
    export: bool
    ask_erasure: bool
    see_log: bool


def with_resident(session: Session, user: User | None, resident: Resident) -> WithResident:
    return WithResident(
        start_round=may_start_round(session, user, resident),
        change_plan=may_change_plan(session, user, resident),
        edit_details=may_edit_details(session, user, resident),
        invite=may_invite(session, user, resident),
        change_network=may_change_network(session, user, resident),
        change_involvement=may_change_involvement(session, user, resident),
        change_case_director=may_change_case_director(session, user, resident),
        record_consent=may_record_consent(session, user, resident),
        export=may_export(session, user, resident),
        ask_erasure=may_ask_erasure(session, user, resident),
        see_log=may_see_resident_log(session, user, resident),
    )


def init_app(app) -> None:
    """Give every template ``may``: the role-level capabilities of the logged-in person."""
    from flask_login import current_user

    @app.context_processor
    def _capabilities() -> dict:
        return {"may": general(current_user)}
