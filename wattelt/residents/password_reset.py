"""A way back for a resident or network member who forgot their password.

They have no e-mail address, and a link made by one coach would let that coach act as them. So a
coach of the resident's own organisation asks for a reset link, and it works only after a second
professional of that organisation (another coach or the manager) confirms it. Both count as
people behind the account for the two-person rule (``Invitation.created_by_id`` and
``activated_by_id``); using the link ends every session of the account and is logged."""

from __future__ import annotations

from sqlmodel import Session, col, select

from wattelt.auth.activation import people_behind
from wattelt.auth.services import cancel_open_invitations, create_invitation
from wattelt.models import Invitation, NetworkMember, Resident, User, utcnow
from wattelt.policy import log_access, may_ask_password_reset, may_confirm_password_reset


def login_of(db: Session, resident: Resident, user_id: int) -> User | None:
    """The resident's own login or one of their network's, with a password; else None."""
    member_ids = db.exec(
        select(NetworkMember.user_id).where(NetworkMember.resident_id == resident.id)
    ).all()
    if user_id != resident.account_id and user_id not in member_ids:
        return None
    user = db.get(User, user_id)
    return user if user is not None and user.password_hash and user.active else None


def may_ask(db: Session, user: User, resident: Resident) -> bool:
    return may_ask_password_reset(db, user, resident)


def waiting(db: Session, account: User) -> Invitation | None:
    """The open reset link of ``account`` that waits for a second professional."""
    return db.exec(
        select(Invitation)
        .where(
            Invitation.user_id == account.id,
            col(Invitation.reset),
            col(Invitation.needs_activation),
            col(Invitation.used_at).is_(None),
            col(Invitation.activated_at).is_(None),
            col(Invitation.expires_at) > utcnow(),
        )
        .order_by(col(Invitation.id).desc())
    ).first()


def may_confirm(db: Session, user: User, resident: Resident, link: Invitation) -> bool:
    """A second person of the resident's own organisation: not who asked, not someone whose
    account they made or activated, nor someone who made or activated theirs."""
    maker = link.created_by_id
    return (
        may_confirm_password_reset(db, user, resident)
        and user.id not in (maker, link.user_id)
        and (maker is None or maker not in people_behind(db, user.id))
        and user.id not in people_behind(db, maker)
    )


def ask(db: Session, resident: Resident, account: User, by: User) -> str:
    token = create_invitation(db, account, by, reset=True, needs_activation=True)
    log_access(by, resident.id, "change", "password reset link asked")
    return token


def confirm(db: Session, resident: Resident, link: Invitation, by: User) -> None:
    link.activated_by_id = by.id
    link.activated_at = utcnow()
    db.add(link)
    db.flush()
    log_access(by, resident.id, "change", "password reset link confirmed")


def cancel(db: Session, resident: Resident, account: User, by: User) -> None:
    cancel_open_invitations(db, account)
    log_access(by, resident.id, "change", "password reset link cancelled")
