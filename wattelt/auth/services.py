"""Logging in and invitations: the domain logic behind the auth views."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from wattelt.auth import passwords, throttle
from wattelt.models import Invitation, User, new_login_id, utcnow
from wattelt.policy import log_access


class LoginOutcome(Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"
    #: The password is right, but a second person has not activated the account yet.
    WAITING = "waiting"


@dataclass
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None
    minutes: int = 0


def find_login(db: Session, login_name: str, professional: bool) -> User | None:
    name = login_name.strip().lower()
    if not name:
        return None
    column = User.email if professional else User.username
    return db.exec(select(User).where(func.lower(column) == name)).first()


def authenticate(
    db: Session, login_name: str, password: str, address: str, professional: bool
) -> LoginResult:
    """Check a login attempt. Unknown names and wrong passwords look exactly the same."""
    verdict = throttle.check(db, login_name, address)
    if verdict.blocked:
        return LoginResult(LoginOutcome.THROTTLED, minutes=verdict.minutes)
    user = find_login(db, login_name, professional)
    if user is not None and professional != user.role_enum.is_professional:
        user = None
    if user is None:
        passwords.waste_time(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password) and user.active
    if not ok:
        throttle.keep_failure(db, login_name, address)
        return LoginResult(LoginOutcome.WRONG)
    throttle.clear_account(db, login_name)
    if user.awaiting_activation:
        return LoginResult(LoginOutcome.WAITING, user)
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    db.add(user)
    return LoginResult(LoginOutcome.OK, user)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cancel_open_invitations(db: Session, user: User) -> datetime:
    """Make every unused link of ``user`` expire now; returns that moment."""
    now = utcnow()
    db.exec(
        update(Invitation)
        .where(col(Invitation.user_id) == user.id, col(Invitation.used_at).is_(None))
        .where(col(Invitation.expires_at) > now)
        .values(expires_at=now)
    )
    return now


class AccountHasPassword(Exception):
    """The account already has a password: a link would let whoever opens it take it over."""


def create_invitation(
    db: Session,
    user: User,
    created_by: User | None,
    *,
    reset: bool = False,
    needs_activation: bool = False,
) -> str:
    """Make a new single-use link for ``user``; earlier open links of that user stop working.

    Without ``reset`` only for an account without a password: such a link never resets one
    (whoever opened it could act as that person, consent and ask for erasure in their name, or
    skip their second factor); raises :class:`AccountHasPassword` otherwise. A ``reset`` link
    (professionals only) asks for the second factor where one is set up and ends every session.
    ``needs_activation``: the link is shown to ``created_by`` rather than mailed to the person,
    so the account waits for a second person after the link is used.
    Returns the token; only its hash is stored."""
    if user.password_hash and not reset:
        raise AccountHasPassword
    if reset and not user.role_enum.is_professional and not needs_activation:
        # A resident's or network member's reset works only after a second professional
        # confirmed it (``wattelt.residents.password_reset``).
        raise ValueError("a resident's password is reset only with a second person")
    now = cancel_open_invitations(db, user)
    token = secrets.token_urlsafe(32)
    db.add(
        Invitation(
            user_id=user.id,
            token_hash=token_hash(token),
            created_by_id=created_by.id if created_by else None,
            expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
            reset=bool(reset and user.password_hash),
            needs_activation=needs_activation,
        )
    )
    db.flush()
    return token


class InvitationState(Enum):
    VALID = "valid"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    #: A resident's reset link that a second professional has not confirmed yet.
    UNCONFIRMED = "unconfirmed"


def look_up_invitation(db: Session, token: str) -> tuple[InvitationState, Invitation | None]:
    invitation = db.exec(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).first()
    if invitation is None:
        return InvitationState.UNKNOWN, None
    return invitation_state(db, invitation), invitation


def invitation_state(db: Session, invitation: Invitation) -> InvitationState:
    account = db.get(User, invitation.user_id)
    if (
        invitation.used_at is not None
        or account is None
        or not account.active
        or (account.password_hash and not invitation.reset)
    ):
        return InvitationState.USED
    if invitation.expires_at <= utcnow():
        return InvitationState.EXPIRED
    if (
        invitation.needs_activation
        and invitation.activated_at is None
        and not account.role_enum.is_professional
    ):
        return InvitationState.UNCONFIRMED
    return InvitationState.VALID


def accept_invitation(
    db: Session, invitation: Invitation, password: str, username: str | None
) -> User | None:
    """Use the invitation once: set the password (and user name). ``None`` if it was just used.

    The conditional UPDATE makes two simultaneous submissions of one link end in one success.
    A link made before the account got its password (by another link) no longer works, unless it
    is a reset link. Every session of the account ends; a link that its maker saw leaves the
    account waiting for a second person (:mod:`wattelt.auth.activation`). The access log keeps
    that the password was set by link."""
    account = db.get(User, invitation.user_id)
    if account is None or (account.password_hash and not invitation.reset):
        return None
    if invitation_state(db, invitation) is not InvitationState.VALID:
        return None
    claimed = db.exec(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .where(col(Invitation.expires_at) > utcnow())
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.rollback()
        return None
    user = db.get(User, invitation.user_id)
    assert user is not None
    if username:
        user.username = username.strip()
    user.password_hash = passwords.hash_password(password)
    user.login_id = new_login_id()  # any older session of this account ends
    # A mailed link reached the person themself; a shown one waits for a second person.
    user.awaiting_activation = invitation.needs_activation and user.role_enum.is_professional
    db.add(user)
    db.flush()
    log_access(
        user,
        None,
        "change",
        "password reset by link" if invitation.reset else "password set by link",
    )
    return user


def username_taken(db: Session, username: str, except_user_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.username) == username.strip().lower())
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.exec(query).first() is not None


def change_password(db: Session, user: User, current: str, new: str) -> bool:
    """Set a new password when ``current`` is right; every other session of the account ends
    (a new login id). False, and nothing changed, when ``current`` is wrong."""
    if not passwords.verify_password(user.password_hash, current):
        return False
    user.password_hash = passwords.hash_password(new)
    user.login_id = new_login_id()
    db.add(user)
    db.flush()
    return True
