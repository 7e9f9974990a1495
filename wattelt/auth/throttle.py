"""Throttling of failed logins, per account and per network address.

Wrong passwords count per login name (``ACCOUNT``), wrong two-factor codes per user in a name
space of their own (``TWO_FACTOR``): whatever someone types as a login name can never count
against, or clear, anyone's two-factor step. Failures are stored in the database (so every gunicorn worker sees them) as keyed hashes, and the
same limits apply to names that do not exist, so throttling reveals nothing about accounts."""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlmodel import Session, col, delete, func, select

from wattelt.db import keep_even_if_failed
from wattelt.models import LoginFailure, utcnow

#: The name spaces of what is throttled per account (``LoginFailure.kind``).
ACCOUNT = "account"
TWO_FACTOR = "two_factor"
#: Requests for a password reset link, per e-mail address typed (every request counts).
RESET = "reset"


@dataclass(frozen=True)
class Throttle:
    blocked: bool
    minutes: int = 0


def _key(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value.strip().lower()}".encode(), hashlib.sha256).hexdigest()


def check(db: Session, login_name: str, address: str, space: str = ACCOUNT) -> Throttle:
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    since = utcnow() - window
    limits = (
        (space, login_name, current_app.config["LOGIN_MAX_FAILURES_ACCOUNT"]),
        ("address", address, current_app.config["LOGIN_MAX_FAILURES_ADDRESS"]),
    )
    for kind, value, limit in limits:
        count, oldest = db.exec(
            select(func.count(), func.min(LoginFailure.at)).where(
                LoginFailure.kind == kind,
                LoginFailure.key_hash == _key(kind, value),
                LoginFailure.at > since,
            )
        ).one()
        if count >= limit:
            remaining = (oldest + window - utcnow()).total_seconds()
            return Throttle(True, max(1, math.ceil(remaining / 60)))
    return Throttle(False)


def record_failure(db: Session, login_name: str, address: str, space: str = ACCOUNT) -> None:
    db.add(LoginFailure(kind=space, key_hash=_key(space, login_name)))
    db.add(LoginFailure(kind="address", key_hash=_key("address", address)))
    # Keep the table small: failures older than a day no longer matter.
    db.exec(delete(LoginFailure).where(col(LoginFailure.at) < utcnow() - timedelta(days=1)))


def keep_failure(db: Session, login_name: str, address: str, space: str = ACCOUNT) -> None:
    """Count a failed try; kept even though the request then answers with an error (and writes
    nothing else)."""
    keep_even_if_failed(db, lambda session: record_failure(session, login_name, address, space))


def clear_account(db: Session, login_name: str, space: str = ACCOUNT) -> None:
    db.exec(
        delete(LoginFailure).where(
            LoginFailure.kind == space,
            LoginFailure.key_hash == _key(space, login_name),
        )
    )
