"""Two-factor authentication with TOTP (RFC 6238) and single-use recovery codes.

For professionals only (residents and network members use their easy login). Required for the
roles in ``WATTELT_REQUIRE_2FA_ROLES`` and for every member of an organisation with "two-factor
required"; they enrol at their next login. A code works once: the newest time step used is
remembered and an older or equal one is refused (no replay)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from wattelt.models import Organisation, RecoveryCode, TwoFactor, User, utcnow
from wattelt.policy import two_factor_required_by_role

ISSUER = "Wattelt"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def required_for(db: Session, user: User) -> bool:
    if not user.role_enum.is_professional:
        return False
    if two_factor_required_by_role(user, current_app.config["REQUIRE_2FA_ROLES"]):
        return True
    organisation = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    return bool(organisation and organisation.two_factor_required)


def enrolment(db: Session, user: User) -> TwoFactor | None:
    return db.exec(select(TwoFactor).where(TwoFactor.user_id == user.id)).first()


def is_enrolled(db: Session, user: User) -> bool:
    found = enrolment(db, user)
    return found is not None and found.enabled_at is not None


def start_enrolment(db: Session, user: User) -> TwoFactor:
    """A pending secret for the enrolment page; an unconfirmed one is reused until confirmed."""
    found = enrolment(db, user)
    if found is not None and found.enabled_at is not None:
        raise ValueError("already enrolled")
    if found is None:
        found = TwoFactor(user_id=user.id, secret=pyotp.random_base32())
        db.add(found)
        db.flush()
    return found


def provisioning_uri(two_factor: TwoFactor, user: User) -> str:
    return pyotp.TOTP(two_factor.secret).provisioning_uri(name=user.login_name, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, made here: the secret never leaves the server."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def clock() -> float:
    """The time the 30-second steps are counted from (the tests hold it still)."""
    return time.time()


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else clock()) // totp.interval)
    # One step either side allows for a phone's clock being a little off.
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_code(db: Session, two_factor: TwoFactor, code: str, now: float | None = None) -> bool:
    """Check a TOTP code and use it up. A code of a step already used is refused (replay)."""
    step = _matching_step(two_factor.secret, code, now)
    if step is None or step <= two_factor.last_step:
        return False
    # Compare-and-set: of two simultaneous logins with one code, only one wins.
    used = db.exec(
        update(TwoFactor)
        .where(col(TwoFactor.id) == two_factor.id, col(TwoFactor.last_step) < step)
        .values(last_step=step)
    )
    db.refresh(two_factor)
    return used.rowcount == 1


def _code_hash(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    normal = "".join(code.lower().split()).replace("-", "")
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def confirm_enrolment(db: Session, user: User, code: str) -> list[str] | None:
    """Switch two-factor on with a first code; returns new recovery codes (shown once)."""
    found = enrolment(db, user)
    if found is None or found.enabled_at is not None or not verify_code(db, found, code):
        return None
    found.enabled_at = utcnow()
    db.add(found)
    return new_recovery_codes(db, user)


def new_recovery_codes(db: Session, user: User) -> list[str]:
    db.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)))
    db.flush()
    return codes


def use_recovery_code(db: Session, user: User, code: str) -> bool:
    if not code or len(code) > 40:
        return False
    used = db.exec(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash) == _code_hash(code),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
    )
    return used.rowcount == 1


def remaining_recovery_codes(db: Session, user: User) -> int:
    return len(
        db.exec(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, col(RecoveryCode.used_at).is_(None)
            )
        ).all()
    )


def check_login_code(db: Session, user: User, code: str) -> bool:
    """The second step of logging in: a TOTP code, or else a recovery code."""
    found = enrolment(db, user)
    if found is None or found.enabled_at is None:
        return False
    if verify_code(db, found, code):
        return True
    return use_recovery_code(db, user, code)


def remove(db: Session, user: User) -> None:
    """Switch two-factor off (the user themself when not required, or an admin's reset)."""
    db.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    db.exec(delete(TwoFactor).where(col(TwoFactor.user_id) == user.id))
