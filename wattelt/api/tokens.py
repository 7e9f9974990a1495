"""API tokens: made by an admin for a policymaker or manager, shown once, stored as a hash,
revocable, with an optional expiry and the moment of last use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from wattelt.models import ApiToken, User, utcnow
from wattelt.policy import api_token_accounts, may_hold_api_token

TOKEN_PREFIX = "wt_"
# Writing "last used" on every call would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Refused(StrEnum):
    MISSING = "missing_token"
    INVALID = "invalid_token"  # unknown, revoked or expired: the caller needs not know which
    NO_ACCESS = "no_access"  # the token's account may not (or no longer) see figures


def hash_token(token: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 cannot be brute-forced back.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(
    db: Session, user: User, name: str, created_by: User, days: int | None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token itself (shown only now)."""
    if not may_hold_api_token(user):
        raise ValueError("API tokens are for policymakers and managers")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name=name.strip(),
        prefix=token[:10],
        token_hash=hash_token(token),
        created_by_id=created_by.id,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.add(row)
    db.flush()
    return row, token


def revoke(db: Session, token: ApiToken) -> bool:
    """Revoke now; False when it was revoked already."""
    result = db.exec(  # type: ignore[call-overload]
        update(ApiToken)
        .where(col(ApiToken.id) == token.id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    db.refresh(token)
    return result.rowcount == 1


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def is_active(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    expires = _aware(token.expires_at)
    return token.revoked_at is None and (expires is None or expires > now)


def authenticate(db: Session, header: str | None) -> tuple[User | None, Refused | None]:
    """The user behind an ``Authorization: Bearer <token>`` header, or why not."""
    if not header:
        return None, Refused.MISSING
    scheme, _space, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None, Refused.INVALID
    row = db.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if row is None or not is_active(row):
        return None, Refused.INVALID
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None, Refused.INVALID
    if not may_hold_api_token(user):
        return None, Refused.NO_ACCESS
    now = utcnow()
    last = _aware(row.last_used_at)
    if last is None or now - last >= LAST_USED_RESOLUTION:
        row.last_used_at = now
        db.add(row)
    return user, None


def tokens(db: Session) -> list[tuple[ApiToken, User]]:
    return list(
        db.exec(
            select(ApiToken, User)
            .join(User, col(User.id) == ApiToken.user_id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).all()
    )


def token_users(db: Session) -> list[User]:
    return list(
        db.exec(
            select(User)
            .where(api_token_accounts(), User.active == True)  # noqa: E712
            .order_by(User.display_name)
        ).all()
    )
