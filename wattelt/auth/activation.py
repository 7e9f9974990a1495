"""The second person behind an account whose login link was shown on screen.

Without a mail server a professional's link is shown to the admin who made it. That admin could
open it and set the password themself, so the account stays closed after the link is used until
another person activates it. "Another person" counts people, not accounts: the activator may not
be the one who made the link, nor someone whose own account that person made or activated (their
possible second account), nor someone who made or activated that person's account."""

from __future__ import annotations

from enum import Enum

from sqlmodel import Session, col, select

from wattelt.models import Invitation, User, new_login_id, utcnow
from wattelt.policy import log_access


def people_behind(db: Session, account_id: int | None) -> set[int]:
    """The account itself, everyone who made a login link for it (whoever opened such a link
    could have acted as that account) and everyone who activated it after such a link: the
    two-person rule counts them as one person with the account."""
    if account_id is None:
        return set()
    rows = db.exec(
        select(Invitation.created_by_id, Invitation.activated_by_id).where(
            Invitation.user_id == account_id
        )
    ).all()
    return {account_id} | {person for row in rows for person in row if person is not None}


def waiting_link(db: Session, user: User) -> Invitation | None:
    """The used link that left ``user`` waiting for activation, or None."""
    if not user.awaiting_activation:
        return None
    return db.exec(
        select(Invitation)
        .where(
            Invitation.user_id == user.id,
            col(Invitation.needs_activation),
            col(Invitation.used_at).is_not(None),
            col(Invitation.activated_at).is_(None),
        )
        .order_by(col(Invitation.used_at).desc())
    ).first()


class Refusal(Enum):
    NOT_WAITING = "not waiting"
    SAME_PERSON = "same person"


def activation_refusal(db: Session, by: User, user: User) -> Refusal | None:
    """Why ``by`` may not activate ``user`` now, or None when they may."""
    link = waiting_link(db, user)
    if link is None:
        return Refusal.NOT_WAITING
    maker = link.created_by_id
    if (
        by.id == user.id
        or by.id == maker
        or (maker is not None and maker in people_behind(db, by.id))
        or by.id in people_behind(db, maker)
    ):
        return Refusal.SAME_PERSON
    return None


def activate(db: Session, user: User, by: User) -> Refusal | None:
    """Let ``user`` log in with the password they chose; None when done."""
    refusal = activation_refusal(db, by, user)
    if refusal is not None:
        return refusal
    link = waiting_link(db, user)
    assert link is not None
    link.activated_by_id = by.id
    link.activated_at = utcnow()
    user.awaiting_activation = False
    user.login_id = new_login_id()
    db.add(link)
    db.add(user)
    db.flush()
    log_access(by, None, "change", f"account {user.id} activated")
    return None
